"""Queues and quotas (docs/queues.md): request shapes offline, then the real platform
(BEAMLINE_TEST_PLATFORM_TOKEN: a platform admin, who makes a project of its own for this)."""

from __future__ import annotations

import json
import time

import httpx
import pytest

import beamline
from conftest import recording, unique

H100 = "NVIDIA-H100-80GB-HBM3"
CQ = {"name": "vision", "cohort": "lab", "strategy": "BestEffortFIFO", "weight": 2, "version": 3,
      "quota": [{"resource": "nvidia.com/gpu", "flavor": H100, "nominal": 16}], "createdAt": "t", "updatedAt": "t"}

# -- offline: what goes on the wire ------------------------------------------------------------


def test_cluster_queue_calls_on_the_wire():
    c, seen = recording(lambda req: {"deleted": "vision", "cancelledJobs": 2} if req.method == "DELETE" else CQ)
    quota = [{"resource": "nvidia.com/gpu", "flavor": H100, "nominal": 16}]
    made = c.cluster_queues.create("vision", quota=quota, cohort="lab", weight=2)
    assert (seen[0].method, seen[0].url.path) == ("POST", "/v1/cluster-queues")
    assert json.loads(seen[0].content) == {"name": "vision", "quota": quota, "cohort": "lab", "weight": 2}
    assert (made.name, made.version, made.quota) == ("vision", 3, CQ["quota"])

    c.cluster_queues.update(made, if_match=made, strategy="StrictFIFO")
    assert (seen[1].method, seen[1].url.path, seen[1].headers["if-match"]) == ("PATCH", "/v1/cluster-queues/vision", '"3"')
    assert json.loads(seen[1].content) == {"strategy": "StrictFIFO"}
    c.cluster_queues.update("vision", if_match="*", cohort=None)
    assert (seen[2].headers["if-match"], json.loads(seen[2].content)) == ("*", {"cohort": None})

    assert c.cluster_queues.delete("vision", drain=True) == {"deleted": "vision", "cancelledJobs": 2}
    assert (seen[3].url.path, seen[3].url.params.get("drain"), "if-match" in seen[3].headers) == ("/v1/cluster-queues/vision", "true", False)


def test_project_queue_calls_on_the_wire():
    pq = {"name": "default", "project": "lab", "clusterQueue": "vision", "version": 1}
    c, seen = recording(lambda req: {"items": [pq]} if req.method == "GET" and req.url.path.endswith(("/queues", "/history")) else pq)
    assert [q.cluster_queue for q in c.queues.list()] == ["vision"]
    made = c.queues.create("default", "vision")
    assert (seen[1].url.path, json.loads(seen[1].content)) == ("/v1/projects/lab/queues", {"name": "default", "clusterQueue": "vision"})
    c.queues.update(made, cluster_queue="spare", if_match=1)
    assert (seen[2].url.path, seen[2].headers["if-match"], json.loads(seen[2].content)) == ("/v1/projects/lab/queues/default", '"1"', {"clusterQueue": "spare"})
    c.queues.history("default")
    assert seen[3].url.path == "/v1/projects/lab/queues/default/history"


def test_a_stale_version_raises_precondition_failed_a_kind_of_conflict():
    problem = {"status": 412, "code": "precondition_failed", "detail": "The resource is at version 4, not 3",
               "errors": [{"field": "header:If-Match", "message": 'stale; the current ETag is "4"'}]}
    c, _ = recording(lambda req: problem, status=412)
    with pytest.raises(beamline.PreconditionFailed) as caught:
        c.cluster_queues.update("vision", if_match=3, weight=1)
    assert isinstance(caught.value, beamline.Conflict)
    assert (caught.value.status, caught.value.code, caught.value.field_errors[0].field) == (412, "precondition_failed", "header:If-Match")


# -- live ------------------------------------------------------------------------------------


@pytest.mark.live
def test_queue_lifecycle(platform: beamline.Client):
    project = unique("pyq")
    platform.http.json("POST", "/v1/projects", json={"name": project})
    cq = unique("cq")
    made = platform.cluster_queues.create(cq, cohort="lab", quota=[
        {"resource": "nvidia.com/gpu", "flavor": H100, "nominal": 16, "borrowingLimit": 8},
        {"resource": "memory", "nominal": "256Gi"},
    ])
    assert (made.version, made.strategy, made.weight, made.quota[1]) == (1, "BestEffortFIFO", 1, {"resource": "memory", "nominal": "262144Mi"})
    assert cq in [q.name for q in platform.cluster_queues.list()]

    changed = platform.cluster_queues.update(cq, if_match=made, quota=[{"resource": "nvidia.com/gpu", "flavor": H100, "nominal": 24}])
    assert (changed.version, changed.quota) == (2, [{"resource": "nvidia.com/gpu", "flavor": H100, "nominal": 24}])
    with pytest.raises(beamline.PreconditionFailed):
        platform.cluster_queues.update(cq, if_match=made, weight=3)
    with pytest.raises(beamline.ValidationError) as bad:
        platform.cluster_queues.update(cq, if_match=changed, quota=[{"resource": "nvidia.com/gpu", "flavor": H100, "nominal": -1}])
    assert [e.field for e in bad.value.field_errors] == ["quota.0.nominal"]
    assert [(r.version, r.action) for r in platform.cluster_queues.history(cq)] == [(1, "create"), (2, "update")]

    with beamline.Client(token=platform.token, project=project, backoff=0.05) as here:
        q = here.queues.create("default", cq)
        assert (q.project, q.cluster_queue, q.version) == (project, cq, 1)
        assert [x.name for x in here.queues.list()] == ["default"]
        assert here.queues.get("default") == q
        job = here.training.submit("waits", "unused", ["true"], {"cpu": "100m", "memory": "64Mi", "gpu": {"count": 1}}, queue="default")
        deadline = time.monotonic() + 20
        while not (seen := here.training.get(job)).pending_reason and time.monotonic() < deadline:
            time.sleep(0.2)
        assert (seen.status, seen.queue_position, seen.pending_reason) == ("Queued", 1, "no GPU in this cluster")

        with pytest.raises(beamline.Conflict):
            here.queues.delete("default")
        with pytest.raises(beamline.Conflict):
            platform.cluster_queues.delete(cq)
        assert platform.cluster_queues.delete(cq, drain=True) == {"deleted": cq, "cancelledJobs": 1}
        assert here.training.get(job).status == "Cancelled"
        assert here.queues.list() == []
    with pytest.raises(beamline.NotFound):
        platform.cluster_queues.get(cq)


@pytest.mark.live
def test_cluster_queues_are_read_by_members_and_written_by_platform_admins(client: beamline.Client, platform: beamline.Client):
    cq = platform.cluster_queues.create(unique("cq"))
    try:
        assert client.cluster_queues.get(cq.name).version == 1
        with pytest.raises(beamline.Forbidden):
            client.cluster_queues.create(unique("mine"))
        with pytest.raises(beamline.Forbidden):
            client.cluster_queues.update(cq, if_match=cq, weight=2)
    finally:
        platform.cluster_queues.delete(cq)
