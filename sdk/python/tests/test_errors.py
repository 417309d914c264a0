"""Problem details from the real platform arrive as typed errors."""

from __future__ import annotations

import os
import uuid

import pytest

import beamline
from conftest import unique

pytestmark = pytest.mark.live


def test_404_not_found(client: beamline.Client):
    with pytest.raises(beamline.NotFound) as info:
        client.training.get(str(uuid.uuid4()))
    err = info.value
    assert err.status == 404 and err.code == "not_found"
    assert err.problem["type"] == "https://beamline.dev/problems/not-found" and err.problem["title"] == "Not Found"
    assert "was not found" in err.problem["detail"] and err.request_id
    with pytest.raises(beamline.NotFound):
        client.models.version(unique("no-such-model"), "latest")


def test_400_with_field_errors(client: beamline.Client):
    with pytest.raises(beamline.ValidationError) as info:
        client.training.submit("Not_A_Label", "img", ["true"], {"cpu": "lots", "memory": "1Gi", "gpu": {}})
    err = info.value
    assert err.status == 400 and err.code == "validation_failed"
    fields = {e.field: e.message for e in err.field_errors}
    assert set(fields) == {"name", "resources.cpu", "resources.gpu"}
    assert "DNS label" in fields["name"]
    assert "resources.cpu" in str(err)


def test_409_conflict(client: beamline.Client):
    name = unique("dup")
    client.models.create(name)
    with pytest.raises(beamline.Conflict) as info:
        client.models.create(name)
    assert info.value.status == 409 and info.value.code == "conflict"
    assert client.models.create(name, exist_ok=True).name == name


def test_401_and_403(client: beamline.Client):
    with beamline.Client(token="bl_not-a-real-token") as bad:
        with pytest.raises(beamline.Unauthorized) as info:
            list(bad.models.list())
    assert info.value.status == 401
    viewer = os.environ.get("BEAMLINE_TEST_VIEWER_TOKEN")
    if not viewer:
        pytest.skip("no BEAMLINE_TEST_VIEWER_TOKEN")
    with beamline.Client(token=viewer) as reader:
        list(reader.models.list(limit=1))  # reading is allowed
        with pytest.raises(beamline.Forbidden) as info:
            reader.models.create(unique("nope"))
    assert info.value.status == 403


def test_connection_refused_is_typed(client: beamline.Client):
    with beamline.Client(url="http://127.0.0.1:9", max_retries=1, backoff=0.01) as nowhere:
        with pytest.raises(beamline.ConnectionFailed) as info:
            nowhere.models.get("m")
    assert isinstance(info.value, beamline.Unavailable) and info.value.status is None
