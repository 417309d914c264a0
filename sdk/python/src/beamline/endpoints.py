"""Inference endpoints (docs/endpoints.md): deploy, update, scale, roll back, wait for a
rollout, and infer with numpy arrays."""

from __future__ import annotations

import time
import uuid
from typing import List, TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from ._progress import Progress
from .errors import RolloutFailed, WaitTimeout
from .tensors import decode_response, encode_request
from .types import Endpoint, EndpointEvent, Revision

if TYPE_CHECKING:
    from .client import Client


def endpoint_name(endpoint: "str | Endpoint") -> str:
    return endpoint.name if isinstance(endpoint, Endpoint) else str(endpoint)


def _version(version: int | str | None) -> int | str | None:
    if version is None or isinstance(version, int):
        return version
    text = str(version)
    return int(text) if text.isdigit() else text


class Endpoints:
    def __init__(self, client: "Client"):
        self._c = client

    def _path(self, *parts: object) -> str:
        return self._c.project_path("endpoints", *parts)

    def deploy(
        self,
        name: str,
        model: str | None = None,
        version: int | str | None = None,
        *,
        models: Sequence[tuple[str, int]] | None = None,
        memory_budget: str | None = None,
        replicas: int | None = None,
        resources: Mapping[str, Any] | None = None,
        batching: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        max_surge: int | None = None,
        progress_deadline_seconds: int | None = None,
        autoscaling: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Endpoint:
        """Create an endpoint serving ``model`` at ``version``: a number, or ``"@alias"`` to
        follow the alias (the endpoint rolls out by itself when the alias moves).
        ``autoscaling`` (``{"minReplicas": 0, "maxReplicas": 4, "targetInFlight": 8,
        "scaleDownDelaySeconds": 60}``) lets the controller move the count with the traffic;
        ``replicas`` is then the starting count (docs/endpoints.md, "Autoscaling").
        ``models`` (``[("lens-a", 3), ("lens-b", 1)]``) instead of ``model`` and ``version``: one
        replica pool serves them all, loading each on its first request within ``memory_budget``
        (``"512Mi"``; docs/endpoints.md, "Many models per replica"); ``infer(..., model=...)``."""
        body: dict[str, Any] = {"name": name}
        if models is not None:
            body["models"] = [{"model": m, "version": _version(v)} for m, v in models]
        else:
            body.update({"model": model, "version": _version(version)})
        optional = {
            "memoryBudget": memory_budget,
            "replicas": replicas,
            "resources": dict(resources) if resources is not None else None,
            "batching": dict(batching) if batching is not None else None,
            "env": dict(env) if env is not None else None,
            "maxSurge": max_surge,
            "progressDeadlineSeconds": progress_deadline_seconds,
            "autoscaling": dict(autoscaling) if autoscaling is not None else None,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        key = idempotency_key or f"py-{uuid.uuid4()}"
        return Endpoint.from_api(self._c.http.json("POST", self._path(), json=body, headers={"Idempotency-Key": key}))

    def update(
        self,
        endpoint: "str | Endpoint",
        *,
        version: int | str | None = None,
        replicas: int | None = None,
        resources: Mapping[str, Any] | None = None,
        batching: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        max_surge: int | None = None,
        progress_deadline_seconds: int | None = None,
        autoscaling: Mapping[str, Any] | None = None,
    ) -> Endpoint:
        """Change the endpoint; a new revision (cause ``Updated``) when anything changed.
        ``autoscaling`` fields merge into the current spec; turning it off (``null``) is a PATCH
        the REST API takes but this method does not send."""
        body = {
            k: v
            for k, v in {
                "version": _version(version),
                "replicas": replicas,
                "resources": dict(resources) if resources is not None else None,
                "batching": dict(batching) if batching is not None else None,
                "env": dict(env) if env is not None else None,
                "maxSurge": max_surge,
                "progressDeadlineSeconds": progress_deadline_seconds,
                "autoscaling": dict(autoscaling) if autoscaling is not None else None,
            }.items()
            if v is not None
        }
        # PATCH with absolute values: the same body twice changes nothing the second time.
        return Endpoint.from_api(self._c.http.json("PATCH", self._path(endpoint_name(endpoint)), json=body, retry=True))

    def scale(self, endpoint: "str | Endpoint", replicas: int) -> Endpoint:
        return Endpoint.from_api(
            self._c.http.json("POST", self._path(endpoint_name(endpoint), "scale"), json={"replicas": replicas}, retry=True)
        )

    def get(self, endpoint: "str | Endpoint") -> Endpoint:
        return Endpoint.from_api(self._c.http.json("GET", self._path(endpoint_name(endpoint))))

    status = get

    def list(self, *, page_size: int = 50, limit: int | None = None) -> Iterator[Endpoint]:
        for item in self._c.paginate(self._path(), {"limit": page_size}, limit):
            yield Endpoint.from_api(item)

    def revisions(self, endpoint: "str | Endpoint") -> List[Revision]:
        """Newest first."""
        data = self._c.http.json("GET", self._path(endpoint_name(endpoint), "revisions"))
        return [Revision.from_api(r) for r in data["items"]]

    def events(self, endpoint: "str | Endpoint") -> List[EndpointEvent]:
        """Oldest first."""
        data = self._c.http.json("GET", self._path(endpoint_name(endpoint), "events"))
        return [EndpointEvent.from_api(e) for e in data["items"]]

    def rollback(self, endpoint: "str | Endpoint", revision: int | None = None) -> Endpoint:
        """Back to ``revision``, or to the previous good revision when not given. Not
        retried: each rollback makes a new revision."""
        body = {} if revision is None else {"revision": revision}
        return Endpoint.from_api(self._c.http.json("POST", self._path(endpoint_name(endpoint), "rollback"), json=body))

    def canary(
        self,
        endpoint: "str | Endpoint",
        *,
        percent: float,
        version: int | str | None = None,
        revision: int | None = None,
        replicas: int | None = None,
        analysis: Mapping[str, Any] | None = None,
    ) -> Endpoint:
        """Start a canary of ``version`` (or an earlier ``revision``'s template) answering
        ``percent`` % of requests on ``replicas`` (default 1) fixed replicas. Without version
        and revision: change the running canary's percent, replicas or ``analysis``
        (``{auto, minRequests, minSeconds, maxErrorRateIncrease, maxLatencyRatio}``). The
        controller promotes it when its error rate and p99 hold against stable's, else rolls
        it back; ``endpoints.events`` says why, with the figures. Not retried."""
        body: dict[str, Any] = {"percent": percent}
        if version is not None:
            body["version"] = _version(version)
        if revision is not None:
            body["revision"] = revision
        if replicas is not None:
            body["replicas"] = replicas
        if analysis is not None:
            body["analysis"] = dict(analysis)
        return Endpoint.from_api(self._c.http.json("PATCH", self._path(endpoint_name(endpoint)), json={"canary": body}))

    def promote_canary(self, endpoint: "str | Endpoint") -> Endpoint:
        """Promote the running canary now: its template becomes the desired revision."""
        return Endpoint.from_api(self._c.http.json("POST", self._path(endpoint_name(endpoint), "canary", "promote")))

    def rollback_canary(self, endpoint: "str | Endpoint") -> Endpoint:
        """Roll the running canary back now: stable answers every request."""
        return Endpoint.from_api(self._c.http.json("POST", self._path(endpoint_name(endpoint), "canary", "rollback")))

    def shadow(
        self,
        endpoint: "str | Endpoint",
        *,
        percent: float,
        version: int | str | None = None,
        revision: int | None = None,
        model: str | None = None,
        replicas: int = 1,
    ) -> Endpoint:
        """Mirror ``percent`` % of requests to ``version`` (of ``model``, default the endpoint's;
        same inputs and outputs) or an earlier ``revision``; the copies' answers are dropped
        and only counted in metrics. Replaces a running shadow."""
        body: dict[str, Any] = {"percent": percent, "replicas": replicas}
        if model is not None:
            body["model"] = model
        if version is not None:
            body["version"] = _version(version)
        if revision is not None:
            body["revision"] = revision
        return Endpoint.from_api(self._c.http.json("PATCH", self._path(endpoint_name(endpoint)), json={"shadow": body}, retry=True))

    def stop_shadow(self, endpoint: "str | Endpoint") -> Endpoint:
        return Endpoint.from_api(self._c.http.json("PATCH", self._path(endpoint_name(endpoint)), json={"shadow": None}, retry=True))

    def delete(self, endpoint: "str | Endpoint", *, wait: bool = False, timeout: float = 120.0) -> None:
        """Delete (202: the controller removes it). ``wait`` polls until it is gone (404)."""
        from .errors import NotFound

        name = endpoint_name(endpoint)
        self._c.http.request("DELETE", self._path(name))
        if not wait:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.get(name)
            except NotFound:
                return
            time.sleep(0.5)
        raise WaitTimeout(f"endpoint {name} still exists {timeout:g}s after its deletion")

    def wait_rolled_out(
        self,
        endpoint: "str | Endpoint",
        timeout: float = 600.0,
        *,
        revision: int | None = None,
        newer_than: int | None = None,
        progress: bool = True,
        poll_interval: float = 1.0,
    ) -> Endpoint:
        """Wait until the endpoint is ``Complete`` at its desired revision (or at least at
        ``revision``, or past ``newer_than``: pass the ``desired_revision`` seen before a change
        whose revision the controller makes later, such as moving a followed alias) and return it. Raises :class:`RolloutFailed` (with ``reason`` and
        ``detail``) when it ends ``Failed`` or ``RolledBack``; :class:`WaitTimeout` after
        ``timeout`` seconds."""
        name = endpoint_name(endpoint)
        if newer_than is not None:
            revision = max(revision or 0, newer_than + 1)
        start = time.monotonic()
        display = Progress(progress)
        try:
            while True:
                current = self.get(name)
                elapsed = time.monotonic() - start
                display.update(_describe(current, elapsed))
                target = max(current.desired_revision or 0, revision or 0)
                observed = (current.observed or {}).get("revision")
                if current.phase in ("Failed", "RolledBack") and (revision is None or (current.desired_revision or 0) >= revision):
                    raise RolloutFailed(
                        f"endpoint {name} {current.phase}: {current.reason or ''} {current.message or ''}".strip(),
                        current, current.phase, current.reason, current.message,
                    )
                if current.phase == "Complete" and (current.desired_revision or 0) >= target and (observed is None or observed >= target):
                    return current
                if elapsed >= timeout:
                    raise WaitTimeout(f"endpoint {name} is still {current.phase} after {timeout:g}s: {current.message or ''}", current)
                time.sleep(min(poll_interval, max(0.05, timeout - elapsed)))
        finally:
            display.close()

    def infer(
        self,
        endpoint: "str | Endpoint",
        inputs: Mapping[str, Any],
        *,
        outputs: Sequence[str] | None = None,
        datatypes: Mapping[str, str] | None = None,
        binary: bool | None = None,
        parameters: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        model: str | None = None,
    ) -> dict[str, Any]:
        """Run the model: ``inputs`` maps input names to numpy arrays (or nested lists);
        the result maps output names to numpy arrays (lists without numpy). Arrays keep
        their dtype (float64 is sent as FP64): cast to what the model takes, or name it in
        ``datatypes`` (``{"x": "FP32"}``). Lists of floats are sent as FP32. ``model`` names the
        model of a multi-model endpoint (its V2 route ``v2/models/{model}/infer``)."""
        headers, body = encode_request(inputs, binary=binary, datatypes=datatypes, outputs=outputs, parameters=parameters)
        route = ("infer",) if model is None else ("v2", "models", model, "infer")
        response = self._c.http.request(
            "POST", self._path(endpoint_name(endpoint), *route), content=body, headers=headers,
            timeout=timeout if timeout is not None else self._c.timeout,
        )
        results, _ = decode_response(response.headers, response.content)
        return results


def _describe(endpoint: Endpoint, elapsed: float) -> str:
    observed = endpoint.observed or {}
    ready = observed.get("readyReplicas")
    text = f"{endpoint.name} rev {endpoint.desired_revision} (v{endpoint.model_version}) {endpoint.phase}"
    if ready is not None:
        text += f", {ready}/{endpoint.replicas} ready"
    if endpoint.message:
        text += f": {endpoint.message}"
    return f"{text}  {elapsed:5.0f}s"
