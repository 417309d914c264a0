"""Who may do what: API tokens (the project's, or the platform's), OIDC group bindings, whoami
(docs/security.md). The secret of a token is in the answer of ``create`` and ``rotate`` only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Iterable, List, Literal

from ._http import seg
from .types import ApiObject

if TYPE_CHECKING:
    from .client import Client

Role = Literal["ADMIN", "MEMBER", "VIEWER"]
Scope = Literal["read", "write", "infer"]


@dataclass(frozen=True)
class Token(ApiObject):
    """A token as listed or revoked: ``prefix`` recognises it; the secret is never shown again."""

    id: str = ""
    name: str = ""
    prefix: str = ""
    role: str = ""
    project: str | None = None
    scopes: list[str] | None = None
    created_by: str | None = None
    created_at: str | None = None
    expires_at: str | None = None
    last_used_at: str | None = None
    revoked_at: str | None = None


@dataclass(frozen=True)
class CreatedToken(ApiObject):
    """A new (or rotated) token. ``token`` is the secret: store it now, it is not shown again.
    After a rotation, ``replaces`` is ``{"id", "expiresAt"}``: the old token and when it stops."""

    id: str = ""
    name: str = ""
    role: str = ""
    project: str | None = None
    scopes: list[str] | None = None
    expires_at: str | None = None
    token: str = ""
    replaces: dict[str, str] | None = None

    def __repr__(self) -> str:  # the secret stays out of logs and tracebacks
        return f"CreatedToken(id={self.id!r}, name={self.name!r}, role={self.role!r}, token='{self.token[:10]}...')"


@dataclass(frozen=True)
class WhoAmI(ApiObject):
    kind: str = ""
    id: str = ""
    name: str = ""
    platform_admin: bool = False
    scopes: list[str] | None = None
    projects: list[dict[str, str]] | None = None

    def role_in(self, project: str) -> str | None:
        """The role in ``project`` (None without one; a platform admin reaches every project anyway)."""
        return next((p["role"] for p in self.projects or [] if p["name"] == project), None)


@dataclass(frozen=True)
class GroupBinding(ApiObject):
    group: str = ""
    role: str = ""
    created_at: str | None = None


def _seconds(value: int | timedelta) -> int:
    return int(value.total_seconds()) if isinstance(value, timedelta) else int(value)


class Tokens:
    """``client.tokens`` (the project's; its ADMINs only) or ``client.platform_tokens``
    (platform admins only; they have no role, only scopes)."""

    def __init__(self, client: "Client", *, platform: bool = False):
        self._c = client
        self._platform = platform

    def _path(self, *parts: object) -> str:
        if self._platform:
            return "/".join(["/v1/tokens", *(seg(p) for p in parts)])
        return self._c.project_path("tokens", *parts)

    def list(self, *, include_revoked: bool = False) -> List[Token]:
        """Newest first."""
        params = {"includeRevoked": "true"} if include_revoked else {}
        return [Token.from_api(t) for t in self._c.http.json("GET", self._path(), params=params)["items"]]

    def create(
        self,
        name: str,
        *,
        role: Role | None = None,
        scopes: Iterable[Scope] | None = None,
        expires_in: int | timedelta | None = None,
    ) -> CreatedToken:
        """A new token; ``role`` defaults to MEMBER (project tokens only), ``scopes`` to all
        three, and without ``expires_in`` (seconds or a timedelta) it never expires. Sent
        once, never retried: a lost answer would leave a token whose secret nobody saw."""
        body: dict[str, Any] = {"name": name}
        if role is not None:
            if self._platform:
                raise ValueError("platform tokens have no role: narrow them with scopes")
            body["role"] = role
        if scopes is not None:
            body["scopes"] = list(scopes)
        if expires_in is not None:
            body["expiresInSeconds"] = _seconds(expires_in)
        return CreatedToken.from_api(self._c.http.json("POST", self._path(), json=body))

    def revoke(self, token: "str | Token | CreatedToken") -> Token:
        """Stops the token within a second; revoking twice keeps the first time."""
        return Token.from_api(self._c.http.json("DELETE", self._path(_id(token))))

    def rotate(self, token: "str | Token | CreatedToken", *, grace: int | timedelta | None = None) -> CreatedToken:
        """A new secret now, same name, role, scopes and lifetime; the old one keeps working for
        ``grace`` (server default one hour; 0 stops it at once)."""
        body = {} if grace is None else {"graceSeconds": _seconds(grace)}
        return CreatedToken.from_api(self._c.http.json("POST", self._path(_id(token), "rotate"), json=body))


def _id(token: "str | Token | CreatedToken") -> str:
    return token if isinstance(token, str) else token.id


class Groups:
    """``client.groups``: which OIDC groups hold which role in the project (its ADMINs only)."""

    def __init__(self, client: "Client"):
        self._c = client

    def list(self) -> List[GroupBinding]:
        return [GroupBinding.from_api(b) for b in self._c.http.json("GET", self._c.project_path("groups"))["items"]]

    def set(self, group: str, role: Role) -> GroupBinding:
        """Gives ``group`` ``role`` here, replacing the role it had."""
        return GroupBinding.from_api(self._c.http.json("PUT", self._c.project_path("groups", group), json={"role": role}))

    def remove(self, group: str) -> None:
        """NotFound when the group had no role here."""
        self._c.http.request("DELETE", self._c.project_path("groups", group))
