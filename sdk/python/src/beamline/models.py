"""The model registry: models, versions (upload and download), aliases."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import List, TYPE_CHECKING, Any, Iterable, Iterator, Mapping

from .errors import BeamlineError, Conflict, NotFound
from .types import Alias, AliasEvent, Model, ModelVersion

if TYPE_CHECKING:
    from .client import Client

def version_ref(version: int | str) -> str:
    """3, "3", "latest" or "@production" as the path segment."""
    return str(version)


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Models:
    def __init__(self, client: "Client"):
        self._c = client

    def _path(self, *parts: object) -> str:
        return self._c.project_path("models", *parts)

    # -- models ----------------------------------------------------------------------------

    def create(
        self,
        name: str,
        *,
        description: str | None = None,
        tags: Iterable[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        exist_ok: bool = False,
    ) -> Model:
        body: dict[str, Any] = {"name": name}
        if description is not None:
            body["description"] = description
        if tags is not None:
            body["tags"] = list(tags)
        if metadata is not None:
            body["metadata"] = dict(metadata)
        try:
            return Model.from_api(self._c.http.json("POST", self._path(), json=body))
        except Conflict:
            if not exist_ok:
                raise
            return self.get(name)

    def get(self, name: str) -> Model:
        return Model.from_api(self._c.http.json("GET", self._path(name)))

    def list(
        self,
        *,
        name_prefix: str | None = None,
        tags: Iterable[str] | None = None,
        page_size: int = 50,
        limit: int | None = None,
    ) -> Iterator[Model]:
        params: dict[str, Any] = {"limit": page_size}
        if name_prefix:
            params["namePrefix"] = name_prefix
        if tags:
            params["tag"] = ",".join(tags)
        for item in self._c.paginate(self._path(), params, limit):
            yield Model.from_api(item)

    def update(
        self,
        name: str,
        *,
        description: str | None = None,
        tags: Iterable[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Model:
        body = {k: v for k, v in {"description": description, "tags": list(tags) if tags is not None else None,
                                  "metadata": dict(metadata) if metadata is not None else None}.items() if v is not None}
        return Model.from_api(self._c.http.json("PATCH", self._path(name), json=body))

    # -- versions --------------------------------------------------------------------------

    def versions(
        self, model: str, *, status: str | None = None, tags: Iterable[str] | None = None, page_size: int = 50, limit: int | None = None
    ) -> Iterator[ModelVersion]:
        """Versions, newest first."""
        params: dict[str, Any] = {"limit": page_size}
        if status:
            params["status"] = status
        if tags:
            params["tag"] = ",".join(tags)
        for item in self._c.paginate(self._path(model, "versions"), params, limit):
            yield ModelVersion.from_api(item)

    def version(self, model: str, version: int | str = "latest") -> ModelVersion:
        """One version: a number, ``"latest"`` or ``"@alias"``."""
        return ModelVersion.from_api(self._c.http.json("GET", self._path(model, "versions", version_ref(version))))

    def register(
        self,
        model: str,
        path: str | os.PathLike[str],
        *,
        description: str | None = None,
        tags: Iterable[str] | None = None,
        metrics: Mapping[str, float] | None = None,
        variables: Mapping[str, Any] | None = None,
        training_job: Any = None,
        create_model: bool = True,
    ) -> ModelVersion:
        """Upload an ONNX file as the next version (one multipart request, sha256-checked by
        the platform). ``training_job`` (a job or its id) records the lineage. The model is
        created on first use unless ``create_model=False``. Not retried: a retry would
        register a second version."""
        spec: dict[str, Any] = {}
        if description is not None:
            spec["description"] = description
        if tags is not None:
            spec["tags"] = list(tags)
        if metrics:
            spec["metrics"] = {k: float(v) for k, v in metrics.items()}
        if variables is not None:
            spec["variables"] = dict(variables)
        if training_job is not None:
            spec["trainingJobId"] = getattr(training_job, "id", None) or str(training_job)
        digest = sha256_file(path)
        spec["sha256"] = digest
        if create_model:
            self.create(model, exist_ok=True)
        with open(path, "rb") as f:
            files = {
                "spec": (None, json.dumps(spec), "application/json"),
                "file": (Path(path).name, f, "application/octet-stream"),
            }
            data = self._c.http.json("POST", self._path(model, "versions"), files=files, retry=False, timeout=None)
        return ModelVersion.from_api(data)

    def update_version(
        self,
        model: str,
        version: int | str,
        *,
        description: str | None = None,
        tags: Iterable[str] | None = None,
        metrics: Mapping[str, float] | None = None,
        variables: Mapping[str, Any] | None = None,
    ) -> ModelVersion:
        body = {k: v for k, v in {"description": description, "tags": list(tags) if tags is not None else None,
                                  "metrics": dict(metrics) if metrics is not None else None,
                                  "variables": dict(variables) if variables is not None else None}.items() if v is not None}
        return ModelVersion.from_api(self._c.http.json("PATCH", self._path(model, "versions", version_ref(version)), json=body))

    def delete_version(self, model: str, version: int | str) -> None:
        self._c.http.request("DELETE", self._path(model, "versions", version_ref(version)))

    def download(self, model: str, version: int | str, path: str | os.PathLike[str]) -> Path:
        """Download the artifact to ``path`` (a file, or a directory to put it in), checked
        against its sha256, written atomically. Returns the file's path."""
        target = Path(path)
        url = self._path(model, "versions", version_ref(version), "artifact")
        attempts = self._c.http.max_retries + 1
        for attempt in range(attempts):
            try:
                return self._download_once(url, target)
            except _Truncated:
                if attempt + 1 >= attempts:
                    raise BeamlineError(f"download of {model} version {version} kept breaking off")
        raise AssertionError("unreachable")

    def _download_once(self, url: str, target: Path) -> Path:
        import httpx

        with self._c.http.stream("GET", url, timeout=None) as response:
            expected = (response.headers.get("x-content-sha256") or response.headers.get("etag", "").strip('"')).lower()
            if target.is_dir():
                name = _filename(response.headers.get("content-disposition")) or "model.onnx"
                target = target / name
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as out:
                    try:
                        for chunk in response.iter_bytes(1 << 20):
                            digest.update(chunk)
                            out.write(chunk)
                    except httpx.TransportError as exc:
                        raise _Truncated() from exc
                if expected and digest.hexdigest() != expected:
                    raise _Truncated()
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        return target

    # -- aliases ---------------------------------------------------------------------------

    def aliases(self, model: str) -> List[Alias]:
        return [Alias.from_api(a) for a in self._c.http.json("GET", self._path(model, "aliases"))["items"]]

    def get_alias(self, model: str, alias: str) -> Alias:
        return Alias.from_api(self._c.http.json("GET", self._path(model, "aliases", alias.lstrip("@"))))

    def set_alias(self, model: str, alias: str, version: int | ModelVersion, *, protected: bool | None = None) -> Alias:
        """Create or move ``alias`` (``"production"`` or ``"@production"``) to ``version``."""
        number = version.version if isinstance(version, ModelVersion) else int(version)
        body: dict[str, Any] = {"version": number}
        if protected is not None:
            body["protected"] = protected
        return Alias.from_api(self._c.http.json("PUT", self._path(model, "aliases", alias.lstrip("@")), json=body))

    def delete_alias(self, model: str, alias: str, *, missing_ok: bool = False) -> None:
        try:
            self._c.http.request("DELETE", self._path(model, "aliases", alias.lstrip("@")))
        except NotFound:
            if not missing_ok:
                raise

    def alias_history(self, model: str, alias: str, *, at: str | None = None) -> List[AliasEvent]:
        params = {"at": at} if at else None
        data = self._c.http.json("GET", self._path(model, "aliases", alias.lstrip("@"), "history"), params=params)
        return [AliasEvent.from_api(e) for e in data["items"]]


class _Truncated(Exception):
    pass


def _filename(disposition: str | None) -> str | None:
    if not disposition or "filename=" not in disposition:
        return None
    name = disposition.split("filename=", 1)[1].split(";")[0].strip().strip('"')
    return os.path.basename(name) or None
