"""Datasets (docs/checkpoints.md, "Datasets"): packing a directory offline, then the real
platform: upload (a directory or an archive), versions, a job that mounts one, lineage, and
refusals that raise naming the field."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile

import pytest

import beamline
from beamline.datasets import _pack
from conftest import python_job, recording, unique


def _tree(root):
    (root / "train").mkdir(parents=True)
    (root / "train" / "x.csv").write_text("a,b\n1,2\n")
    (root / "README").write_text("hi")
    os.symlink("train/x.csv", root / "latest.csv")


# -- offline ----------------------------------------------------------------------------------


def test_a_directory_is_packed_with_its_files_folders_and_links_in_name_order(tmp_path):
    _tree(tmp_path / "data")
    archive = tmp_path / "d.tar.gz"
    _pack(tmp_path / "data", archive)
    with tarfile.open(archive) as tar:
        members = [(m.name, m.type) for m in tar.getmembers()]
        assert tar.extractfile("train/x.csv").read() == b"a,b\n1,2\n"
        assert tar.getmember("latest.csv").linkname == "train/x.csv"
    assert members == [("README", tarfile.REGTYPE), ("latest.csv", tarfile.SYMTYPE), ("train", tarfile.DIRTYPE), ("train/x.csv", tarfile.REGTYPE)]


def test_register_sends_the_uri_as_json_and_creates_the_dataset_first():
    answer = {"name": "digits", "dataset": "digits", "version": 1, "kind": "s3", "uri": "s3://lab/digits"}
    c, seen = recording(lambda req: answer)
    v = c.datasets.register("digits", "s3://lab/digits", description="from S3")
    assert [(r.method, r.url.path) for r in seen] == [("POST", "/v1/projects/lab/datasets"), ("POST", "/v1/projects/lab/datasets/digits/versions")]
    assert json.loads(seen[1].content) == {"uri": "s3://lab/digits", "description": "from S3"}
    assert (v.kind, v.uri, v.version) == ("s3", "s3://lab/digits", 1)


def test_a_refusal_raises_and_never_returns_a_version():
    problem = {"status": 400, "title": "Bad Request", "errors": [{"field": "uri", "message": "no bucket 'x'"}]}
    c, _ = recording(lambda req: problem, status=400)
    with pytest.raises(beamline.ValidationError) as refused:
        c.datasets.register("digits", "s3://x/y", create_dataset=False)
    assert [(e.field, e.message) for e in refused.value.field_errors] == [("uri", "no bucket 'x'")]


# -- live -------------------------------------------------------------------------------------


@pytest.mark.live
def test_upload_a_directory_and_an_archive_list_get_and_download(client: beamline.Client, tmp_path):
    name = unique("sdk-digits")
    _tree(tmp_path / "data")
    v1 = client.datasets.upload(name, tmp_path / "data", description="packed")
    assert (v1.dataset, v1.version, v1.kind, v1.description, v1.size_bytes, v1.file_count) == (name, 1, "archive", "packed", 10, 2)
    assert len(v1.digest) == 64 and v1.used_by == []

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for path, body in [("train/x.csv", b"a,b\n1,2\n"), ("README", b"hi")]:
            info = tarfile.TarInfo(path)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    (tmp_path / "plain.tar").write_bytes(buf.getvalue())
    v2 = client.datasets.upload(name, tmp_path / "plain.tar", create_dataset=False)
    assert v2.version == 2 and v2.file_count == 2 and v2.digest != v1.digest  # v1 also has the symlink

    assert client.datasets.get(name).latest_version == 2
    assert [v.version for v in client.datasets.versions(name, page_size=1)] == [2, 1]
    assert name in [d.name for d in client.datasets.list(name_prefix="sdk-digits")]
    got = client.datasets.download(name, 2, tmp_path / "back.tar")
    assert hashlib.sha256(got.read_bytes()).hexdigest() == v2.archive["sha256"]
    client.datasets.delete_version(name, 2)
    with pytest.raises(beamline.NotFound):
        client.datasets.version(name, 2)


@pytest.mark.live
def test_a_job_mounts_a_version_read_only_and_the_version_keeps_its_lineage(client: beamline.Client, tmp_path):
    name = unique("sdk-mounted")
    _tree(tmp_path / "data")
    v = client.datasets.upload(name, tmp_path / "data")
    script = "import os; print(open(os.path.join(os.environ['BEAMLINE_VOLUME_D'], 'train', 'x.csv')).read())"
    job = python_job(client, unique("reads"), script, volumes=[{"name": "d", "mountPath": "/d", "dataset": {"name": name, "version": v.version}}])
    assert client.training.wait(job, timeout=120).succeeded
    used = client.datasets.version(name, v.version).used_by
    assert [(u["trainingJob"]["id"], u["attempts"]) for u in used] == [(job.id, [0])]
    with pytest.raises(beamline.Conflict):
        client.datasets.delete_version(name, v.version)


@pytest.mark.live
def test_refusals_raise_naming_the_field(client: beamline.Client, tmp_path):
    name = unique("sdk-refused")
    client.datasets.create(name, description="refusals")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("../evil")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    (tmp_path / "evil.tar").write_bytes(buf.getvalue())
    with pytest.raises(beamline.ValidationError) as traversal:
        client.datasets.upload(name, tmp_path / "evil.tar")
    assert traversal.value.field_errors[0].field == "file" and "path traversal" in traversal.value.field_errors[0].message
    with pytest.raises(beamline.ValidationError) as claim:
        client.datasets.register(name, "pvc://no-such-claim/x")
    assert claim.value.field_errors[0].field == "uri"
    with pytest.raises(beamline.NotFound):
        client.datasets.upload(unique("ghost"), tmp_path / "evil.tar", create_dataset=False)
    with pytest.raises(FileNotFoundError):
        client.datasets.upload(name, tmp_path / "missing")
    assert client.datasets.get(name).latest_version == 0
