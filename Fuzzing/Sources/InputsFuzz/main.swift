import FuzzSupport
import Formats

// An `--inputs` file: the first byte picks the format (even: JSON Lines, odd: safetensors), the
// rest is the file.
FuzzDriver.run { data, size in
    guard let data, size > 0 else { return 0 }
    let url = ScratchFile.write(data + 1, size - 1, ext: data[0] % 2 == 0 ? "jsonl" : "safetensors")
    _ = try? InputFile(url: url)
    return 0
}
