"""Inference endpoints against the real platform: local replicas of `beamline runtime`."""

from __future__ import annotations

import numpy as np
import pytest

import beamline
import onnx_tiny
from conftest import unique

pytestmark = pytest.mark.live

SMALL = {"cpu": "100m", "memory": "256Mi"}


@pytest.fixture
def model(client: beamline.Client, tmp_path):
    """A model with two versions (y = xW + b, then 2W) and @production at version 1."""
    name = unique("sdk-ep-model")
    first, second = tmp_path / "v1.onnx", tmp_path / "v2.onnx"
    onnx_tiny.write(first)
    onnx_tiny.write(second, onnx_tiny.WEIGHTS * 2, onnx_tiny.BIAS)
    client.models.register(name, first)
    client.models.register(name, second)
    client.models.set_alias(name, "production", 1)
    return name


def expected(x: np.ndarray, scale: float = 1.0) -> np.ndarray:
    return x.astype(np.float32) @ (onnx_tiny.WEIGHTS * scale) + onnx_tiny.BIAS


def test_deploy_follow_alias_infer_update_scale_rollback_delete(client: beamline.Client, model: str):
    name = unique("sdk-ep")
    ep = client.endpoints.deploy(name, model, "@production", replicas=1, resources=SMALL,
                                 batching={"enabled": True, "maxBatchSize": 8, "maxQueueDelayMicros": 0},
                                 env={"OMP_NUM_THREADS": "1"}, progress_deadline_seconds=120)
    assert (ep.name, ep.model, ep.follows, ep.model_version, ep.desired_revision) == (name, model, "@production", 1, 1)
    ep = client.endpoints.wait_rolled_out(ep, timeout=180, progress=False)
    assert ep.phase == "Complete" and ep.ready and ep.good_revision == 1
    assert name in [e.name for e in client.endpoints.list()]
    assert client.endpoints.status(name).phase == "Complete"

    # infer: numpy in, numpy out, binary and JSON
    x = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 4.0], [0, 0, 0]], dtype=np.float32)
    out = client.infer(name, {"x": x})
    assert set(out) == {"y"} and out["y"].dtype == np.float32 and out["y"].shape == (3, 2)
    np.testing.assert_allclose(out["y"], expected(x), rtol=1e-6)
    json_out = client.endpoints.infer(ep, {"x": x.tolist()}, binary=False)
    np.testing.assert_allclose(json_out["y"], expected(x), rtol=1e-6)
    np.testing.assert_allclose(client.infer(name, {"x": x.astype(np.float64)}, datatypes={"x": "FP32"})["y"], expected(x), rtol=1e-6)
    with pytest.raises(beamline.ValidationError):  # FP64 into a float32 model: the runtime's 400
        client.infer(name, {"x": x.astype(np.float64)})

    # moving the followed alias rolls out by itself
    before = ep.desired_revision
    client.models.set_alias(model, "production", 2)
    ep = client.endpoints.wait_rolled_out(name, timeout=180, newer_than=before, progress=False)
    assert ep.model_version == 2 and ep.desired_revision == before + 1
    np.testing.assert_allclose(client.infer(name, {"x": x})["y"], expected(x, 2.0), rtol=1e-6)

    ep = client.endpoints.scale(name, 2)
    assert ep.replicas == 2
    ep = client.endpoints.wait_rolled_out(name, timeout=180, progress=False)
    assert ep.observed["readyReplicas"] == 2 or ep.observed["availableReplicas"] == 2

    ep = client.endpoints.update(name, version=1, replicas=1)
    assert ep.model_version == 1 and ep.follows is None
    ep = client.endpoints.wait_rolled_out(name, timeout=180, progress=False)
    np.testing.assert_allclose(client.infer(name, {"x": x})["y"], expected(x), rtol=1e-6)

    ep = client.endpoints.rollback(name)  # to the previous good revision (scaled, version 2)
    ep = client.endpoints.wait_rolled_out(name, timeout=180, progress=False)
    assert ep.model_version == 2

    revisions = client.endpoints.revisions(name)
    assert [r.cause for r in revisions] == ["Rollback", "Updated", "Scaled", "AliasMoved", "Created"]
    assert revisions[0].source_revision == 3 and revisions[-1].model_version == 1
    reasons = [e.reason for e in client.endpoints.events(name)]
    assert reasons[0] == "RevisionCreated" and reasons.count("RolloutComplete") >= 5

    client.endpoints.delete(name, wait=True, timeout=120)
    with pytest.raises(beamline.NotFound):
        client.endpoints.get(name)


def test_a_rollout_that_fails_raises_rollout_failed(client: beamline.Client, model: str):
    name = unique("sdk-ep-fail")
    client.endpoints.deploy(name, model, 1, resources=SMALL, progress_deadline_seconds=120)
    ep = client.endpoints.wait_rolled_out(name, timeout=180, progress=False)
    # A replica that cannot start: node refuses to preload a module that does not exist.
    client.endpoints.update(name, env={"NODE_OPTIONS": "--require=/nonexistent/beamline-sdk-test.cjs"}, progress_deadline_seconds=10)
    with pytest.raises(beamline.RolloutFailed) as info:
        client.endpoints.wait_rolled_out(name, timeout=180, newer_than=ep.desired_revision, progress=False)
    err = info.value
    assert err.phase in ("RolledBack", "Failed") and err.reason and err.endpoint.name == name
    # still serving the good revision
    assert client.infer(name, {"x": np.ones((1, 3), dtype=np.float32)})["y"].shape == (1, 2)
    client.endpoints.delete(name, wait=True, timeout=120)


def test_endpoint_errors(client: beamline.Client, model: str):
    with pytest.raises(beamline.ValidationError) as info:
        client.endpoints.deploy("Bad_Name", model, 1, replicas=0)
    assert {"name", "replicas"} <= {e.field for e in info.value.field_errors}
    with pytest.raises(beamline.NotFound):
        client.endpoints.get(unique("missing"))
    with pytest.raises(beamline.NotFound):
        client.infer(unique("missing"), {"x": [[1.0, 2.0, 3.0]]})


def test_many_models_per_replica(client: beamline.Client, tmp_path):
    """A multi-model endpoint: one pool, each request names its model (docs/endpoints.md)."""
    names = [unique("sdk-mm-a"), unique("sdk-mm-b")]
    for scale, model in zip((1.0, 3.0), names):
        path = tmp_path / f"{model}.onnx"
        onnx_tiny.write(path, onnx_tiny.WEIGHTS * scale, onnx_tiny.BIAS)
        client.models.register(model, path)
    name = unique("sdk-mm")
    ep = client.endpoints.deploy(name, models=[(names[0], 1), (names[1], 1)], memory_budget="64Mi", replicas=1,
                                 resources={"cpu": "100m", "memory": "512Mi"})
    assert ep.models == [{"model": names[0], "version": 1}, {"model": names[1], "version": 1}] and ep.memory_budget == "64Mi"
    ep = client.endpoints.wait_rolled_out(ep, timeout=180, progress=False)
    x = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    np.testing.assert_allclose(client.infer(name, {"x": x}, model=names[1])["y"], expected(x, 3.0), rtol=1e-6)
    np.testing.assert_allclose(client.infer(name, {"x": x}, model=names[0])["y"], expected(x), rtol=1e-6)
    with pytest.raises(beamline.ValidationError):  # the model-less route of a list: 400 naming path
        client.infer(name, {"x": x})
    client.endpoints.delete(name)
