"""A linear model y = x @ W + b as ONNX bytes, protobuf written by hand (test fixture)."""

from __future__ import annotations

import numpy as np


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _f(field: int, value: bytes | str | int) -> bytes:
    if isinstance(value, int):
        return _varint(field << 3) + _varint(value)
    data = value.encode() if isinstance(value, str) else value
    return _varint((field << 3) | 2) + _varint(len(data)) + data


def _info(name: str, dims: list[int | str]) -> bytes:
    shape = b"".join(_f(1, _f(2, d) if isinstance(d, str) else _f(1, d)) for d in dims)
    return _f(1, name) + _f(2, _f(1, _f(1, 1) + _f(2, shape)))  # elem_type 1 = FLOAT


def linear(weights: np.ndarray, bias: np.ndarray) -> bytes:
    w = np.ascontiguousarray(weights, dtype="<f4")
    b = np.ascontiguousarray(bias, dtype="<f4")
    init = b"".join(
        _f(5, b"".join(_f(1, d) for d in t.shape) + _f(2, 1) + _f(8, n) + _f(9, t.tobytes())) for n, t in (("W", w), ("b", b))
    )
    nodes = _f(1, _f(1, "x") + _f(1, "W") + _f(2, "xw") + _f(4, "MatMul")) + _f(1, _f(1, "xw") + _f(1, "b") + _f(2, "y") + _f(4, "Add"))
    graph = nodes + _f(2, "linear") + init + _f(11, _info("x", ["batch", w.shape[0]])) + _f(12, _info("y", ["batch", w.shape[1]]))
    return _f(1, 8) + _f(7, graph) + _f(8, _f(1, "") + _f(2, 13))


WEIGHTS = np.array([[1.0, -1.0], [0.5, 2.0], [0.0, 0.25]], dtype=np.float32)
BIAS = np.array([0.1, -0.2], dtype=np.float32)


def write(path, weights: np.ndarray = WEIGHTS, bias: np.ndarray = BIAS) -> None:
    with open(path, "wb") as f:
        f.write(linear(weights, bias))
