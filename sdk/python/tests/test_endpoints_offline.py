"""Multi-model endpoints: what the SDK sends, without a platform (the live test is in test_endpoints.py)."""

from __future__ import annotations

import json

import numpy as np

from conftest import recording

VIEW = {"name": "lenses", "model": "lens-a", "modelVersion": 3, "models": [{"model": "lens-a", "version": 3}, {"model": "lens-b", "version": 1}],
        "memoryBudget": "512Mi", "phase": "Progressing"}


def test_deploy_sends_models_and_budget_instead_of_model_and_version():
    c, seen = recording(lambda req: VIEW, status=201)
    ep = c.endpoints.deploy("lenses", models=[("lens-a", 3), ("lens-b", 1)], memory_budget="512Mi", replicas=2)
    assert json.loads(seen[0].content) == {"name": "lenses", "models": [{"model": "lens-a", "version": 3}, {"model": "lens-b", "version": 1}],
                                           "memoryBudget": "512Mi", "replicas": 2}
    assert ep.models == VIEW["models"] and ep.memory_budget == "512Mi"


def test_infer_with_a_model_takes_its_v2_route():
    c, seen = recording(lambda req: {"model_name": "lens-b", "outputs": [{"name": "y", "datatype": "FP32", "shape": [1, 1], "data": [2.0]}]})
    out = c.endpoints.infer("lenses", {"x": np.array([[1.0]], dtype=np.float32)}, model="lens-b", binary=False)
    assert seen[0].url.path == "/v1/projects/lab/endpoints/lenses/v2/models/lens-b/infer"
    np.testing.assert_allclose(out["y"], [[2.0]])
