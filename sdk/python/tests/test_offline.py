"""No platform needed: error mapping, retry policy, the V2 tensor codec, progress, metrics."""

from __future__ import annotations

import io
import json

import httpx
import numpy as np
import pytest

import beamline
from beamline import tensors
from beamline._http import is_retryable
from beamline._progress import Progress


def problem(status: int, code: str, detail: str, errors=None) -> httpx.Response:
    body = {"type": f"https://beamline.dev/problems/{code}", "title": "t", "status": status, "detail": detail, "code": code,
            "instance": "/x", "requestId": "r-1"}
    if errors:
        body["errors"] = errors
    return httpx.Response(status, json=body, headers={"content-type": "application/problem+json"})


def mock_client(handler, **kw) -> beamline.Client:
    sleeps: list[float] = []
    c = beamline.Client("http://beamline.test", "tok", "p", transport=httpx.MockTransport(handler), sleep=sleeps.append, **kw)
    c.sleeps = sleeps  # type: ignore[attr-defined]
    return c


@pytest.mark.parametrize(
    "status,cls",
    [(400, beamline.ValidationError), (401, beamline.Unauthorized), (403, beamline.Forbidden), (404, beamline.NotFound),
     (409, beamline.Conflict), (413, beamline.PayloadTooLarge), (422, beamline.ValidationError), (500, beamline.ServerError),
     (503, beamline.Unavailable)],
)
def test_status_maps_to_typed_error(status, cls):
    c = mock_client(lambda req: problem(status, "x", "went wrong", [{"field": "a.b", "message": "bad"}]), max_retries=0)
    with pytest.raises(cls) as info:
        c.models.get("m")
    err = info.value
    assert err.status == status and err.problem["detail"] == "went wrong" and err.request_id == "r-1"
    assert err.field_errors == [beamline.FieldError("a.b", "bad")]
    assert "a.b: bad" in str(err)


def test_runtime_error_body_and_text_bodies():
    c = mock_client(lambda req: httpx.Response(400, json={"error": "unexpected input 'y'"}))
    with pytest.raises(beamline.ValidationError, match="unexpected input 'y'"):
        c.infer("ep", {"x": [1.0]})
    c = mock_client(lambda req: httpx.Response(418, text="teapot"))
    with pytest.raises(beamline.BeamlineError, match="teapot"):
        c.models.get("m")


def test_retry_policy():
    assert is_retryable("GET", {}) and is_retryable("PUT", None) and is_retryable("DELETE", {})
    assert is_retryable("POST", {"Idempotency-Key": "k"})
    assert not is_retryable("POST", {}) and not is_retryable("PATCH", {})


def test_get_retries_503_then_succeeds_with_backoff_and_retry_after():
    calls = []

    def handler(req):
        calls.append(req)
        if len(calls) == 1:
            return httpx.Response(503, json={"status": 503}, headers={"retry-after": "2"})
        if len(calls) == 2:
            return httpx.Response(502)
        return httpx.Response(200, json={"id": "1", "name": "m", "latestVersion": 3})

    c = mock_client(handler)
    assert c.models.get("m").latest_version == 3
    assert len(calls) == 3
    assert c.sleeps[0] == 2.0 and 0 < c.sleeps[1] <= c.http.backoff * 2


def test_submission_waits_out_a_429_retry_after_with_the_same_idempotency_key():
    keys = []

    def handler(req):
        keys.append(req.headers.get("idempotency-key"))
        if len(keys) == 1:
            return httpx.Response(429, json={"status": 429, "code": "too_many_requests"}, headers={"retry-after": "20"})
        return httpx.Response(201, json={"id": "j1", "name": "n", "status": "Pending"})

    c = mock_client(handler)
    assert c.training.submit("n", "img", ["true"], {"cpu": "1", "memory": "1Gi"}).id == "j1"
    # The whole Retry-After (20 s), not the 8 s cap of other retries: a shorter wait only earns another 429.
    assert c.sleeps == [20.0] and len(keys) == 2 and keys[0] == keys[1]


