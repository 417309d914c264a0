"""The model registry against the real platform."""

from __future__ import annotations

import base64
import hashlib

import pytest

import beamline
import onnx_tiny
from conftest import python_job, sdk_pythonpath, unique

pytestmark = pytest.mark.live


@pytest.fixture
def onnx_file(tmp_path):
    path = tmp_path / "linear.onnx"
    onnx_tiny.write(path)
    return path


def test_models_create_get_list_update(client: beamline.Client):
    prefix = unique("sdk-models")
    for i in range(3):
        client.models.create(f"{prefix}-{i}", description=f"model {i}", tags=["sdk", f"n{i}"], metadata={"facility": "LCLS", "i": i})
    model = client.models.get(f"{prefix}-1")
    assert (model.description, model.tags, model.metadata, model.latest_version) == ("model 1", ["sdk", "n1"], {"facility": "LCLS", "i": 1}, 0)
    assert [m.name for m in client.models.list(name_prefix=prefix, page_size=2)] == [f"{prefix}-{i}" for i in range(3)]
    assert [m.name for m in client.models.list(name_prefix=prefix, tags=["sdk", "n2"])] == [f"{prefix}-2"]
    updated = client.models.update(f"{prefix}-0", description="changed", tags=["x"])
    assert (updated.description, updated.tags) == ("changed", ["x"])


def test_register_versions_aliases_and_download(client: beamline.Client, onnx_file, tmp_path):
    name = unique("sdk-linear")
    v1 = client.models.register(name, onnx_file, metrics={"mse": 0.5}, tags=["candidate"], description="first",
                                variables={"inputs": {"x": {"description": "three inputs", "unit": "A"}}})
    assert (v1.model, v1.version, v1.status, v1.metrics, v1.tags) == (name, 1, "Ready", {"mse": 0.5}, ["candidate"])
    assert v1.sha256 == hashlib.sha256(onnx_file.read_bytes()).hexdigest()
    assert v1.signature["inputs"][0]["name"] == "x" and v1.signature["inputs"][0]["elementType"] == "float32"
    assert v1.variables["inputs"]["x"]["unit"] == "A"
    other = tmp_path / "other.onnx"
    onnx_tiny.write(other, onnx_tiny.WEIGHTS * 2, onnx_tiny.BIAS)
    v2 = client.models.register(name, other, metrics={"mse": 0.25})
    assert v2.version == 2 and client.models.get(name).latest_version == 2

    assert [v.version for v in client.models.versions(name)] == [2, 1]
    assert [v.version for v in client.models.versions(name, page_size=1)] == [2, 1]
    assert [v.version for v in client.models.versions(name, tags=["candidate"])] == [1]
    assert client.models.version(name, "latest").version == 2
    assert client.models.version(name, 1).description == "first"
    assert client.models.update_version(name, 1, metrics={"mse": 0.4}).metrics == {"mse": 0.4}

    alias = client.models.set_alias(name, "production", v1)
    assert (alias.alias, alias.version, alias.protected) == ("production", 1, False)
    assert client.models.version(name, "@production").version == 1
    client.models.set_alias(name, "@production", 2)
    client.models.set_alias(name, "staging", 1)
    assert client.models.get_alias(name, "production").version == 2
    assert {a.alias: a.version for a in client.models.aliases(name)} == {"production": 2, "staging": 1}
    assert client.models.get(name).aliases == {"production": 2, "staging": 1}
    history = client.models.alias_history(name, "production")
    assert [(e.from_version, e.to_version) for e in history] == [(None, 1), (1, 2)]
    client.models.delete_alias(name, "staging")
    with pytest.raises(beamline.NotFound):
        client.models.get_alias(name, "staging")
    client.models.delete_alias(name, "staging", missing_ok=True)

    # download to a file and into a directory; the bytes are the uploaded ones
    got = client.models.download(name, "@production", tmp_path / "dl" / "prod.onnx")
    assert got.read_bytes() == other.read_bytes()
    into = client.models.download(name, 1, tmp_path)
    assert into.name == f"{name}-v1.onnx" and into.read_bytes() == onnx_file.read_bytes()
    assert not list(tmp_path.glob("*.part")) and not list((tmp_path / "dl").glob(".*"))

    # a version in use by an alias cannot be deleted; one that is not can
    with pytest.raises(beamline.Conflict):
        client.models.delete_version(name, 2)
    client.models.delete_version(name, 1)
    with pytest.raises(beamline.NotFound):
        client.models.version(name, 1)


def test_register_refuses_files_that_are_not_models(client: beamline.Client, tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"definitely not protobuf")
    with pytest.raises(beamline.ValidationError) as info:
        client.models.register(unique("sdk-bad"), bad)
    assert info.value.status == 422 and [e.field for e in info.value.field_errors] == ["file"]
    with pytest.raises(beamline.NotFound):
        client.models.register(unique("sdk-missing"), bad, create_model=False)


def test_log_model_inside_a_training_job_records_lineage_and_metrics(client: beamline.Client, onnx_file):
    name = unique("sdk-lineage")
    # The model travels inside the script: the job runs as an unprivileged user that may not
    # read pytest's private tmp dir (docs/security.md).
    model_b64 = base64.b64encode(onnx_file.read_bytes()).decode()
    script = f"""
import beamline, base64, os
beamline.log_metric("loss", 0.9, step=1)
beamline.log_metric("loss", 0.2, step=2)
path = os.path.join(os.environ["BEAMLINE_OUTPUT_DIR"], "model.onnx")
open(path, "wb").write(base64.b64decode({model_b64!r}))
v = beamline.log_model(path, metrics={{"accuracy": 0.75}}, description="from the job")
print("registered", v.model, v.version, flush=True)
print(open(os.path.join(os.environ["BEAMLINE_OUTPUT_DIR"], "metrics.jsonl")).read(), flush=True)
"""
    # The platform sets BEAMLINE_URL and a job-scoped BEAMLINE_TOKEN: nothing to pass here.
    job = python_job(client, unique("sdk-logmodel"), script, output_model=name)
    done = client.training.wait(job, timeout=120, progress=False)
    logs = list(client.training.logs(done))
    assert done.status == "Succeeded", logs
    assert f"registered {name} 1" in logs
    assert sum('"name": "loss"' in line for line in logs) == 2
    version = client.models.version(name, "latest")
    assert version.training_job["id"] == job.id and version.training_job["name"] == job.name
    assert version.metrics == {"loss": 0.2, "accuracy": 0.75} and version.description == "from the job"
    assert [v["version"] for v in client.training.get(job).model_versions if v["model"] == name] == [1]
    assert sdk_pythonpath()
