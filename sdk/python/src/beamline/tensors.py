"""Open Inference Protocol (KServe V2) tensors: numpy arrays or plain lists to a request
(JSON or the binary tensor extension) and a response back to arrays."""

from __future__ import annotations

import json
import struct
from typing import Any, Mapping, Sequence

try:  # numpy is optional: `pip install beamline[numpy]`
    import numpy as np
except ImportError:  # pragma: no cover - exercised only without numpy
    np = None  # type: ignore[assignment]

HEADER = "Inference-Header-Content-Length"

#: V2 datatype -> numpy dtype string (little-endian, as the binary extension sends it)
V2_TO_NUMPY = {
    "BOOL": "|b1",
    "UINT8": "|u1",
    "UINT16": "<u2",
    "UINT32": "<u4",
    "UINT64": "<u8",
    "INT8": "|i1",
    "INT16": "<i2",
    "INT32": "<i4",
    "INT64": "<i8",
    "FP16": "<f2",
    "FP32": "<f4",
    "FP64": "<f8",
    "BYTES": "object",
}
_KIND_SIZE_TO_V2 = {
    ("b", 1): "BOOL",
    ("u", 1): "UINT8", ("u", 2): "UINT16", ("u", 4): "UINT32", ("u", 8): "UINT64",
    ("i", 1): "INT8", ("i", 2): "INT16", ("i", 4): "INT32", ("i", 8): "INT64",
    ("f", 2): "FP16", ("f", 4): "FP32", ("f", 8): "FP64",
}


def numpy_to_v2(dtype: Any) -> str:
    """The V2 datatype of a numpy dtype (strings and bytes are BYTES)."""
    dt = np.dtype(dtype)
    if dt.kind in ("U", "S", "O"):
        return "BYTES"
    try:
        return _KIND_SIZE_TO_V2[(dt.kind, dt.itemsize)]
    except KeyError:
        raise TypeError(f"numpy dtype {dt} has no V2 datatype") from None


# -- plain lists (no numpy) ----------------------------------------------------------------

def _shape_of(value: Any) -> list[int]:
    shape: list[int] = []
    while isinstance(value, (list, tuple)):
        shape.append(len(value))
        if not value:
            break
        value = value[0]
    return shape


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        out: list[Any] = []
        for v in value:
            out.extend(_flatten(v))
        return out
    return [value]


def _guess_datatype(flat: Sequence[Any]) -> str:
    if flat and all(isinstance(v, bool) for v in flat):
        return "BOOL"
    if flat and all(isinstance(v, (str, bytes)) for v in flat):
        return "BYTES"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in flat) and flat:
        return "INT64"
    return "FP32"