def test_429_on_a_plain_post_is_a_typed_error():
    c = mock_client(lambda req: problem(429, "too_many_requests", "slow down"))
    with pytest.raises(beamline.TooManyRequests):
        c.models.create("m")


def test_connection_errors_are_retried_for_gets_then_raised():
    calls = []

    def handler(req):
        calls.append(req)
        raise httpx.ConnectError("refused", request=req)

    c = mock_client(handler, max_retries=3)
    with pytest.raises(beamline.ConnectionFailed):
        c.training.get("abc")
    assert len(calls) == 4
    assert len(c.sleeps) == 3


def test_plain_post_is_never_retried():
    calls = []

    def handler(req):
        calls.append(req)
        return httpx.Response(503)

    c = mock_client(handler)
    with pytest.raises(beamline.Unavailable):
        c.models.create("m")
    assert len(calls) == 1
    calls.clear()

    def drop(req):
        calls.append(req)
        raise httpx.ReadError("dropped", request=req)

    c = mock_client(drop)
    with pytest.raises(beamline.ConnectionFailed):
        c.endpoints.rollback("ep")
    assert len(calls) == 1


def test_submit_always_sends_an_idempotency_key_and_reuses_it_on_retry():
    keys = []

    def handler(req):
        keys.append(req.headers.get("idempotency-key"))
        if len(keys) == 1:
            raise httpx.RemoteProtocolError("peer closed", request=req)
        return httpx.Response(201, json={"id": "j1", "name": "n", "status": "Pending"})

    c = mock_client(handler)
    job = c.training.submit("n", "img", ["true"], {"cpu": "1", "memory": "1Gi"})
    assert job.id == "j1" and len(keys) == 2 and keys[0] == keys[1] and keys[0]
    keys.clear()
    c.training.submit("n", "img", ["true"], {"cpu": "1", "memory": "1Gi"}, idempotency_key="mine")
    assert keys[-1] == "mine"
    other = []
    c2 = mock_client(lambda req: (other.append(req.headers["idempotency-key"]), httpx.Response(201, json={"id": "j"}))[1])
    c2.training.submit("n", "img", ["true"], {"cpu": "1", "memory": "1Gi"})
    c2.training.submit("n", "img", ["true"], {"cpu": "1", "memory": "1Gi"})
    assert other[0] != other[1]


def test_client_reads_the_environment(monkeypatch):
    monkeypatch.setenv("BEAMLINE_URL", "http://env.test/")
    monkeypatch.setenv("BEAMLINE_TOKEN", "t0k")
    monkeypatch.setenv("BEAMLINE_PROJECT", "physics")
    seen = []
    c = beamline.Client(transport=httpx.MockTransport(lambda req: (seen.append(req), httpx.Response(200, json={"items": [], "nextCursor": None}))[1]))
    assert list(c.models.list()) == []
    assert str(seen[0].url).startswith("http://env.test/v1/projects/physics/models")
    assert seen[0].headers["authorization"] == "Bearer t0k"
    monkeypatch.delenv("BEAMLINE_URL")
    with pytest.raises(ValueError):
        beamline.Client()


def test_pagination_follows_cursors_and_stops_at_limit():
    pages = {None: (["a", "b"], "c1"), "c1": (["c", "d"], "c2"), "c2": (["e"], None)}
    seen = []

    def handler(req):
        cursor = req.url.params.get("cursor")
        seen.append(cursor)
        names, nxt = pages[cursor]
        return httpx.Response(200, json={"items": [{"name": n} for n in names], "nextCursor": nxt})

    c = mock_client(handler)
    assert [m.name for m in c.models.list(page_size=2)] == ["a", "b", "c", "d", "e"]
    seen.clear()
    assert [m.name for m in c.models.list(limit=3)] == ["a", "b", "c"]
    assert seen == [None, "c1"]


