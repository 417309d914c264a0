"""Fixtures. Tests marked ``live`` need a running Beamline (BEAMLINE_URL, BEAMLINE_TOKEN,
BEAMLINE_PROJECT; local cluster driver so jobs really run); the others run offline."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
if str(SRC) not in sys.path and os.environ.get("BEAMLINE_SDK_INSTALLED") != "1":
    sys.path.insert(0, str(SRC))
sys.path.insert(0, str(HERE))

import beamline  # noqa: E402

LIVE = bool(os.environ.get("BEAMLINE_URL"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "live: needs a running Beamline platform")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if LIVE:
        return
    skip = pytest.mark.skip(reason="BEAMLINE_URL is not set: no platform to test against")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def client() -> Iterator[beamline.Client]:
    with beamline.Client(backoff=0.05) as c:
        yield c


def recording(answer: Callable[[httpx.Request], Any], status: int = 200) -> tuple[beamline.Client, list[httpx.Request]]:
    """An offline client whose every call is answered by ``answer`` (with ``status``); ``seen`` keeps the requests."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=answer(request))

    return beamline.Client("http://beamline.test", "tok", "lab", transport=httpx.MockTransport(handler), max_retries=0), seen


def _client_from(variable: str) -> Iterator[beamline.Client]:
    if not os.environ.get("BEAMLINE_URL"):
        pytest.skip("BEAMLINE_URL is not set: no platform to test against")
    token = os.environ.get(variable)
    if not token:
        pytest.skip(f"{variable} is not set")
    with beamline.Client(token=token, backoff=0.05) as c:
        yield c


@pytest.fixture
def admin() -> Iterator[beamline.Client]:
    """An ADMIN of BEAMLINE_PROJECT (BEAMLINE_TEST_ADMIN_TOKEN)."""
    yield from _client_from("BEAMLINE_TEST_ADMIN_TOKEN")


@pytest.fixture
def platform() -> Iterator[beamline.Client]:
    """A platform admin (BEAMLINE_TEST_PLATFORM_TOKEN)."""
    yield from _client_from("BEAMLINE_TEST_PLATFORM_TOKEN")


def sdk_pythonpath() -> str:
    """Where `beamline` was imported from, so a job's python3 imports the same SDK."""
    return str(Path(beamline.__file__).resolve().parent.parent)


def python_job(client: beamline.Client, name: str, script: str, **kw: Any) -> beamline.TrainingJob:
    """A job that runs ``python3 -c script`` on the local driver, with the SDK importable."""
    env = {"PYTHONPATH": sdk_pythonpath(), "PYTHONUNBUFFERED": "1", **kw.pop("env", {})}
    return client.training.submit(
        name, "python:3.11-slim", [sys.executable, "-c", script], {"cpu": "100m", "memory": "128Mi"}, env=env, **kw
    )
