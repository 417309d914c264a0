"""The HTTP layer: auth, problem+json errors and retries with exponential backoff."""

from __future__ import annotations

import json as _json
import random
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Mapping
from urllib.parse import quote

import httpx

from .errors import BeamlineError, ConnectionFailed, error_for

# 429: the platform refused before doing anything (rate limit); Retry-After says when to come back.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
# A rate limit's Retry-After is exact: waiting less only earns another 429, so it gets a longer cap.
MAX_RETRY_AFTER_429 = 60.0
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def seg(value: object) -> str:
    """One URL path segment (``@`` stays readable: ``versions/@production``)."""
    return quote(str(value), safe="@")


def is_retryable(method: str, headers: Mapping[str, str] | None) -> bool:
    """GET/HEAD/PUT/DELETE always; POST only with an Idempotency-Key (the platform replays it)."""
    if method.upper() in IDEMPOTENT_METHODS:
        return True
    return any(k.lower() == "idempotency-key" for k in (headers or {}))


class Http:
    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        timeout: float = 30.0,
        max_retries: int = 4,
        backoff: float = 0.25,
        max_backoff: float = 8.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ):
        headers = {"User-Agent": "beamline-python/0.1.0", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.url = url.rstrip("/")
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep or time.sleep
        self.client = httpx.Client(
            base_url=self.url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self.client.close()

    # -- retries ---------------------------------------------------------------------------

    def delay(self, attempt: int, response: httpx.Response | None = None) -> float:
        """Exponential backoff with jitter; a Retry-After (seconds) is honoured up to the cap."""
        if response is not None:
            after = response.headers.get("retry-after")
            if after and after.strip().isdigit():
                cap = max(self.max_backoff, MAX_RETRY_AFTER_429) if response.status_code == 429 else self.max_backoff
                return min(float(after), cap)
        base = min(self.max_backoff, self.backoff * (2**attempt))
        return base * (0.5 + random.random() / 2)

    def _send(self, method: str, path: str, *, stream: bool, retry: bool | None, kwargs: Callable[[], dict[str, Any]]) -> httpx.Response:
        args = kwargs()
        retryable = is_retryable(method, args.get("headers")) if retry is None else retry
        attempt = 0
        while True:
            try:
                request = self.client.build_request(method, path, **args)
                response = self.client.send(request, stream=stream)
            except httpx.TransportError as exc:
                if retryable and attempt < self.max_retries:
                    self._sleep(self.delay(attempt))
                    attempt += 1
                    args = kwargs()
                    continue
                raise ConnectionFailed(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
            if response.status_code in RETRY_STATUSES and retryable and attempt < self.max_retries:
                wait = self.delay(attempt, response)
                response.close()
                self._sleep(wait)
                attempt += 1
                args = kwargs()
                continue
            if response.status_code >= 400:
                if stream:
                    response.read()
                response.close()
                raise to_error(response)
            return response

    def request(
        self,
        method: str,
        path: str,
        *,
        retry: bool | None = None,
        kwargs: Callable[[], dict[str, Any]] | None = None,
        **fixed: Any,
    ) -> httpx.Response:
        """One call; ``kwargs`` (a factory) rebuilds a body that cannot be re-sent, such as a file."""
        return self._send(method, path, stream=False, retry=retry, kwargs=kwargs or (lambda: dict(fixed)))

    def json(self, method: str, path: str, **kw: Any) -> Any:
        response = self.request(method, path, **kw)
        if not response.content:
            return None
        return response.json()

    @contextmanager
    def stream(self, method: str, path: str, *, retry: bool | None = None, **fixed: Any) -> Iterator[httpx.Response]:
        """A streamed answer; retries only until the response starts."""
        response = self._send(method, path, stream=True, retry=retry, kwargs=lambda: dict(fixed))
        try:
            yield response
        finally:
            response.close()


def to_error(response: httpx.Response) -> BeamlineError:
    body: Any = response.text
    ctype = response.headers.get("content-type", "")
    if "json" in ctype:
        try:
            body = _json.loads(response.text)
        except ValueError:
            pass
    reason = response.reason_phrase or "error"
    return error_for(response.status_code, body, f"{response.request.method} {response.request.url.path}: {reason}")