@pytest.mark.parametrize("binary", [True, False])
@pytest.mark.parametrize(
    "dtype,v2",
    [(np.float32, "FP32"), (np.float64, "FP64"), (np.int64, "INT64"), (np.int32, "INT32"), (np.bool_, "BOOL"),
     (np.uint8, "UINT8"), (np.float16, "FP16"), (np.int8, "INT8")],
)
def test_codec_round_trip(dtype, v2, binary):
    arr = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
    headers, body = tensors.encode_request({"x": arr}, binary=binary)
    # Build the response a V2 server would send with the same tensor as output.
    if binary:
        n = int(headers[tensors.HEADER])
        req = json.loads(body[:n])
        assert req["inputs"][0]["datatype"] == v2 and req["inputs"][0]["shape"] == [3, 4]
        assert req["parameters"] == {"binary_data_output": True}
        blob = body[n:]
        resp_head = json.dumps({"model_name": "m", "outputs": [
            {"name": "y", "datatype": v2, "shape": [3, 4], "parameters": {"binary_data_size": len(blob)}}]}).encode()
        out, header = tensors.decode_response({tensors.HEADER: str(len(resp_head))}, resp_head + blob)
    else:
        req = json.loads(body)
        assert req["inputs"][0]["datatype"] == v2 and len(req["inputs"][0]["data"]) == 12
        resp = {"model_name": "m", "outputs": [{"name": "y", "datatype": v2, "shape": [3, 4], "data": req["inputs"][0]["data"]}]}
        out, header = tensors.decode_response({}, json.dumps(resp).encode())
    assert header["model_name"] == "m"
    assert out["y"].dtype == np.dtype(tensors.V2_TO_NUMPY[v2]) and out["y"].shape == (3, 4)
    np.testing.assert_array_equal(out["y"], arr)


def test_codec_lists_bytes_and_explicit_datatypes():
    headers, body = tensors.encode_request({"a": [[1.5, 2.0]], "b": [1, 2, 3], "c": [True, False], "s": ["hé", "x"]}, binary=False)
    inputs = {i["name"]: i for i in json.loads(body)["inputs"]}
    assert (inputs["a"]["datatype"], inputs["a"]["shape"]) == ("FP32", [1, 2])
    assert inputs["b"]["datatype"] == "INT64" and inputs["c"]["datatype"] == "BOOL"
    assert inputs["s"]["datatype"] == "BYTES" and inputs["s"]["data"] == ["hé", "x"]
    _, body = tensors.encode_request({"x": np.ones((2, 2))}, datatypes={"x": "FP32"}, outputs=["y"])
    head = json.loads(body[: int(_[tensors.HEADER])])
    assert head["inputs"][0]["datatype"] == "FP32" and head["inputs"][0]["parameters"]["binary_data_size"] == 16
    assert head["outputs"] == [{"name": "y", "parameters": {"binary_data": True}}]
    headers, body = tensors.encode_request({"s": np.array([b"ab", b"c"], dtype=object)}, binary=True)
    n = int(headers[tensors.HEADER])
    assert body[n:] == b"\x02\x00\x00\x00ab\x01\x00\x00\x00c"
    resp = json.dumps({"outputs": [{"name": "s", "datatype": "BYTES", "shape": [2], "parameters": {"binary_data_size": 11}}]}).encode()
    out, _ = tensors.decode_response({tensors.HEADER: str(len(resp))}, resp + body[n:])
    assert list(out["s"]) == [b"ab", b"c"]


def test_progress_terminal_line_and_silence():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    p = Progress(True, stream=tty)
    assert p.mode == "terminal"
    p.update("job Running  3s")
    p.update("job Ok")
    p.close()
    assert tty.getvalue() == "\rjob Running  3s\rjob Ok         \n"
    quiet = io.StringIO()
    p = Progress(True, stream=quiet)
    p.update("x")
    p.close()
    assert p.mode == "off" and quiet.getvalue() == ""
    assert Progress(False, stream=tty).mode == "off"


