#!/usr/bin/env python3
"""Writes op_reference.json: reference results for every Tensor op, computed with numpy/scipy.

Run from anywhere:  python3 Tests/TensorTests/Fixtures/make_op_fixtures.py
The output is deterministic (seeded RNG); re-running must not change the file.

Format (read by Tests/TensorTests/ReferenceCase.swift):
  {"generator", "seed", "numpy", "scipy", "cases": [case, ...]}
  case = {"name": "op/what-it-checks", "op": Swift op name,
          "inputs": [tensor, ...], "attributes": {...},
          "expected": [tensor, ...]          # one per output (split/chunk/rotary_tables have several)
          "tolerance": {"abs": a, "rel": r}} # |actual - expected| <= a + r*|expected|, elementwise
  tensor = {"shape": stored shape, "dtype": "f32"|"f16"|"bf16"|"i64"|"i32"|"bool",
            "data": row-major values, or "pattern": {...} (see `pattern_values`),
            "views": optional list of view steps the test applies after building the stored
                     tensor, so the op sees a non-contiguous input:
                     {"op": "transpose", "dims": [a, b]} | {"op": "permute", "dims": [...]} |
                     {"op": "narrow", "dim", "start", "length"} | {"op": "select", "dim", "index"} |
                     {"op": "expand", "shape": [...]}}
  f32 data are numbers, or the strings "inf", "-inf", "nan"; f16/bf16 data are the raw 16-bit
  patterns (integers), so half inputs and outputs are exact; i64/i32 are integers; bool is 0/1.

Inputs are float32 values (4 decimals, then rounded to f32) written exactly; references are
computed in float64 from those float32 values and written with 8 significant digits.
"""
import json
import math
import os

import numpy as np
import scipy
import scipy.signal
import scipy.special

SEED = 20250611
rng = np.random.default_rng(SEED)
cases = []

TIGHT = {"abs": 1e-5, "rel": 1e-5}
LOOSE = {"abs": 1e-4, "rel": 1e-4}
ELEMENTWISE = {"abs": 1e-6, "rel": 1e-6}
EXACT = {"abs": 0.0, "rel": 0.0}


# ---------------------------------------------------------------------------- encoding

def f32_exact(v):
    """A float32 value as a JSON-able Python value that parses back to exactly that float32."""
    v = np.float32(v)
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    s = np.format_float_positional(v, unique=True, trim="-")
    if len(s) > 12:
        s = np.format_float_scientific(v, unique=True, trim="-")
    out = float(s)
    assert np.float32(out) == v or (v == 0 and out == 0), (v, s)
    return out


