"""Writes reference.safetensors and reference_expected.json, the fixture SafetensorsTests reads.

Run once, from this folder, with the reference implementation installed:

    pip install safetensors numpy
    python3 make_safetensors_fixture.py

The tensors cover every dtype slimtrace reads, a scalar and an empty tensor. The file is written
by the `safetensors` package itself (`serialize_file`, what `safetensors.numpy.save_file` calls);
numpy has no bfloat16, so that tensor's bytes are the top halves of float32 values that bfloat16
represents exactly. The expected values are the numbers numpy holds, written independently of the
file, plus the tensor order and offsets read from the file's own header.
"""

import json
import struct

import numpy as np
from safetensors import TensorSpec, serialize_file

HERE = __file__.rsplit("/", 1)[0] if "/" in __file__ else "."
FILE = f"{HERE}/reference.safetensors"
EXPECTED = f"{HERE}/reference_expected.json"
METADATA = {"format": "np", "source": "make_safetensors_fixture.py"}

bf16_values = np.array([[1.0, -2.5], [0.15625, 65536.0]], dtype=np.float32)
arrays = {
    "encoder.weight": np.array([[0.5, -1.25, 3.0], [1e-3, -0.0, 123456.789]], dtype=np.float32),
    "encoder.bias": np.array([1.5, -2.0, 0.333], dtype=np.float16),
    "ids": np.array([0, -1, 2**40, 7], dtype=np.int64),
    "positions": np.array([-5, 0, 2**31 - 1], dtype=np.int32),
    "mask": np.array([[True, False], [False, True]], dtype=np.bool_),
    "scale": np.array(2.5, dtype=np.float32),
    "empty": np.zeros((0, 4), dtype=np.float32),
}
raw = {name: (array.dtype.name, array) for name, array in arrays.items()}
raw["embed.bf16"] = ("bfloat16", (bf16_values.view(np.uint32) >> 16).astype(np.uint16))

specs = {
    name: TensorSpec(dtype=dtype, shape=list(array.shape), data_ptr=array.ctypes.data, data_len=array.nbytes)
    for name, (dtype, array) in raw.items()
}
serialize_file(specs, FILE, metadata=METADATA)

with open(FILE, "rb") as handle:
    (header_length,) = struct.unpack("<Q", handle.read(8))
    header = json.loads(handle.read(header_length))
header.pop("__metadata__")
order = sorted(header, key=lambda name: (header[name]["data_offsets"], name))

names = {"float32": "F32", "float16": "F16", "bfloat16": "BF16", "int64": "I64", "int32": "I32", "bool": "BOOL"}
values = {name: array for name, array in arrays.items()}
values["embed.bf16"] = bf16_values
expected = {
    "metadata": METADATA,
    "order": order,
    "tensors": {
        name: {
            "dtype": names[raw[name][0]],
            "shape": list(raw[name][1].shape),
            "data_offsets": header[name]["data_offsets"],
            "values": [float(v) if values[name].dtype.kind == "f" else int(v) for v in values[name].reshape(-1)],
        }
        for name in order
    },
}
with open(EXPECTED, "w") as handle:
    json.dump(expected, handle, indent=1)
    handle.write("\n")
