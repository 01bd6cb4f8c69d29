import FuzzSupport
import Formats
import Tensor

// A safetensors file: the header alone, then the whole file mapped and every tensor read and
// converted to f32. Any thrown error is a correct answer; a crash, a hang or a runaway allocation is not.
FuzzDriver.run { data, size in
    guard let data else { return 0 }
    let url = ScratchFile.write(data, size, ext: "safetensors")
    _ = try? SafetensorsFile.readHeader(url: url)
    guard let file = try? SafetensorsFile(url: url) else { return 0 }
    for name in file.names {
        guard let tensor = try? file.tensor(named: name) else { continue }
        _ = try? tensor.to(.f32)
    }
    return 0
}
