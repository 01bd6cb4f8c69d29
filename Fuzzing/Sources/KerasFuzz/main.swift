import Foundation
import FuzzSupport
import Formats
import Searchers

// A zip archive: its directory and every entry extracted (with the reader's cap), then the same
// bytes opened as a `.keras` file and searched for a classifier head.
FuzzDriver.run { data, size in
    guard let data else { return 0 }
    if let archive = try? ZipArchive(data: Data(bytes: data, count: size), path: "fuzz.zip") {
        for entry in archive.entries {
            _ = try? archive.contents(of: entry, limit: KerasArchive.configByteLimit)
        }
    }
    let url = ScratchFile.write(data, size, ext: "keras")
    _ = try? ClassifierHeadSearcherTF(archive: url).search()
    return 0
}
