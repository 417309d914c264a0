"""The audit log (platform admins only; docs/audit.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Iterator, Literal

from .types import ApiObject

if TYPE_CHECKING:
    from .client import Client

Outcome = Literal["success", "denied", "failed"]


@dataclass(frozen=True)
class AuditEvent(ApiObject):
    id: str = ""
    at: str = ""
    actor_type: str = ""
    actor_id: str | None = None
    actor_name: str | None = None
    project_id: str | None = None
    project: str | None = None
    action: str = ""
    resource_type: str = ""
    resource_id: str | None = None
    outcome: str = ""
    status: int | None = None
    ip: str | None = None
    request_id: str | None = None
    details: dict[str, Any] | None = None


def _iso(value: datetime | str) -> str:
    """A naive datetime is taken as UTC (the API wants an offset)."""
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat()


class Audit:
    def __init__(self, client: "Client"):
        self._c = client

    def list(
        self,
        *,
        actor: str | None = None,
        project: str | None = None,
        action: str | None = None,
        outcome: Outcome | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        page_size: int = 50,
        limit: int | None = None,
    ) -> Iterator[AuditEvent]:
        """Newest first; filters combine with AND. ``actor``: a token or user id or its recorded
        name; ``action``: exact (``endpoint.rollback``) or a prefix ending in a dot
        (``endpoint.``); ``since`` inclusive, ``until`` exclusive."""
        params: dict[str, Any] = {"limit": page_size}
        for key, value in (("actor", actor), ("project", project), ("action", action), ("outcome", outcome)):
            if value is not None:
                params[key] = value
        if since is not None:
            params["since"] = _iso(since)
        if until is not None:
            params["until"] = _iso(until)
        for item in self._c.paginate("/v1/audit", params, limit):
            yield AuditEvent.from_api(item)
