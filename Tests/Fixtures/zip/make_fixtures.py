"""Writes the zip fixtures once (python3 make_fixtures.py, in this folder); the tests never run it.

- deflated.zip: deflated entries (text, incompressible bytes, JSON, an empty file), a stored one,
  a folder entry, a UTF-8 name, and an archive comment (a reader must search backwards for the
  end of central directory record).
- streamed.zip: deflated entries written to an unseekable stream, so every local header has
  zero sizes and CRC and the real ones follow the data in a data descriptor (flag bit 3).
- zeros-1MiB.deflate: a MiB of zeros as a raw deflate stream ended by a full flush (tiled by tests).
- expected.json: every entry's name, compression method, size, CRC-32 and contents (base64).
"""
import base64, io, json, random, zipfile, zlib

STAMP = (2024, 1, 2, 3, 4, 6)
COMMENT = b"slimtrace deflate fixture: an archive comment the reader must step over"

def lines_text():
    words = ["linear", "frontier", "attention", "head", "channel", "residual", "dropout", "query",
             "key", "value", "dense", "conv2d", "slim", "trace", "graph", "node"]
    rng = random.Random(7)
    out = []
    for i in range(220):
        out.append(f"{i:04d}: " + " ".join(rng.choice(words) for _ in range(rng.randint(3, 9))))
    return ("\n".join(out) + "\n").encode()

ENTRIES = [
    ("docs/", None, zipfile.ZIP_STORED),
    ("docs/lines.txt", lines_text(), zipfile.ZIP_DEFLATED),
    ("data/random.bin", random.Random(11).randbytes(3000), zipfile.ZIP_DEFLATED),
    ("config.json", json.dumps({"class_name": "Sequential", "config": {"name": "z", "layers": []}}).encode(), zipfile.ZIP_DEFLATED),
    ("empty.txt", b"", zipfile.ZIP_DEFLATED),
    ("stored.txt", b"stored, not deflated\n", zipfile.ZIP_STORED),
    ("unicode-\u00fc\u00df.txt", "gr\u00fc\u00dfe\n".encode(), zipfile.ZIP_DEFLATED),
]

def write(archive):
    for name, data, method in ENTRIES:
        info = zipfile.ZipInfo(name, STAMP)
        info.compress_type = method
        if data is None:
            info.external_attr = 0o40755 << 16 | 0x10
            archive.writestr(info, b"")
        else:
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compress_type=method, compresslevel=9)

with zipfile.ZipFile("deflated.zip", "w") as archive:
    archive.comment = COMMENT
    write(archive)

class Unseekable(io.RawIOBase):
    def __init__(self):
        self.buffer = bytearray()
    def writable(self):
        return True
    def write(self, data):
        self.buffer += data
        return len(data)

stream = Unseekable()
with zipfile.ZipFile(stream, "w") as archive:
    for name, data, method in ENTRIES[1:5]:
        info = zipfile.ZipInfo(name, STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as entry:
            entry.write(data)
open("streamed.zip", "wb").write(bytes(stream.buffer))

# The expected values come from what was written, not from reading the archives back
# (`unzip -t` passes both).
def described(entries, comment, streamed):
    out = []
    for name, data, method in entries:
        out.append({"name": name, "method": method if data is not None else zipfile.ZIP_STORED,
                    "size": len(data or b""), "crc32": zlib.crc32(data or b""),
                    "data_descriptor": streamed, "base64": base64.b64encode(data or b"").decode()})
    return {"comment": comment.decode("latin-1"), "entries": out}

expected = {
    "deflated.zip": described(ENTRIES, COMMENT, False),
    "streamed.zip": described([(n, d, zipfile.ZIP_DEFLATED) for n, d, _ in ENTRIES[1:5]], b"", True),
}
with open("expected.json", "w") as out:
    json.dump(expected, out, indent=1, ensure_ascii=True)
    out.write("\n")

# zeros-1MiB.deflate: one MiB of zeros, raw deflate, ended by a full flush (no final block), so the
# tests tile it into a stream of any size (a zip bomb) and close it with a final empty block.
squeezer = zlib.compressobj(9, zlib.DEFLATED, -15)
with open("zeros-1MiB.deflate", "wb") as out:
    out.write(squeezer.compress(bytes(1 << 20)) + squeezer.flush(zlib.Z_FULL_FLUSH))
