import Foundation
import FuzzSupport
import Models

// A `config.json`: parsed, then built as the architecture it names, in meta mode (shapes only),
// so that the size bounds on every key are exercised.
FuzzDriver.run { data, size in
    guard let data else { return 0 }
    let url = URL(fileURLWithPath: "/fuzz/config.json")
    guard let config = try? ConfigFile(data: Data(bytes: data, count: size), url: url) else { return 0 }
    _ = try? Architectures.build(config: config, parameterNames: [])
    return 0
}
