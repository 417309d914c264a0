"""Datasets: versioned, read-only inputs for training jobs (docs/checkpoints.md, "Datasets").

A version is an uploaded ``.tar``/``.tar.gz`` (``upload``; a directory is packed first), or a
``pvc://<claim>/<path>`` or ``s3://<bucket>/<prefix>`` (``register``; the platform fetches an
S3 prefix once, when the version is made). A job mounts one with
``volumes=[{"name": ..., "mountPath": ..., "dataset": {"name": ..., "version": n}}]``.
"""

from __future__ import annotations

import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from .errors import Conflict, NotFound
from .types import ApiObject

if TYPE_CHECKING:
    from .client import Client


@dataclass(frozen=True)
class Dataset(ApiObject):
    id: str = ""
    project: str = ""
    name: str = ""
    description: str = ""
    latest_version: int = 0
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class DatasetVersion(ApiObject):
    id: str = ""
    project: str = ""
    dataset: str = ""
    version: int = 0
    #: "archive" (uploaded), "pvc" (a path in a claim) or "s3" (a prefix, fetched when registered).
    kind: str = ""
    uri: str = ""
    description: str = ""
    size_bytes: int | None = None
    file_count: int | None = None
    #: sha256 over the sorted manifest of every file; None where the platform cannot read the data (``digest_note`` says why).
    digest: str | None = None
    digest_note: str | None = None
    archive: dict[str, Any] | None = None
    #: Lineage: the training jobs (and attempts) that mounted it.
    used_by: list[dict[str, Any]] | None = None
    created_by_token: str | None = None
    created_at: str | None = None


class Datasets:
    def __init__(self, client: "Client"):
        self._c = client

    def _path(self, *parts: object) -> str:
        return self._c.project_path("datasets", *parts)

    def create(self, name: str, *, description: str | None = None, exist_ok: bool = False) -> Dataset:
        body: dict[str, Any] = {"name": name}
        if description is not None:
            body["description"] = description
        try:
            return Dataset.from_api(self._c.http.json("POST", self._path(), json=body))
        except Conflict:
            if not exist_ok:
                raise
            return self.get(name)

    def get(self, name: str) -> Dataset:
        return Dataset.from_api(self._c.http.json("GET", self._path(name)))

    def list(self, *, name_prefix: str | None = None, page_size: int = 50, limit: int | None = None) -> Iterator[Dataset]:
        """In name order."""
        params: dict[str, Any] = {"limit": page_size}
        if name_prefix:
            params["namePrefix"] = name_prefix
        for item in self._c.paginate(self._path(), params, limit):
            yield Dataset.from_api(item)

    def versions(self, name: str, *, page_size: int = 50, limit: int | None = None) -> Iterator[DatasetVersion]:
        """Versions, newest first."""
        for item in self._c.paginate(self._path(name, "versions"), {"limit": page_size}, limit):
            yield DatasetVersion.from_api(item)

    def version(self, name: str, version: int) -> DatasetVersion:
        """One version, with ``used_by``: the job attempts that mounted it."""
        return DatasetVersion.from_api(self._c.http.json("GET", self._path(name, "versions", int(version))))

    def upload(
        self, name: str, path: str | os.PathLike[str], *, description: str | None = None, create_dataset: bool = True
    ) -> DatasetVersion:
        """Upload a ``.tar``/``.tar.gz`` file, or a directory (packed as ``.tar.gz`` in a temporary
        file first), as the next version. The platform checks and unpacks it before it answers:
        ``ValidationError`` naming ``file`` for a ``..`` entry or a link out of the root,
        ``PayloadTooLarge`` over its limit. The dataset is created on first use unless
        ``create_dataset=False``. Not retried: a retry would register a second version."""
        source = Path(path)
        if not source.exists():
            raise FileNotFoundError(f"no file or directory {source}")
        spec = {"description": description} if description is not None else {}
        if create_dataset:
            self.create(name, exist_ok=True)
        if source.is_dir():
            with tempfile.TemporaryDirectory(prefix="beamline-dataset-") as tmp:
                archive = Path(tmp) / "dataset.tar.gz"
                _pack(source, archive)
                return self._send(name, archive, spec)
        return self._send(name, source, spec)

    def _send(self, name: str, archive: Path, spec: dict[str, Any]) -> DatasetVersion:
        with open(archive, "rb") as f:
            files = {
                "spec": (None, json.dumps(spec), "application/json"),
                "file": (archive.name, f, "application/octet-stream"),
            }
            data = self._c.http.json("POST", self._path(name, "versions"), files=files, retry=False, timeout=None)
        return DatasetVersion.from_api(data)

    def register(self, name: str, uri: str, *, description: str | None = None, create_dataset: bool = True) -> DatasetVersion:
        """A version at ``pvc://<claim>/<path>`` or ``s3://<bucket>/<prefix>``, read now for its
        size, file count and digest (an S3 prefix is fetched once, with the platform's own
        credentials). ``ValidationError`` naming ``uri`` when it cannot be read."""
        body: dict[str, Any] = {"uri": uri}
        if description is not None:
            body["description"] = description
        if create_dataset:
            self.create(name, exist_ok=True)
        data = self._c.http.json("POST", self._path(name, "versions"), json=body, retry=False, timeout=None)
        return DatasetVersion.from_api(data)

    def delete_version(self, name: str, version: int, *, missing_ok: bool = False) -> None:
        """``Conflict`` while any training job names the version or has read it (lineage keeps it)."""
        try:
            self._c.http.request("DELETE", self._path(name, "versions", int(version)))
        except NotFound:
            if not missing_ok:
                raise

    def download(self, name: str, version: int, path: str | os.PathLike[str]) -> Path:
        """The uploaded archive (or an s3:// version's snapshot) as stored, to the file ``path``."""
        target = Path(path)
        with self._c.http.stream("GET", self._path(name, "versions", int(version), "archive"), timeout=None) as response:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as out:
                    for chunk in response.iter_bytes(1 << 20):
                        out.write(chunk)
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        return target


def _pack(directory: Path, archive: Path) -> None:
    """Files, directories and symlinks (kept as links: the platform refuses any leaving the root), in name order."""

    def clean(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        if not (info.isfile() or info.isdir() or info.issym()):
            raise ValueError(f"{info.name} is not a file, directory or symbolic link (a dataset holds only those)")
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    with tarfile.open(archive, "w:gz") as tar:
        for entry in sorted(directory.iterdir()):
            tar.add(entry, arcname=entry.name, filter=clean)