def f64_rounded(v):
    """A reference value with 8 significant digits (plenty for float32 comparisons)."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float("%.8g" % v)


def bf16_bits_from_f32(a):
    """Round-to-nearest-even float32 -> bfloat16 bit patterns, by comparing the two candidates
    in float64 (an independent route from the bit trick the Swift code uses)."""
    a = np.asarray(a, dtype=np.float32)
    out = np.empty(a.shape, dtype=np.uint16)
    for idx, v in np.ndenumerate(a):
        u = int(np.array(v, dtype=np.float32).view(np.uint32))
        if np.isnan(v):
            out[idx] = (u >> 16) | 0x40
            continue
        lo = u >> 16
        if np.isinf(v):
            out[idx] = lo
            continue
        hi = lo + 1
        vlo = float(np.array(lo << 16, dtype=np.uint32).view(np.float32))
        if (hi & 0x7FFF) == 0x7F80:  # next bf16 up is infinity: RNE treats it as 2^128
            vhi = math.copysign(2.0 ** 128, float(v))
        else:
            vhi = float(np.array(hi << 16, dtype=np.uint32).view(np.float32))
        x = float(v)
        dlo, dhi = abs(x - vlo), abs(vhi - x)
        if dlo < dhi or (dlo == dhi and lo % 2 == 0):
            out[idx] = lo
        else:
            out[idx] = hi
    return out


def bf16_to_f64(bits):
    bits = np.asarray(bits, dtype=np.uint32) << 16
    with np.errstate(invalid="ignore"):  # NaN patterns stay NaN
        return bits.view(np.float32).astype(np.float64)


def tensor(arr, dtype=None, views=None, exact=False, pattern=None):
    """The JSON for a stored tensor. `arr` is the stored array (float32 for f32 inputs,
    uint16 bit patterns for f16/bf16, ints for i64/i32/bool)."""
    arr = np.asarray(arr)
    if dtype is None:
        dtype = {"f": "f32", "i": "i64", "u": "i64", "b": "bool"}[arr.dtype.kind]
    entry = {"shape": list(arr.shape), "dtype": dtype}
    if pattern is not None:
        entry["pattern"] = pattern
    elif dtype == "f32":
        flat = arr.reshape(-1)
        entry["data"] = [f32_exact(v) for v in flat] if (exact or arr.dtype == np.float32) else [f64_rounded(v) for v in flat]
    elif dtype in ("f16", "bf16", "i64", "i32"):
        entry["data"] = [int(v) for v in arr.reshape(-1)]
    elif dtype == "bool":
        entry["data"] = [1 if v else 0 for v in arr.reshape(-1)]
    else:
        raise ValueError(dtype)
    if views:
        entry["views"] = views
    return entry


def expected_f32(arr, exact=False):
    arr = np.asarray(arr, dtype=np.float64)
    if exact:
        return tensor(arr.astype(np.float32), "f32", exact=True)
    return {"shape": list(arr.shape), "dtype": "f32", "data": [f64_rounded(v) for v in arr.reshape(-1)]}


def add_case(name, op, inputs, expected, attributes=None, tolerance=TIGHT):
    assert not any(c["name"] == name for c in cases), name
    if not isinstance(expected, list):
        expected = [expected]
    cases.append({"name": name, "op": op, "inputs": inputs, "attributes": attributes or {},
                  "expected": expected, "tolerance": tolerance})


# ---------------------------------------------------------------------------- inputs

def rand(*shape, scale=1.0, shift=0.0):
    """float32 normal values with 4 decimals (short in JSON, exact in float32 once rounded)."""
    return np.round(rng.standard_normal(shape) * scale + shift, 4).astype(np.float32)


def pattern_values(shape, multiplier, modulus, offset, scale):
    """value[i] = ((i * multiplier) % modulus + offset) * scale, exact in float32 when scale is a
    power of two: lets large inputs (to reach the multi-core paths) stay out of the JSON."""
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.int64)
    values = (((i * multiplier) % modulus) + offset).astype(np.float64) * scale
    assert np.all(values.astype(np.float32) == values)
    return values.astype(np.float32).reshape(shape), {"multiplier": multiplier, "modulus": modulus, "offset": offset, "scale": scale}


def apply_views(arr, views):
    for step in views or []:
        op = step["op"]
        if op == "transpose":
            arr = np.swapaxes(arr, *step["dims"])
        elif op == "permute":
            arr = np.transpose(arr, step["dims"])
        elif op == "narrow":
            arr = np.take(arr, range(step["start"], step["start"] + step["length"]), axis=step["dim"])
        elif op == "select":
            arr = np.take(arr, step["index"], axis=step["dim"])
        elif op == "expand":
            lead = len(step["shape"]) - arr.ndim
            target = [arr.shape[i - lead] if (s == -1 and i >= lead) else s for i, s in enumerate(step["shape"])]
            arr = np.broadcast_to(arr, target)
        else:
            raise ValueError(op)
    return arr


def f64(a):
    return np.asarray(a).astype(np.float64)


# ---------------------------------------------------------------------------- linear, matmul

def linear_case(name, x_shape, out_features, layout, bias, tolerance=TIGHT, x_views=None, w_views=None, x_store=None):
    in_features = x_shape[-1]
    x_stored = rand(*(x_store or x_shape))
    x = apply_views(x_stored, x_views)
    assert list(x.shape) == list(x_shape)
    logical = (out_features, in_features) if layout == "outIn" else (in_features, out_features)
    if w_views:  # stored transposed, viewed back to the logical layout
        w_stored = rand(logical[1], logical[0], scale=0.5)
    else:
        w_stored = rand(*logical, scale=0.5)
    w = apply_views(w_stored, w_views)
    assert w.shape == logical
    y = f64(x) @ (f64(w).T if layout == "outIn" else f64(w))
    inputs = [tensor(x_stored, views=x_views), tensor(w_stored, views=w_views)]
    if bias:
        b = rand(out_features)
        y = y + f64(b)
        inputs.append(tensor(b))
    add_case("linear/" + name, "linear", inputs, expected_f32(y), {"layout": layout}, tolerance)


linear_case("outIn_bias_17_to_1", [3, 17], 1, "outIn", True)
linear_case("outIn_nobias_rank3_3_to_17", [2, 5, 3], 17, "outIn", False)
linear_case("outIn_bias_1000_to_3", [1, 1000], 3, "outIn", True, LOOSE)
linear_case("outIn_bias_17_to_1003", [2, 17], 1003, "outIn", True)
linear_case("outIn_bias_rank1_input", [17], 3, "outIn", True)
linear_case("outIn_bias_1_feature", [4, 1], 3, "outIn", True)
linear_case("inOut_bias_17_to_3", [3, 17], 3, "inOut", True)
linear_case("inOut_nobias_1003_rows", [1003, 3], 1, "inOut", False)
linear_case("inOut_bias_1000_to_17", [2, 1000], 17, "inOut", True, LOOSE)
linear_case("outIn_transposed_weight_view", [3, 17], 5, "outIn", True, w_views=[{"op": "transpose", "dims": [0, 1]}])
linear_case("inOut_transposed_weight_view", [3, 17], 5, "inOut", False, w_views=[{"op": "transpose", "dims": [0, 1]}])
linear_case("outIn_transposed_input_view", [5, 17], 3, "outIn", True, x_views=[{"op": "transpose", "dims": [0, 1]}], x_store=[17, 5])


def matmul_case(name, a_store, b_store, a_views=None, b_views=None, tolerance=TIGHT):
    a_s, b_s = rand(*a_store), rand(*b_store)
    a, b = apply_views(a_s, a_views), apply_views(b_s, b_views)
    add_case("matmul/" + name, "matmul", [tensor(a_s, views=a_views), tensor(b_s, views=b_views)],
             expected_f32(np.matmul(f64(a), f64(b))), tolerance=tolerance)


matmul_case("2d_3x17_17x5", [3, 17], [17, 5])
matmul_case("batch_broadcast_2x1x3x4_5x4x6", [2, 1, 3, 4], [5, 4, 6])
matmul_case("rank3_times_rank2", [4, 3, 5], [5, 2])
matmul_case("transposed_right_operand_q_kT", [2, 3, 5], [2, 6, 5], b_views=[{"op": "transpose", "dims": [1, 2]}])
matmul_case("transposed_left_operand", [2, 5, 3], [2, 5, 4], a_views=[{"op": "transpose", "dims": [1, 2]}])
matmul_case("permuted_heads_scores", [1, 4, 2, 8], [1, 4, 2, 8],
            a_views=[{"op": "permute", "dims": [0, 2, 1, 3]}], b_views=[{"op": "permute", "dims": [0, 2, 3, 1]}])
matmul_case("narrowed_rows_leading_dimension", [3, 10], [5, 4], a_views=[{"op": "narrow", "dim": 1, "start": 2, "length": 5}])
matmul_case("expanded_batch_operand", [1, 3, 4], [2, 4, 2], a_views=[{"op": "expand", "shape": [2, 3, 4]}])
matmul_case("inner_1000", [2, 1000], [1000, 3], tolerance=LOOSE)
matmul_case("vector_rows_1x17_17x1", [1, 17], [17, 1])


# ---------------------------------------------------------------------------- arithmetic

def binary_case(name, op, a, b, a_views=None, b_views=None, a_dtype=None, b_dtype=None):
    av, bv = apply_views(a, a_views), apply_views(b, b_views)
    fn = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide}[op]
    add_case(f"{op}/{name}", op, [tensor(a, a_dtype, views=a_views), tensor(b, b_dtype, views=b_views)],
             expected_f32(fn(f64(av), f64(bv))), tolerance=ELEMENTWISE)


def scalar_case(name, op, a, scalar, a_dtype=None):
    x = f64(a)
    y = {"add": x + scalar, "sub": x - scalar, "mul": x * scalar, "div": x / scalar, "rsub": scalar - x}[op]
    add_case(f"{op}/{name}", op, [tensor(a, a_dtype)], expected_f32(y), {"scalar": f32_exact(scalar)}, ELEMENTWISE)


def denominators(*shape):
    d = rand(*shape)
    return np.where(np.abs(d) < 0.25, np.float32(0.5), d).astype(np.float32)


binary_case("same_shape_17", "add", rand(17), rand(17))
binary_case("broadcast_last_dim_2x3x4_4", "add", rand(2, 3, 4), rand(4))
binary_case("broadcast_both_5x1_1x7", "add", rand(5, 1), rand(1, 7))
binary_case("broadcast_middle_2x1x4_3x1", "add", rand(2, 1, 4), rand(3, 1))
binary_case("rank0_tensor", "add", rand(3, 5), rand())
binary_case("transposed_operand", "add", rand(4, 3), rand(3, 4), a_views=[{"op": "transpose", "dims": [0, 1]}])
binary_case("int64_plus_float", "add", np.array([[0, 1, -2], [7, 3, 100]], dtype=np.int64), rand(2, 3))
binary_case("broadcast_2x3x4_3x1", "sub", rand(2, 3, 4), rand(3, 1))
binary_case("rank0_minus_tensor", "sub", rand(), rand(2, 9))
binary_case("same_shape_19", "sub", rand(19), rand(19))
binary_case("broadcast_1x4_3x1", "mul", rand(1, 4), rand(3, 1))
binary_case("same_shape_2x8", "mul", rand(2, 8), rand(2, 8))
binary_case("bool_mask_times_float", "mul", rand(2, 5), np.array([[1, 0, 1, 1, 0]], dtype=bool))
binary_case("broadcast_2x3x5_5", "div", rand(2, 3, 5), denominators(5))
binary_case("broadcast_scalar_denominator_shape_1", "div", rand(11), denominators(1))
binary_case("same_shape_13", "div", rand(13), denominators(13))
binary_case("expanded_operand_view", "div", rand(3, 1), denominators(3, 6), a_views=[{"op": "expand", "shape": [3, 6]}])
scalar_case("scalar_21", "add", rand(21), 0.5)
scalar_case("scalar_2x3", "sub", rand(2, 3), 1.25)
scalar_case("scalar_3x11", "mul", rand(3, 11), -0.125)
scalar_case("scalar_sqrt_head_dim", "div", rand(2, 9), 8.0)
scalar_case("one_minus_float_mask", "rsub", np.array([[1, 1, 0, 0, 1, 0, 1, 1, 1]], dtype=np.float32), 1.0)
scalar_case("one_minus_int64_mask", "rsub", np.array([[1, 1, 1, 0], [1, 0, 0, 0]], dtype=np.int64), 1.0)
scalar_case("scalar_minus_17", "rsub", rand(17), 3.5)


# ---------------------------------------------------------------------------- activations

def gelu_erf(x):
    return 0.5 * x * (1 + scipy.special.erf(x / math.sqrt(2)))


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


ACTIVATIONS = {
    "gelu_erf": ("gelu", {"approximate": "none"}, gelu_erf),
    "gelu_tanh": ("gelu", {"approximate": "tanh"}, gelu_tanh),
    "silu": ("silu", {}, lambda x: x * scipy.special.expit(x)),
    "relu": ("relu", {}, lambda x: np.maximum(x, 0)),
    "tanh": ("tanh", {}, np.tanh),
    "sigmoid": ("sigmoid", {}, scipy.special.expit),
}
wide = np.concatenate([rand(3, 7, scale=3.0).reshape(-1),
                       np.array([-30, -12.5, -8, -5, -3, -1, -1e-3, 0, 1e-3, 1, 3, 5, 8, 12.5, 30], dtype=np.float32)]).reshape(4, 9)
for key, (op, attrs, fn) in ACTIVATIONS.items():
    add_case(f"{op}/{key}_wide_range_4x9", op, [tensor(wide)], expected_f32(fn(f64(wide))), attrs)
    x = rand(2, 3, 5)
    add_case(f"{op}/{key}_rank3_tail_only", op, [tensor(x)], expected_f32(fn(f64(x))), attrs)
    xt = rand(6, 4)
    views = [{"op": "transpose", "dims": [0, 1]}]
    add_case(f"{op}/{key}_transposed_input", op, [tensor(xt, views=views)], expected_f32(fn(f64(xt).T)), attrs)
big, big_pattern = pattern_values([8200], 37, 1009, -504, 1 / 128)  # 2 tasks; the split falls mid-SIMD-block
add_case("gelu/gelu_erf_8200_elements_multicore", "gelu", [tensor(big, pattern=big_pattern)],
         expected_f32(gelu_erf(f64(big))), {"approximate": "none"})
add_case("silu/silu_8200_elements_multicore", "silu", [tensor(big, pattern=big_pattern)],
         expected_f32(f64(big) * scipy.special.expit(f64(big))))
x = rand(3, 5)
add_case("dropout/identity_in_inference", "dropout", [tensor(x)], expected_f32(x, exact=True), {"p": 0.1}, EXACT)


# ---------------------------------------------------------------------------- softmax

def softmax_case(name, x, views=None, tolerance=TIGHT, pattern=None):
    xv = apply_views(x, views)
    with np.errstate(invalid="ignore"):
        y = scipy.special.softmax(f64(xv), axis=-1)
    add_case("softmax/" + name, "softmax", [tensor(x, views=views, pattern=pattern)], expected_f32(y), {}, tolerance)


FMIN = np.finfo(np.float32).min  # -3.4028235e38, Hugging Face's mask value
softmax_case("3x17_simd_and_tail", rand(3, 17, scale=2.0))
softmax_case("2x8_simd_only", rand(2, 8, scale=2.0))
softmax_case("4x5_tail_only", rand(4, 5, scale=2.0))
softmax_case("rank4_attention_scores", rand(1, 2, 3, 11, scale=3.0))
softmax_case("large_magnitude_plus_minus_1e4", np.array([
    [1e4, -1e4, 0, 9999.5, 1, -1, 2, 3, 4, 5],
    [-1e4, -1e4, -1e4, -1e4, -1e4, -1e4, -1e4, -1e4, -1e4, -9999],
    [1e4, 1e4, 1e4, 1e4, 1e4, 1e4, 1e4, 1e4, 1e4, 1e4],
    [5e3, -5e3, 5e3, -5e3, 5e3, -5e3, 5e3, -5e3, 5e3, 4999],
], dtype=np.float32))
row = rand(4, 12)
row[0, [1, 5, 10]] = -np.inf          # -inf in SIMD lanes and in the tail
row[1, 8:] = -np.inf                   # whole tail masked
row[2, :8] = -np.inf                   # whole SIMD block masked
row[3, [0, 11]] = -np.inf
softmax_case("minus_inf_mask_values_12_columns", row)
row = rand(4, 12)
row[0, [1, 5, 10]] = FMIN
row[1, :11] = FMIN                     # only one unmasked key
row[2, :] = FMIN                       # fully masked with finfo.min: uniform, as PyTorch
row[3, [0, 11]] = FMIN
softmax_case("finfo_min_mask_values_12_columns", row)
row = rand(3, 5)
row[0, [0, 3]] = -np.inf
row[1, :] = FMIN
row[2, 4] = FMIN
softmax_case("masked_5_columns_tail_only", row)
softmax_case("all_minus_inf_rows_are_nan_5_columns", np.array([[-np.inf] * 5, [0, 1, 2, 3, 4]], dtype=np.float32))
softmax_case("all_minus_inf_rows_are_nan_12_columns", np.array([[-np.inf] * 12, list(range(12))], dtype=np.float32))
softmax_case("all_minus_inf_rows_are_nan_8_columns", np.array([[-np.inf] * 8, list(range(8))], dtype=np.float32))
scores = rand(2, 6, scale=4.0)
softmax_case("transposed_input", scores, views=[{"op": "transpose", "dims": [0, 1]}])
big, pattern = pattern_values([40, 410], 53, 997, -498, 1 / 32)
softmax_case("40x410_multicore", big, pattern=pattern)


# ---------------------------------------------------------------------------- normalization

def layer_norm_ref(x, w, b, eps):
    x = f64(x)
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps)
    if w is not None:
        y = y * f64(w)
    if b is not None:
        y = y + f64(b)
    return y


def layer_norm_case(name, x, weight, bias, eps, views=None, pattern=None, tolerance=TIGHT):
    d = apply_views(x, views).shape[-1]
    w = rand(d, scale=0.5, shift=1.0) if weight else None
    b = rand(d, scale=0.5) if bias else None
    inputs = [tensor(x, views=views, pattern=pattern)] + [tensor(t) for t in (w, b) if t is not None]
    add_case("layer_norm/" + name, "layer_norm", inputs, expected_f32(layer_norm_ref(apply_views(x, views), w, b, eps)),
             {"eps": eps, "has_weight": weight, "has_bias": bias}, tolerance)


layer_norm_case("weight_bias_2x3x17", rand(2, 3, 17, scale=2.0, shift=0.5), True, True, 1e-5)
layer_norm_case("no_affine_4x8", rand(4, 8), False, False, 1e-5)
layer_norm_case("weight_only_3x5", rand(3, 5), True, False, 1e-6)
layer_norm_case("bias_only_2x9", rand(2, 9), False, True, 1e-5)
layer_norm_case("bert_eps_1e-12_3x768", rand(3, 768), True, True, 1e-12)
layer_norm_case("offset_mean_10_2x33", rand(2, 33, shift=10.0), True, True, 1e-5)
layer_norm_case("constant_row_uses_eps", np.full((2, 6), 3.25, dtype=np.float32), True, True, 1e-5)
layer_norm_case("transposed_input", rand(7, 3), True, True, 1e-5, views=[{"op": "transpose", "dims": [0, 1]}])
big, pattern = pattern_values([32, 700], 29, 1013, -506, 1 / 64)
layer_norm_case("32x700_multicore", big, True, True, 1e-5, pattern=pattern)


def rms_norm_case(name, x, weight, eps, views=None):
    xv = apply_views(x, views)
    w = rand(xv.shape[-1], scale=0.5, shift=1.0) if weight else None
    y = f64(xv) / np.sqrt((f64(xv) ** 2).mean(-1, keepdims=True) + eps)
    if w is not None:
        y = y * f64(w)
    inputs = [tensor(x, views=views)] + ([tensor(w)] if w is not None else [])
    add_case("rms_norm/" + name, "rms_norm", inputs, expected_f32(y), {"eps": eps, "has_weight": weight})


rms_norm_case("weight_2x5x17", rand(2, 5, 17), True, 1e-6)
rms_norm_case("no_weight_3x8", rand(3, 8), False, 1e-5)
rms_norm_case("weight_1x1000", rand(1, 1000), True, 1e-6)
rms_norm_case("zero_row_uses_eps", np.zeros((2, 4), dtype=np.float32), True, 1e-6)
rms_norm_case("permuted_input", rand(4, 2, 6), True, 1e-6, views=[{"op": "permute", "dims": [1, 0, 2]}])


# ---------------------------------------------------------------------------- embedding

table = rand(10, 7)
ids = np.array([[0, 9, 3], [3, 3, 5]], dtype=np.int64)
add_case("embedding/int64_ids_2x3", "embedding", [tensor(table), tensor(ids)], expected_f32(table[ids], exact=True), tolerance=EXACT)
ids32 = np.array([4, 0, 9, 1, 1], dtype=np.int32)
add_case("embedding/int32_ids_5", "embedding", [tensor(table), tensor(ids32, "i32")], expected_f32(table[ids32], exact=True), tolerance=EXACT)
add_case("embedding/scalar_id", "embedding", [tensor(table), tensor(np.array(6, dtype=np.int64))], expected_f32(table[6], exact=True), tolerance=EXACT)
tt = rand(7, 10)
add_case("embedding/transposed_table_view", "embedding",
         [tensor(tt, views=[{"op": "transpose", "dims": [0, 1]}]), tensor(ids)], expected_f32(tt.T[ids], exact=True), tolerance=EXACT)


# ---------------------------------------------------------------------------- conv2d

def conv2d_ref(x, w, b, stride, padding):
    x, w = f64(x), f64(w)
    n, c, h, wd = x.shape
    o, c2, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1])))
    out_h = (h + 2 * padding[0] - kh) // stride[0] + 1
    out_w = (wd + 2 * padding[1] - kw) // stride[1] + 1
    y = np.zeros((n, o, out_h, out_w))
    for i in range(n):
        for j in range(o):
            full = sum(scipy.signal.correlate2d(xp[i, k], w[j, k], mode="valid") for k in range(c))
            y[i, j] = full[::stride[0], ::stride[1]][:out_h, :out_w]
            if b is not None:
                y[i, j] += float(b[j])
    return y


def conv2d_case(name, x_shape, w_shape, stride, padding, bias):
    x, w = rand(*x_shape), rand(*w_shape, scale=0.5)
    b = rand(w_shape[0]) if bias else None
    inputs = [tensor(x), tensor(w)] + ([tensor(b)] if bias else [])
    add_case("conv2d/" + name, "conv2d", inputs, expected_f32(conv2d_ref(x, w, b, stride, padding)),
             {"stride": list(stride), "padding": list(padding), "has_bias": bias})


conv2d_case("vit_patch_stride_eq_kernel_4", [1, 3, 8, 8], [5, 3, 4, 4], (4, 4), (0, 0), True)
conv2d_case("vit_patch_uneven_image_9x10_kernel_3", [2, 3, 9, 10], [4, 3, 3, 3], (3, 3), (0, 0), False)
conv2d_case("stride1_padding1_3x3", [2, 2, 5, 6], [3, 2, 3, 3], (1, 1), (1, 1), True)
conv2d_case("stride2x1_padding0x2_kernel2x3", [1, 2, 6, 5], [2, 2, 2, 3], (2, 1), (0, 2), True)
conv2d_case("pointwise_1x1", [1, 4, 3, 3], [6, 4, 1, 1], (1, 1), (0, 0), False)


# ---------------------------------------------------------------------------- rotary

def inv_freq(dim, base):
    return 1.0 / (base ** (np.arange(0, dim, 2, dtype=np.float64) / dim))


def tables(length, dim, base, style):
    freqs = np.outer(np.arange(length, dtype=np.float64), inv_freq(dim, base))
    if style == "halfRotation":                    # LLaMA: emb = cat(freqs, freqs)
        emb = np.concatenate([freqs, freqs], axis=-1)
    else:                                          # GPT-J: repeat_interleave(2)
        emb = np.repeat(freqs, 2, axis=-1)
    return np.cos(emb), np.sin(emb)


def rotate_half(x):
    h = x.shape[-1] // 2
    return np.concatenate([-x[..., h:], x[..., :h]], axis=-1)


def rotate_every_two(x):
    return np.stack([-x[..., 1::2], x[..., ::2]], axis=-1).reshape(x.shape)


def rotary_ref(x, cos, sin, style):
    r = cos.shape[-1]
    x = f64(x)
    rot, rest = x[..., :r], x[..., r:]
    turned = rotate_half(rot) if style == "halfRotation" else rotate_every_two(rot)
    return np.concatenate([rot * cos + turned * sin, rest], axis=-1)


def rotary_case(name, x_store, rotary_dim, style, views=None, base=10000.0):
    x = rand(*x_store)
    xv = apply_views(x, views)
    cos, sin = tables(xv.shape[-2], rotary_dim, base, style)
    c32, s32 = cos.astype(np.float32), sin.astype(np.float32)
    add_case("rotary/" + name, "rotary", [tensor(x, views=views), tensor(c32), tensor(s32)],
             expected_f32(rotary_ref(xv, f64(c32), f64(s32), style)), {"style": style})


rotary_case("llama_rotate_half_1x2x5x8", [1, 2, 5, 8], 8, "halfRotation")
rotary_case("gptj_rotate_every_two_2x3x6x8", [2, 3, 6, 8], 8, "interleaved")
rotary_case("partial_rotate_half_dim4_of_10", [1, 3, 4, 10], 4, "halfRotation")
rotary_case("partial_gptj_dim6_of_8", [1, 2, 5, 8], 6, "interleaved")
rotary_case("llama_permuted_from_BTHD", [1, 5, 2, 8], 8, "halfRotation", views=[{"op": "permute", "dims": [0, 2, 1, 3]}])
rotary_case("rank2_positions_x_dim", [7, 6], 6, "interleaved")

for length, dim, base, style in [(16, 8, 10000.0, "halfRotation"), (16, 8, 10000.0, "interleaved"),
                                 (5, 6, 500000.0, "halfRotation"), (9, 4, 10000.0, "interleaved")]:
    cos, sin = tables(length, dim, base, style)
    add_case(f"rotary_tables/{style}_len{length}_dim{dim}_base{int(base)}", "rotary_tables", [],
             [expected_f32(cos), expected_f32(sin)], {"length": length, "dim": dim, "base": base, "style": style})


# ---------------------------------------------------------------------------- masks, where

for q, k in [(4, 4), (3, 7), (1, 5), (0, 3)]:
    mask = np.triu(np.ones((q, k), dtype=bool), k=1 + (k - q))
    add_case(f"causal_mask/query{q}_key{k}", "causal_mask", [], tensor(mask), {"query_length": q, "key_length": k}, EXACT)

am = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=np.int64)
add_case("padding_mask/int64_2x5", "padding_mask", [tensor(am)], tensor((am == 0)[:, None, None, :]), tolerance=EXACT)
am = np.array([[0, 1, 1, 1], [1, 1, 0, 0], [1, 0, 1, 0]], dtype=np.float32)
add_case("padding_mask/float_3x4", "padding_mask", [tensor(am)], tensor((am == 0)[:, None, None, :]), tolerance=EXACT)
am = np.array([[1, 1, 0]], dtype=np.int32)
add_case("padding_mask/int32_1x3", "padding_mask", [tensor(am, "i32")], tensor((am == 0)[:, None, None, :]), tolerance=EXACT)


def masked_fill_case(name, x, mask, value):
    y = np.where(mask, np.float64(value), f64(x))
    add_case("masked_fill/" + name, "masked_fill", [tensor(x), tensor(mask)], expected_f32(y, exact=True),
             {"value": f32_exact(value)}, EXACT)


masked_fill_case("padding_mask_broadcast_minus_inf", rand(2, 2, 3, 5), (np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]) == 0)[:, None, None, :], -np.inf)
masked_fill_case("causal_same_shape_finfo_min", rand(4, 4), np.triu(np.ones((4, 4), dtype=bool), 1), FMIN)
masked_fill_case("row_broadcast_minus_1e4", rand(3, 6), np.array([[0, 1, 0, 0, 1, 1]], dtype=bool), -1e4)


def where_case(name, cond, a, b, a_dtype=None):
    y = np.where(cond, f64(a), f64(b))
    add_case("where/" + name, "where", [tensor(cond), tensor(a, a_dtype), tensor(b)], expected_f32(y, exact=True), {}, EXACT)


where_case("broadcast_3x1_3x4_4", rng.random((3, 1)) < 0.5, rand(3, 4), rand(4))
where_case("rank0_branches", rng.random((2, 5)) < 0.5, np.array(-1e4, dtype=np.float32), np.array(0.0, dtype=np.float32))
where_case("same_shape_2x9", rng.random((2, 9)) < 0.5, rand(2, 9), rand(2, 9))
where_case("int64_branch", np.array([True, False, True]), np.array([5, 6, 7], dtype=np.int64), rand(3))


# ---------------------------------------------------------------------------- reductions

x = rand(2, 3, 4)
for dim in (0, 1, 2, -1):
    for keep in (False, True):
        add_case(f"sum/dim{dim}_keepdim_{str(keep).lower()}", "sum", [tensor(x)],
                 expected_f32(f64(x).sum(axis=dim, keepdims=keep)), {"dim": dim, "keepdim": keep}, ELEMENTWISE)
        add_case(f"mean/dim{dim}_keepdim_{str(keep).lower()}", "mean", [tensor(x)],
                 expected_f32(f64(x).mean(axis=dim, keepdims=keep)), {"dim": dim, "keepdim": keep}, ELEMENTWISE)
ties = np.array([[[1, 3, 3, 0], [2, 2, 2, 2], [-1, -5, -1, -7]], [[0, 0, 9, 9], [4, 1, 4, 1], [-3, -2, -2, -3]]], dtype=np.float32)
for dim in (0, 1, 2, -1):
    for keep in (False, True):
        add_case(f"argmax/ties_take_first_dim{dim}_keepdim_{str(keep).lower()}", "argmax", [tensor(ties)],
                 tensor(np.argmax(ties, axis=dim, keepdims=keep).astype(np.int64)), {"dim": dim, "keepdim": keep}, EXACT)
x = rand(5, 37)
add_case("argmax/random_rows_5x37", "argmax", [tensor(x)], tensor(np.argmax(x, axis=-1).astype(np.int64)), {"dim": -1, "keepdim": False}, EXACT)
xt = rand(4, 3)
add_case("sum/transposed_input_dim1", "sum", [tensor(xt, views=[{"op": "transpose", "dims": [0, 1]}])],
         expected_f32(f64(xt).T.sum(axis=1)), {"dim": 1, "keepdim": False}, ELEMENTWISE)
x = rand(2, 1000)
add_case("mean/long_row_1000", "mean", [tensor(x)], expected_f32(f64(x).mean(axis=1)), {"dim": 1, "keepdim": False})
add_case("sum/empty_dim_gives_zeros", "sum", [tensor(np.zeros((2, 0, 3), dtype=np.float32))], expected_f32(np.zeros((2, 3))),
         {"dim": 1, "keepdim": False}, EXACT)


# ---------------------------------------------------------------------------- dtype conversion

halfs = np.concatenate([rand(10, scale=100.0).astype(np.float16),
                        np.array([0.0, -0.0, 1.0, -2.5, 65504, -65504, 6e-8, 6.1e-5, np.inf, -np.inf, np.nan, 0.333], dtype=np.float16)])
add_case("to/f16_to_f32", "to", [tensor(halfs.view(np.uint16), "f16")], expected_f32(halfs.astype(np.float32), exact=True),
         {"dtype": "f32"}, EXACT)
bf_source = np.concatenate([rand(10, scale=1e3), np.array([0, -0.0, 1, -1.5, 3.3895314e38, 1e-40, np.inf, -np.inf, np.nan, 1e30], dtype=np.float32)])
bf_bits = bf16_bits_from_f32(bf_source)
add_case("to/bf16_to_f32", "to", [tensor(bf_bits, "bf16")], expected_f32(bf16_to_f64(bf_bits), exact=True), {"dtype": "f32"}, EXACT)
big_ints = np.array([0, 1, -1, 123456789, -987654321, 2 ** 24 + 1, 2 ** 40 + 3, -(2 ** 52) - 7,
                     2 ** 60 + 2 ** 36 + 1, -(2 ** 62) - 2 ** 38 - 1], dtype=np.int64)
add_case("to/i64_to_f32_rounds_once", "to", [tensor(big_ints)], expected_f32(big_ints.astype(np.float32), exact=True), {"dtype": "f32"}, EXACT)
i32s = np.array([0, 7, -7, 2 ** 31 - 1, -(2 ** 31), 16777217], dtype=np.int32)
add_case("to/i32_to_f32", "to", [tensor(i32s, "i32")], expected_f32(i32s.astype(np.float32), exact=True), {"dtype": "f32"}, EXACT)
bools = np.array([[True, False, True], [False, False, True]])
add_case("to/bool_to_f32", "to", [tensor(bools)], expected_f32(bools.astype(np.float32), exact=True), {"dtype": "f32"}, EXACT)
f32s = np.concatenate([rand(8, scale=50.0), np.array([0.5, 1.5, 2.5, -0.5, -2.5, 65519, 65520, 1e5, -1e5, 3e-8, 1e-6,
                                                       1.00048828125, 1.000732421875, np.inf, -np.inf], dtype=np.float32)])
with np.errstate(over="ignore"):  # 65520 and 1e5 overflow to infinity on purpose
    f16_bits = f32s.astype(np.float16).view(np.uint16)
add_case("to/f32_to_f16_round_nearest_even", "to", [tensor(f32s)], tensor(f16_bits, "f16"), {"dtype": "f16"}, EXACT)
bf_in = np.concatenate([rand(8, scale=50.0), np.array([1.00390625, 1.01171875, 1.0039063, -3.4028235e38, 3.3961e38, 1e-39,
                                                      np.inf, -np.inf], dtype=np.float32)])
add_case("to/f32_to_bf16_round_nearest_even", "to", [tensor(bf_in)], tensor(bf16_bits_from_f32(bf_in), "bf16"), {"dtype": "bf16"}, EXACT)
trunc_in = np.array([0.0, 0.9, -0.9, 1.5, -1.5, 2.99, -2.99, 1e6 + 0.5, -123456.7, 3e9], dtype=np.float32)
add_case("to/f32_to_i64_truncates_toward_zero", "to", [tensor(trunc_in)], tensor(np.trunc(f64(trunc_in)).astype(np.int64)), {"dtype": "i64"}, EXACT)
add_case("to/f32_to_bool_nonzero", "to", [tensor(np.array([0, -0.0, 1e-30, -2, np.inf], dtype=np.float32))],
         tensor(np.array([False, False, True, True, True])), {"dtype": "bool"}, EXACT)
add_case("to/i64_to_i32", "to", [tensor(np.array([5, -5, 2 ** 31 - 1], dtype=np.int64))],
         tensor(np.array([5, -5, 2 ** 31 - 1], dtype=np.int32), "i32"), {"dtype": "i32"}, EXACT)
x = rand(3, 4)
add_case("to/transposed_f32_to_f16", "to", [tensor(x, views=[{"op": "transpose", "dims": [0, 1]}])],
         tensor(x.T.astype(np.float16).view(np.uint16), "f16"), {"dtype": "f16"}, EXACT)


# ---------------------------------------------------------------------------- views

def view_case(name, op, x, y, attributes, views=None, dtype=None, expected_dtype=None):
    exp = tensor(np.ascontiguousarray(y), expected_dtype or dtype)
    add_case(f"{op}/{name}", op, [tensor(x, dtype, views=views)], exp, attributes, EXACT)


x = rand(2, 3, 4)
view_case("2x3x4_to_2_0_1", "permute", x, np.transpose(x, (2, 0, 1)), {"dims": [2, 0, 1]})
view_case("negative_dims", "permute", x, np.transpose(x, (0, 2, 1)), {"dims": [0, -1, -2]})
view_case("dims_0_2", "transpose", x, np.swapaxes(x, 0, 2), {"dims": [0, 2]})
view_case("bool_tensor", "transpose", bools, bools.T, {"dims": [0, 1]}, dtype="bool")
view_case("dim1_start1_length2", "narrow", x, x[:, 1:3], {"dim": 1, "start": 1, "length": 2})
view_case("of_transposed_view", "narrow", x, np.swapaxes(x, 1, 2)[:, :, 0:2], {"dim": -1, "start": 0, "length": 2},
          views=[{"op": "transpose", "dims": [1, 2]}])
view_case("last_dim_negative_index", "select", x, x[..., -1], {"dim": -1, "index": -1})
view_case("dim0_index1", "select", x, x[1], {"dim": 0, "index": 1})
xs = rand(3, 1)
view_case("3x1_to_2x3x4", "expand", xs, np.broadcast_to(xs, (2, 3, 4)), {"shape": [2, 3, 4]})
view_case("minus_one_keeps_dim", "expand", xs, np.broadcast_to(xs, (3, 5)), {"shape": [-1, 5]})
view_case("contiguous_2x3x4_to_6x4", "reshape", x, x.reshape(6, 4), {"shape": [6, 4]})
view_case("transposed_to_4x_minus1", "reshape", x, np.swapaxes(x, 1, 2).reshape(4, -1), {"shape": [4, -1]},
          views=[{"op": "transpose", "dims": [1, 2]}])
view_case("permuted_heads_merge", "reshape", x, np.transpose(x, (1, 0, 2)).reshape(3, 8), {"shape": [3, 8]},
          views=[{"op": "permute", "dims": [1, 0, 2]}])
view_case("dim1", "unsqueeze", x, x[:, None], {"dim": 1})
view_case("last", "unsqueeze", x, x[..., None], {"dim": -1})
view_case("dim1_size1", "squeeze", xs, xs[:, 0], {"dim": 1})
view_case("dims_1_to_2", "flatten", x, x.reshape(2, 12), {"start": 1, "end": 2})
view_case("of_transposed_all_dims", "flatten", x, np.swapaxes(x, 0, 1).reshape(-1), {"start": 0, "end": -1},
          views=[{"op": "transpose", "dims": [0, 1]}])
view_case("of_permuted_view", "contiguous", x, np.transpose(x, (2, 1, 0)), {}, views=[{"op": "permute", "dims": [2, 1, 0]}])
view_case("i64_of_transposed_view", "contiguous", big_ints.reshape(2, 5), big_ints.reshape(2, 5).T, {},
          views=[{"op": "transpose", "dims": [0, 1]}])

a, b, c = rand(2, 3), rand(2, 1), rand(4, 2)
add_case("concat/dim1_three_parts_one_transposed", "concat",
         [tensor(a), tensor(b), tensor(c, views=[{"op": "narrow", "dim": 0, "start": 1, "length": 3}, {"op": "transpose", "dims": [0, 1]}])],
         expected_f32(np.concatenate([a, b, c[1:4].T], axis=1), exact=True), {"dim": 1}, EXACT)
d = rand(1, 3)
add_case("concat/dim0", "concat", [tensor(a), tensor(d)], expected_f32(np.concatenate([a, d]), exact=True), {"dim": 0}, EXACT)
ia, ib = np.array([[1, 2], [3, 4]], dtype=np.int64), np.array([[5], [6]], dtype=np.int64)
add_case("concat/int64_negative_dim", "concat", [tensor(ia), tensor(ib)], tensor(np.concatenate([ia, ib], axis=-1)), {"dim": -1}, EXACT)

x = rand(2, 6, 3)
add_case("split/sizes_1_3_2_dim1", "split", [tensor(x)], [tensor(p) for p in np.split(x, [1, 4], axis=1)],
         {"sizes": [1, 3, 2], "dim": 1}, EXACT)
add_case("split/qkv_last_dim_of_transposed", "split", [tensor(x, views=[{"op": "transpose", "dims": [1, 2]}])],
         [tensor(np.ascontiguousarray(p)) for p in np.split(np.swapaxes(x, 1, 2), [2, 4], axis=-1)],
         {"sizes": [2, 2, 2], "dim": -1}, EXACT)
x = rand(7, 2)
add_case("chunk/3_of_7_gives_3_3_1", "chunk", [tensor(x)], [tensor(x[0:3]), tensor(x[3:6]), tensor(x[6:7])], {"chunks": 3, "dim": 0}, EXACT)
x = rand(2, 6)
add_case("chunk/4_of_6_gives_three_pieces", "chunk", [tensor(x)], [tensor(x[:, 0:2]), tensor(x[:, 2:4]), tensor(x[:, 4:6])],
         {"chunks": 4, "dim": 1}, EXACT)
add_case("chunk/2_of_transposed_view", "chunk", [tensor(x, views=[{"op": "transpose", "dims": [0, 1]}])],
         [tensor(np.ascontiguousarray(x.T[0:3])), tensor(np.ascontiguousarray(x.T[3:6]))], {"chunks": 2, "dim": 0}, EXACT)


# ---------------------------------------------------------------------------- gather

x = rand(2, 3, 5)
index = rng.integers(0, 5, size=(2, 3, 4)).astype(np.int64)
add_case("gather/last_dim_4_of_5", "gather", [tensor(x), tensor(index)], expected_f32(np.take_along_axis(x, index, axis=2), exact=True),
         {"dim": -1}, EXACT)
index = rng.integers(0, 2, size=(2, 2, 5)).astype(np.int64)
add_case("gather/first_dim_smaller_index", "gather", [tensor(x), tensor(index)],
         expected_f32(np.take_along_axis(x[:, :2, :], index, axis=0), exact=True), {"dim": 0}, EXACT)
index = rng.integers(0, 3, size=(1, 4)).astype(np.int64)
add_case("gather/expanded_index_on_transposed_input", "gather",
         [tensor(x[0], views=[{"op": "transpose", "dims": [0, 1]}]), tensor(index, views=[{"op": "expand", "shape": [5, 4]}])],
         expected_f32(np.take_along_axis(x[0].T, np.broadcast_to(index, (5, 4)), axis=1), exact=True), {"dim": 1}, EXACT)


# ---------------------------------------------------------------------------- write

here = os.path.dirname(os.path.abspath(__file__))
document = {"generator": "make_op_fixtures.py", "seed": SEED, "numpy": np.__version__, "scipy": scipy.__version__, "cases": cases}
path = os.path.join(here, "op_reference.json")
with open(path, "w") as f:
    json.dump(document, f, separators=(",", ":"), allow_nan=False)
    f.write("\n")
print(f"{len(cases)} cases, {os.path.getsize(path)} bytes -> {path}")
