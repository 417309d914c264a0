"""Tokens, groups, whoami and the audit log: request shapes offline, then the real platform
(BEAMLINE_TEST_ADMIN_TOKEN: an ADMIN of BEAMLINE_PROJECT; BEAMLINE_TEST_PLATFORM_TOKEN: a
platform admin)."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest

import beamline
from conftest import recording, unique

# -- offline: what goes on the wire ------------------------------------------------------------


CREATED = {"id": "t-1", "name": "ci", "role": "VIEWER", "project": "lab", "scopes": ["read"], "expiresAt": None,
           "token": "bl_0123456789abcdefghijklmnop"}


def test_token_calls_on_the_wire():
    c, seen = recording(lambda req: {"items": []} if req.method == "GET" else CREATED)
    made = c.tokens.create("ci", role="VIEWER", scopes=["read", "infer"], expires_in=timedelta(days=30))
    assert (seen[0].method, seen[0].url.path) == ("POST", "/v1/projects/lab/tokens")
    assert json.loads(seen[0].content) == {"name": "ci", "role": "VIEWER", "scopes": ["read", "infer"], "expiresInSeconds": 2_592_000}
    assert made.token == CREATED["token"] and made.expires_at is None
    assert CREATED["token"] not in repr(made)

    c.tokens.list(include_revoked=True)
    assert (seen[1].url.path, seen[1].url.params.get("includeRevoked")) == ("/v1/projects/lab/tokens", "true")
    c.tokens.rotate(made, grace=0)
    assert (seen[2].url.path, json.loads(seen[2].content)) == ("/v1/projects/lab/tokens/t-1/rotate", {"graceSeconds": 0})
    c.tokens.rotate("t-1")
    assert json.loads(seen[3].content) == {}
    c.platform_tokens.create("prom", scopes=["read"], expires_in=3600)
    assert (seen[4].url.path, json.loads(seen[4].content)) == ("/v1/tokens", {"name": "prom", "scopes": ["read"], "expiresInSeconds": 3600})
    with pytest.raises(ValueError, match="no role"):
        c.platform_tokens.create("prom", role="ADMIN")
    assert len(seen) == 5


def test_group_and_whoami_calls_on_the_wire():
    c, seen = recording(lambda req: {"kind": "token", "id": "t", "name": "n", "platformAdmin": False, "scopes": ["read"],
                                     "projects": [{"name": "lab", "role": "ADMIN"}]} if "whoami" in req.url.path
                        else {"group": "/lab/vision", "role": "MEMBER", "createdAt": "2026-12-01T00:00:00Z"})
    binding = c.groups.set("/lab/vision", "MEMBER")
    assert seen[0].url.raw_path == b"/v1/projects/lab/groups/%2Flab%2Fvision" and json.loads(seen[0].content) == {"role": "MEMBER"}
    assert (binding.group, binding.role) == ("/lab/vision", "MEMBER")
    me = c.whoami()
    assert (me.platform_admin, me.role_in("lab"), me.role_in("other")) == (False, "ADMIN", None)


def test_audit_filters_and_pages():
    pages = {None: {"items": [{"id": "2", "action": "token.create", "actorName": "ci"}], "nextCursor": "c2"},
             "c2": {"items": [{"id": "1", "action": "token.revoke", "actorName": "ci"}], "nextCursor": None}}
    c, seen = recording(lambda req: pages[req.url.params.get("cursor")])
    events = list(c.audit.list(actor="ci", action="token.", since=datetime(2026, 12, 1, 9), until="2026-12-02T00:00:00Z", page_size=1))
    assert [(e.id, e.action, e.actor_name) for e in events] == [("2", "token.create", "ci"), ("1", "token.revoke", "ci")]
    params = seen[0].url.params
    assert (seen[0].url.path, params["actor"], params["action"], params["limit"]) == ("/v1/audit", "ci", "token.", "1")
    assert (params["since"], params["until"], "project" in params) == ("2026-12-01T09:00:00+00:00", "2026-12-02T00:00:00Z", False)
    assert seen[1].url.params["cursor"] == "c2"


# -- live ------------------------------------------------------------------------------------


def status_of(token: str) -> int:
    return httpx.get(f"{os.environ['BEAMLINE_URL']}/v1/auth/whoami", headers={"Authorization": f"Bearer {token}"}).status_code


def until_status(token: str, status: int, timeout: float = 10.0) -> None:
    """A revoked token stops within a second (the guard's cache), not at once."""
    deadline = time.monotonic() + timeout
    while (last := status_of(token)) != status:
        assert time.monotonic() < deadline, f"still {last}, not {status}"
        time.sleep(0.1)


@pytest.mark.live
def test_whoami(client: beamline.Client):
    me = client.whoami()
    assert (me.kind, me.platform_admin, me.role_in(client.project)) == ("token", False, "MEMBER")
    assert me.scopes == ["read", "write", "infer"]


@pytest.mark.live
def test_token_lifecycle(admin: beamline.Client):
    name = unique("sdk-py-token")
    before = datetime.now(timezone.utc)
    made = admin.tokens.create(name, role="VIEWER", scopes=["read", "infer"], expires_in=timedelta(days=30))
    assert (made.name, made.role, made.project, made.scopes) == (name, "VIEWER", admin.project, ["read", "infer"])
    assert made.token.startswith("bl_")
    expires = datetime.fromisoformat(made.expires_at.replace("Z", "+00:00"))  # type: ignore[union-attr]
    assert timedelta(days=30) - timedelta(seconds=5) <= expires - before <= timedelta(days=30, minutes=1)

    with beamline.Client(token=made.token, max_retries=0) as viewer:
        me = viewer.whoami()
        assert (me.name, me.scopes, me.role_in(admin.project)) == (name, ["read", "infer"], "VIEWER")
        with pytest.raises(beamline.Forbidden):
            viewer.tokens.list()

    listed = {t.id: t for t in admin.tokens.list()}
    assert listed[made.id].prefix == made.token[:10]
    assert made.token not in json.dumps([t.raw for t in listed.values()])

    rotated = admin.tokens.rotate(made, grace=0)
    assert (rotated.name, rotated.role, rotated.scopes) == (name, "VIEWER", ["read", "infer"])
    assert rotated.replaces is not None and rotated.replaces["id"] == made.id and rotated.token != made.token
    until_status(made.token, 401)
    assert status_of(rotated.token) == 200

    revoked = admin.tokens.revoke(rotated)
    assert (revoked.id, revoked.revoked_at is not None) == (rotated.id, True)
    until_status(rotated.token, 401)
    with beamline.Client(token=rotated.token, max_retries=0) as gone, pytest.raises(beamline.Unauthorized):
        gone.whoami()
    assert rotated.id not in {t.id for t in admin.tokens.list()}
    assert rotated.id in {t.id for t in admin.tokens.list(include_revoked=True)}
    with pytest.raises(beamline.NotFound):
        admin.tokens.revoke("00000000-0000-4000-8000-000000000000")


@pytest.mark.live
def test_a_member_cannot_manage_tokens_or_groups(client: beamline.Client):
    with pytest.raises(beamline.Forbidden):
        client.tokens.create("mine")
    with pytest.raises(beamline.Forbidden):
        client.groups.list()


@pytest.mark.live
def test_groups(admin: beamline.Client):
    group = unique("lab:py")
    assert admin.groups.set(group, "MEMBER").role == "MEMBER"
    assert admin.groups.set(group, "VIEWER").role == "VIEWER"
    assert [(b.group, b.role) for b in admin.groups.list() if b.group == group] == [(group, "VIEWER")]
    admin.groups.remove(group)
    assert group not in {b.group for b in admin.groups.list()}
    with pytest.raises(beamline.NotFound):
        admin.groups.remove(group)


@pytest.mark.live
def test_platform_tokens_and_audit(platform: beamline.Client, admin: beamline.Client):
    since = datetime.now(timezone.utc) - timedelta(minutes=5)
    made = platform.platform_tokens.create(unique("sdk-py-prom"), scopes=["read"], expires_in=3600)
    assert (made.role, made.project, made.scopes) == ("PLATFORM_ADMIN", None, ["read"])
    assert made.id in {t.id for t in platform.platform_tokens.list()}
    platform.platform_tokens.revoke(made)

    deadline = time.monotonic() + 10
    while True:
        events = list(platform.audit.list(action="token.", since=since))
        actions = {(e.action, e.resource_id) for e in events}
        if {("token.create", made.id), ("token.revoke", made.id)} <= actions:
            break
        assert time.monotonic() < deadline, f"no token.create/revoke of {made.id} in {actions}"
        time.sleep(0.2)
    assert all(e.action.startswith("token.") for e in events)
    assert made.token not in json.dumps([e.raw for e in events])
    # Pages of one: the iterator follows the cursor, and limit stops it.
    assert len({e.id for e in platform.audit.list(action="token.", page_size=1, limit=2)}) == 2
    assert list(platform.audit.list(until=datetime(2000, 1, 1))) == []
    with pytest.raises(beamline.Forbidden):
        next(iter(admin.audit.list()))