def _reshape(flat: list[Any], shape: Sequence[int]) -> Any:
    if len(shape) <= 1:
        return list(flat) if shape else (flat[0] if flat else None)
    step = len(flat) // shape[0] if shape[0] else 0
    return [_reshape(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


# -- request -------------------------------------------------------------------------------

def _as_tensor(name: str, value: Any, datatype: str | None) -> tuple[list[int], str, Any]:
    """(shape, datatype, payload) where payload is a contiguous numpy array or a flat list."""
    if np is not None:
        if datatype is not None:
            arr = np.asarray(value, dtype=V2_TO_NUMPY[datatype] if datatype != "BYTES" else object)
        elif isinstance(value, np.ndarray) or np.isscalar(value) and not isinstance(value, (int, float, bool, str, bytes)):
            arr = np.asarray(value)
        else:
            flat = _flatten(value)
            guessed = _guess_datatype(flat)
            arr = np.asarray(value, dtype=V2_TO_NUMPY[guessed] if guessed != "BYTES" else object)
        dt = datatype or numpy_to_v2(arr.dtype)
        if dt != "BYTES":
            arr = np.ascontiguousarray(arr, dtype=V2_TO_NUMPY[dt])
        return list(arr.shape), dt, arr
    flat = _flatten(value)
    return _shape_of(value), datatype or _guess_datatype(flat), flat


def _bytes_element(v: Any) -> bytes:
    return v if isinstance(v, bytes) else str(v).encode("utf-8")


def _binary(datatype: str, payload: Any) -> bytes:
    if datatype == "BYTES":
        items = payload.ravel().tolist() if np is not None and isinstance(payload, np.ndarray) else payload
        return b"".join(struct.pack("<I", len(b)) + b for b in map(_bytes_element, items))
    if np is not None:
        return np.ascontiguousarray(payload, dtype=V2_TO_NUMPY[datatype]).tobytes()
    fmt = {"BOOL": "?", "UINT8": "B", "UINT16": "H", "UINT32": "I", "UINT64": "Q", "INT8": "b", "INT16": "h",
           "INT32": "i", "INT64": "q", "FP16": "e", "FP32": "f", "FP64": "d"}[datatype]
    return struct.pack(f"<{len(payload)}{fmt}", *payload)


def _json_data(datatype: str, payload: Any) -> list[Any]:
    if np is not None and isinstance(payload, np.ndarray):
        items = payload.ravel().tolist()
    else:
        items = list(payload)
    if datatype == "BYTES":
        return [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in items]
    return items


def encode_request(
    inputs: Mapping[str, Any],
    *,
    binary: bool | None = None,
    datatypes: Mapping[str, str] | None = None,
    outputs: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    request_id: str | None = None,
) -> tuple[dict[str, str], bytes]:
    """(headers, body) of a V2 infer request. Binary (the default with numpy) sends raw
    little-endian bytes after a JSON header and asks for binary outputs."""
    if binary is None:
        binary = np is not None
    header: dict[str, Any] = {"inputs": []}
    if request_id is not None:
        header["id"] = request_id
    params = dict(parameters or {})
    blobs: list[bytes] = []
    for name, value in inputs.items():
        shape, datatype, payload = _as_tensor(name, value, (datatypes or {}).get(name))
        entry: dict[str, Any] = {"name": name, "shape": shape, "datatype": datatype}
        if binary:
            blob = _binary(datatype, payload)
            entry["parameters"] = {"binary_data_size": len(blob)}
            blobs.append(blob)
        else:
            entry["data"] = _json_data(datatype, payload)
        header["inputs"].append(entry)
    if outputs is not None:
        header["outputs"] = [{"name": o, **({"parameters": {"binary_data": True}} if binary else {})} for o in outputs]
    elif binary:
        params["binary_data_output"] = True
    if params:
        header["parameters"] = params
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    if not binary:
        return {"Content-Type": "application/json"}, head
    return {"Content-Type": "application/octet-stream", HEADER: str(len(head))}, head + b"".join(blobs)


# -- response ------------------------------------------------------------------------------

def _from_binary(datatype: str, shape: Sequence[int], blob: bytes) -> Any:
    if datatype == "BYTES":
        items: list[bytes] = []
        offset = 0
        while offset < len(blob):
            (n,) = struct.unpack_from("<I", blob, offset)
            items.append(blob[offset + 4: offset + 4 + n])
            offset += 4 + n
        if np is not None:
            return np.array(items, dtype=object).reshape(shape)
        return _reshape(items, shape)
    if np is not None:
        return np.frombuffer(blob, dtype=V2_TO_NUMPY[datatype]).reshape(shape).copy()
    fmt = {"BOOL": "?", "UINT8": "B", "UINT16": "H", "UINT32": "I", "UINT64": "Q", "INT8": "b", "INT16": "h",
           "INT32": "i", "INT64": "q", "FP16": "e", "FP32": "f", "FP64": "d"}[datatype]
    count = len(blob) // struct.calcsize(f"<{fmt}")
    return _reshape(list(struct.unpack(f"<{count}{fmt}", blob)), shape)


def _from_json(datatype: str, shape: Sequence[int], data: Any) -> Any:
    flat = _flatten(data)
    if np is not None:
        if datatype == "BYTES":
            return np.array(flat, dtype=object).reshape(shape)
        return np.asarray(flat, dtype=V2_TO_NUMPY[datatype]).reshape(shape)
    return _reshape(flat, shape)


def decode_response(headers: Mapping[str, str], body: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """(outputs by name, the response header without tensor data)."""
    length = headers.get(HEADER) or headers.get(HEADER.lower())
    if length is not None:
        n = int(length)
        header = json.loads(body[:n])
        rest = memoryview(body)[n:]
    else:
        header = json.loads(body)
        rest = memoryview(b"")
    results: dict[str, Any] = {}
    offset = 0
    for out in header.get("outputs", []):
        size = (out.get("parameters") or {}).get("binary_data_size")
        if size is not None:
            results[out["name"]] = _from_binary(out["datatype"], out["shape"], bytes(rest[offset: offset + size]))
            offset += size
        else:
            results[out["name"]] = _from_json(out["datatype"], out["shape"], out.get("data", []))
        out.pop("data", None)
    return results, header