def test_log_metric_collects_and_appends_jsonl(tmp_path, monkeypatch):
    monkeypatch.setenv("BEAMLINE_OUTPUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("BEAMLINE_ATTEMPT", "0")
    before = len(beamline.metrics())
    beamline.log_metric("loss", 0.5, step=1)
    beamline.log_metric("loss", 0.25, step=2)
    beamline.log_metric("accuracy", 0.9)
    assert [(m.name, m.value, m.step) for m in beamline.metrics()[before:]] == [("loss", 0.5, 1), ("loss", 0.25, 2), ("accuracy", 0.9, None)]
    lines = [json.loads(line) for line in (tmp_path / "out" / "metrics.jsonl").read_text().splitlines()]
    assert [(r["name"], r["value"], r["step"], r["attempt"]) for r in lines] == [("loss", 0.5, 1, 0), ("loss", 0.25, 2, 0), ("accuracy", 0.9, None, 0)]
    monkeypatch.delenv("BEAMLINE_OUTPUT_DIR")
    beamline.log_metric("loss", 0.1)  # no output dir: kept in-process only
    assert beamline.metrics()[-1].value == 0.1


def test_log_model_outside_a_job_needs_a_model_name(monkeypatch):
    monkeypatch.delenv("BEAMLINE_TRAINING_JOB", raising=False)
    c = mock_client(lambda req: httpx.Response(500))
    with pytest.raises(ValueError):
        beamline.log_model("model.onnx", client=c)


def test_tensors_without_numpy():
    """`pip install beamline` without the numpy extra: JSON requests, nested lists back."""
    import subprocess
    import sys
    from pathlib import Path

    script = """
import sys, json; sys.modules['numpy'] = None
from beamline import tensors
assert tensors.np is None
h, b = tensors.encode_request({'x': [[1.0, 2.0], [3.0, 4.0]], 'n': [1, 2]})
assert h == {'Content-Type': 'application/json'}
assert [(i['datatype'], i['shape'], i['data']) for i in json.loads(b)['inputs']] == [('FP32', [2, 2], [1.0, 2.0, 3.0, 4.0]), ('INT64', [2], [1, 2])]
h, b = tensors.encode_request({'x': [[1.5, 2.5]]}, binary=True)
n = int(h[tensors.HEADER]); blob = b[n:]
resp = json.dumps({'outputs': [{'name': 'y', 'datatype': 'FP32', 'shape': [1, 2], 'parameters': {'binary_data_size': 8}},
                               {'name': 'z', 'datatype': 'INT64', 'shape': [2, 1], 'data': [5, 6]}]}).encode()
out, _ = tensors.decode_response({tensors.HEADER: str(len(resp))}, resp + blob)
assert out == {'y': [[1.5, 2.5]], 'z': [[5], [6]]}, out
print('ok')
"""
    src = Path(beamline.__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env={"PYTHONPATH": str(src)}, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_canary_and_shadow_requests():
    sent = []

    def handler(req):
        sent.append((req.method, req.url.path, json.loads(req.content) if req.content else None))
        return httpx.Response(200, json={"name": "ep", "canary": {"revision": 4, "percent": 10}, "shadow": None})

    c = mock_client(handler)
    ep = c.endpoints.canary("ep", version="@next", percent=10, analysis={"minRequests": 50})
    assert ep.canary == {"revision": 4, "percent": 10} and ep.shadow is None
    c.endpoints.canary("ep", percent=50)
    c.endpoints.promote_canary("ep")
    c.endpoints.rollback_canary("ep")
    c.endpoints.shadow("ep", model="other", version=3, percent=5)
    c.endpoints.stop_shadow("ep")
    base = "/v1/projects/p/endpoints/ep"
    assert [(m, p) for m, p, _ in sent] == [("PATCH", base), ("PATCH", base), ("POST", f"{base}/canary/promote"), ("POST", f"{base}/canary/rollback"), ("PATCH", base), ("PATCH", base)]
    assert sent[0][2] == {"canary": {"percent": 10, "version": "@next", "analysis": {"minRequests": 50}}}
    assert sent[1][2] == {"canary": {"percent": 50}}
    assert sent[4][2] == {"shadow": {"percent": 5, "replicas": 1, "model": "other", "version": 3}}
    assert sent[5][2] == {"shadow": None}
