"""The client: one per platform URL, token and project."""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator, Mapping

import httpx

from ._http import Http, seg
from .access import Groups, Tokens, WhoAmI
from .audit import Audit
from .datasets import Datasets
from .endpoints import Endpoints
from .models import Models
from .queues import ClusterQueues, Queues
from .training import Training


class Client:
    """A Beamline client.

    ``url``, ``token`` and ``project`` default to ``BEAMLINE_URL``, ``BEAMLINE_TOKEN`` and
    ``BEAMLINE_PROJECT`` (all three are set inside a training job). Calls are grouped:
    ``client.training``, ``client.models``, ``client.datasets``, ``client.endpoints``; ``client.infer`` is
    ``client.endpoints.infer``. Queues: ``client.queues`` (the project's) and
    ``client.cluster_queues`` (quota; platform admins change them). Access: ``client.whoami()``, ``client.tokens`` and
    ``client.groups`` (the project's ADMINs), ``client.platform_tokens`` and
    ``client.audit`` (platform admins).

    Idempotent calls (GET, PUT, DELETE and POSTs that carry an ``Idempotency-Key``) are
    retried with exponential backoff on 502/503/504 and on connection errors, up to
    ``max_retries`` times; any other POST is sent once.
    """

    def __init__(
        self,
        url: str | None = None,
        token: str | None = None,
        project: str | None = None,
        *,
        timeout: float = 30.0,
        max_retries: int = 4,
        backoff: float = 0.25,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ):
        url = url or os.environ.get("BEAMLINE_URL")
        if not url:
            raise ValueError("no Beamline URL: pass url= or set BEAMLINE_URL")
        self.url = url.rstrip("/")
        self.token = token if token is not None else os.environ.get("BEAMLINE_TOKEN")
        self.project = project or os.environ.get("BEAMLINE_PROJECT") or "default"
        self.timeout = timeout
        self.http = Http(self.url, self.token, timeout=timeout, max_retries=max_retries, backoff=backoff, transport=transport, sleep=sleep)
        self.training = Training(self)
        self.models = Models(self)
        self.datasets = Datasets(self)
        self.endpoints = Endpoints(self)
        self.queues = Queues(self)
        self.cluster_queues = ClusterQueues(self)
        self.tokens = Tokens(self)
        self.platform_tokens = Tokens(self, platform=True)
        self.groups = Groups(self)
        self.audit = Audit(self)

    def project_path(self, *parts: object) -> str:
        return "/v1/projects/" + "/".join(seg(p) for p in (self.project, *parts))

    def paginate(self, path: str, params: Mapping[str, Any], limit: int | None = None) -> Iterator[dict[str, Any]]:
        """Items of a ``{items, nextCursor}`` list, page after page."""
        query = dict(params)
        seen = 0
        while True:
            page = self.http.json("GET", path, params=query)
            for item in page["items"]:
                if limit is not None and seen >= limit:
                    return
                seen += 1
                yield item
            cursor = page.get("nextCursor")
            if not cursor:
                return
            query["cursor"] = cursor

    def whoami(self) -> WhoAmI:
        """Who the token is: its kind, name, scopes, platform admin or not, role in each project."""
        return WhoAmI.from_api(self.http.json("GET", "/v1/auth/whoami"))

    def infer(self, endpoint: Any, inputs: Mapping[str, Any], **kw: Any) -> dict[str, Any]:
        return self.endpoints.infer(endpoint, inputs, **kw)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client(url={self.url!r}, project={self.project!r})"
