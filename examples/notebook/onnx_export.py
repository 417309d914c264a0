"""A tiny ONNX writer for the softmax classifier in train.py: the protobuf wire format by
hand (a few message types), so the example needs no `onnx` package.

The graph: probabilities = Softmax((x - mean) / std @ W + b), label = ArgMax(probabilities).
Inputs ``x`` float32 [batch, features]; outputs ``probabilities`` float32 [batch, classes]
and ``label`` int64 [batch].
"""

from __future__ import annotations

import numpy as np

FLOAT, INT64 = 1, 7  # TensorProto.DataType
ATTR_INT = 2  # AttributeProto.AttributeType.INT


def _varint(n: int) -> bytes:
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint((field << 3) | wire)


def _int(field: int, value: int) -> bytes:
    return _key(field, 0) + _varint(value)


def _bytes(field: int, value: bytes | str) -> bytes:
    data = value.encode("utf-8") if isinstance(value, str) else value
    return _key(field, 2) + _varint(len(data)) + data


def _tensor(name: str, array: np.ndarray) -> bytes:
    array = np.ascontiguousarray(array, dtype="<f4")
    dims = b"".join(_int(1, d) for d in array.shape)
    return dims + _int(2, FLOAT) + _bytes(8, name) + _bytes(9, array.tobytes())


def _value_info(name: str, elem_type: int, shape: list[int | str]) -> bytes:
    dims = b"".join(_bytes(1, _bytes(2, d) if isinstance(d, str) else _int(1, d)) for d in shape)
    tensor_type = _int(1, elem_type) + _bytes(2, dims)
    return _bytes(1, name) + _bytes(2, _bytes(1, tensor_type))


def _node(op: str, inputs: list[str], outputs: list[str], name: str, **ints: int) -> bytes:
    body = b"".join(_bytes(1, i) for i in inputs) + b"".join(_bytes(2, o) for o in outputs)
    body += _bytes(3, name) + _bytes(4, op)
    for attr, value in ints.items():
        body += _bytes(5, _bytes(1, attr) + _int(3, value) + _int(20, ATTR_INT))
    return body


def softmax_classifier(weights: np.ndarray, bias: np.ndarray, mean: np.ndarray, std: np.ndarray) -> bytes:
    """The ONNX bytes of the classifier (standardisation folded in as Sub and Div)."""
    features, classes = weights.shape
    nodes = [
        _node("Sub", ["x", "mean"], ["centred"], "standardise_sub"),
        _node("Div", ["centred", "std"], ["scaled"], "standardise_div"),
        _node("MatMul", ["scaled", "W"], ["xw"], "matmul"),
        _node("Add", ["xw", "b"], ["logits"], "add_bias"),
        _node("Softmax", ["logits"], ["probabilities"], "softmax", axis=1),
        _node("ArgMax", ["probabilities"], ["label"], "argmax", axis=1, keepdims=0),
    ]
    graph = b"".join(_bytes(1, n) for n in nodes) + _bytes(2, "iris_softmax")
    for name, value in (("W", weights), ("b", bias), ("mean", mean), ("std", std)):
        graph += _bytes(5, _tensor(name, value))
    graph += _bytes(11, _value_info("x", FLOAT, ["batch", features]))
    graph += _bytes(12, _value_info("probabilities", FLOAT, ["batch", classes]))
    graph += _bytes(12, _value_info("label", INT64, ["batch"]))
    opset = _bytes(1, "") + _int(2, 13)
    return _int(1, 8) + _bytes(2, "beamline-example") + _bytes(7, graph) + _bytes(8, opset)


