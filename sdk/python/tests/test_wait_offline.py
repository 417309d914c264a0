"""No platform needed: ``training.wait`` raises on a failed or cancelled job (issue 16: a
notebook went on to deploy an older model after its training failed)."""

from __future__ import annotations

import httpx
import pytest

import beamline

JOB = {"id": "j1", "name": "iris", "status": "Running", "statusReason": "Started", "attempt": 0}


def platform(end: dict, log: str | None, polls: list[str]) -> beamline.Client:
    """A job that is Running once, then ends as `end`; its events and log as given (None: 409)."""

    def handler(req: httpx.Request) -> httpx.Response:
        path = req.url.path
        polls.append(path)
        if path.endswith("/events"):
            return httpx.Response(200, json={"items": [{"from": "Running", "to": end["status"], "reason": end["statusReason"],
                                                        "message": "worker 0 failed with exit code 3", "at": "2026-12-01T00:00:00Z"}]})
        if path.endswith("/logs"):
            if log is None:
                return httpx.Response(409, json={"status": 409, "detail": "not scheduled"})
            return httpx.Response(200, text=log, headers={"content-type": "text/plain"})
        return httpx.Response(200, json=JOB if polls.count(path) == 1 else {**JOB, **end})

    return beamline.Client("http://beamline.test", "tok", "p", transport=httpx.MockTransport(handler), sleep=lambda _: None)


def test_a_failed_job_raises_job_failed_with_reason_message_and_log_tail():
    log = "".join(f"line {i}\n" for i in range(30)) + "Traceback: FileNotFoundError: train.py\n"
    c = platform({"status": "Failed", "statusReason": "Failed"}, log, [])
    with pytest.raises(beamline.JobFailed) as info:
        c.training.wait("j1", progress=False, poll_interval=0)
    err = info.value
    assert not isinstance(err, beamline.JobCancelled) and isinstance(err, beamline.TrainingFailed)
    assert err.job.status == "Failed" and err.reason == "Failed" and err.detail == "worker 0 failed with exit code 3"
    assert len(err.log_tail) == 20 and err.log_tail[-1] == "Traceback: FileNotFoundError: train.py"
    assert "ended Failed: Failed (worker 0 failed with exit code 3)" in str(err) and "FileNotFoundError" in str(err)


def test_a_cancelled_job_that_never_started_raises_job_cancelled_without_a_log():
    c = platform({"status": "Cancelled", "statusReason": "Cancelled"}, None, [])
    with pytest.raises(beamline.JobCancelled) as info:
        c.training.wait("j1", progress=False, poll_interval=0)
    assert info.value.log_tail == [] and info.value.job.status == "Cancelled"


def test_raise_on_failure_false_returns_the_failed_job():
    polls: list[str] = []
    c = platform({"status": "Failed", "statusReason": "Failed"}, "x\n", polls)
    assert c.training.wait("j1", progress=False, poll_interval=0, raise_on_failure=False).status == "Failed"
    assert not any(p.endswith(("/events", "/logs")) for p in polls)  # nothing extra read


def test_a_succeeded_job_is_returned():
    c = platform({"status": "Succeeded", "statusReason": "Completed"}, "", [])
    assert c.training.wait("j1", progress=False, poll_interval=0).succeeded
