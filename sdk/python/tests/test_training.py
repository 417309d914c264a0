"""Training jobs against the real platform (local driver: jobs are real processes)."""

from __future__ import annotations

import io
import time

import httpx
import pytest

import beamline
from conftest import python_job, unique

pytestmark = pytest.mark.live


def test_submit_get_wait_events_and_logs(client: beamline.Client):
    job = python_job(client, unique("sdk-train"), "for e in range(3): print(f'epoch {e}', flush=True)", args=[], max_retries=0)
    assert job.status in ("Pending", "Queued") and job.attempt == 0
    assert client.training.get(job.id).name == job.name
    done = client.training.wait(job, timeout=120, progress=False)
    assert done.status == "Succeeded" and done.done and done.succeeded
    assert [e.to for e in client.training.events(job)] == ["Pending", "Queued", "Scheduled", "Running", "Succeeded"]
    assert list(client.training.logs(job)) == ["epoch 0", "epoch 1", "epoch 2"]
    assert done.model_versions == []


def test_logs_follow_streams_while_the_job_runs(client: beamline.Client):
    script = "import time\nfor i in range(5):\n    print('step', i, flush=True)\n    time.sleep(0.3)"
    job = python_job(client, unique("sdk-follow"), script)
    started = time.monotonic()
    lines = []
    for line in client.training.logs(job, follow=True):  # waits for the job to be scheduled
        lines.append((line, time.monotonic() - started))
    assert [line for line, _ in lines] == [f"step {i}" for i in range(5)]
    assert lines[-1][1] - lines[0][1] > 0.6  # streamed as produced, not in one piece at the end
    assert client.training.wait(job, timeout=60, progress=False).status == "Succeeded"


def test_wait_with_a_timeout_then_cancel(client: beamline.Client):
    job = python_job(client, unique("sdk-sleep"), "import time; time.sleep(120)")
    with pytest.raises(beamline.WaitTimeout) as info:
        client.training.wait(job, timeout=1.5, progress=False, poll_interval=0.2)
    assert isinstance(info.value, TimeoutError)
    assert info.value.last.id == job.id and not info.value.last.done
    cancelled = client.training.cancel(job)
    assert cancelled.status == "Cancelled"
    with pytest.raises(beamline.JobCancelled) as failed:
        client.training.wait(job, timeout=30, progress=False)
    assert failed.value.job.status == "Cancelled"
    with pytest.raises(beamline.Conflict):  # cancelling a terminal job
        client.training.cancel(job)


def test_wait_shows_progress_on_a_terminal(client: beamline.Client, monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    monkeypatch.setattr("sys.stdout", tty)
    job = python_job(client, unique("sdk-progress"), "import time; time.sleep(1)")
    client.training.wait(job, timeout=60, poll_interval=0.2)
    text = tty.getvalue()
    assert text.startswith("\r") and text.endswith("\n") and text.count("\n") == 1
    assert f"{job.name} [{job.id[:8]}] Succeeded" in text.rsplit("\r", 1)[-1]


def test_a_failed_job_raises_with_its_reason_and_last_log_lines(client: beamline.Client):
    job = python_job(client, unique("sdk-fail"), "import sys; print('bad things'); sys.exit(3)", max_retries=0)
    with pytest.raises(beamline.JobFailed) as info:
        client.training.wait(job, timeout=60, progress=False)
    assert info.value.job.status == "Failed" and info.value.reason
    assert info.value.detail and "3" in info.value.detail  # the exit code, from the last event
    assert info.value.log_tail == ["bad things"] and "bad things" in str(info.value)
    done = client.training.wait(job, timeout=60, progress=False, raise_on_failure=False)
    assert done.status == "Failed" and "bad things" in list(client.training.logs(done))


def test_list_iterates_pages_and_filters(client: beamline.Client):
    prefix = unique("sdk-list")
    ids = [python_job(client, f"{prefix}-{i}", "pass").id for i in range(5)]
    listed = list(client.training.list(name_prefix=prefix, page_size=2))
    assert [j.id for j in listed] == list(reversed(ids))  # newest first, across 3 pages
    assert [j.id for j in client.training.list(name_prefix=prefix, limit=3)] == list(reversed(ids))[:3]
    for job in ids:
        client.training.wait(job, timeout=60, progress=False)
    assert len(list(client.training.list(name_prefix=prefix, status=["Succeeded", "Failed"]))) == 5
    assert list(client.training.list(name_prefix=prefix, status="Running")) == []


def test_a_dropped_submit_response_is_retried_into_the_same_job(client: beamline.Client):
    """A proxy forwards the first submission to the platform and then drops the answer;
    the SDK retries with the same Idempotency-Key and gets the job the first try made."""
    real = httpx.HTTPTransport()
    seen: list[tuple[str, str | None, int]] = []

    class DropFirstAnswer(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = real.handle_request(request)
            if request.method == "POST" and request.url.path.endswith("/training-jobs"):
                response.read()
                seen.append((request.method, request.headers.get("idempotency-key"), response.status_code))
                if len(seen) == 1:
                    response.close()
                    raise httpx.ReadError("connection reset after the request was processed", request=request)
            return response

    name = unique("sdk-retry")
    with beamline.Client(transport=DropFirstAnswer(), backoff=0.05) as flaky:
        job = python_job(flaky, name, "pass")
    assert len(seen) == 2 and seen[0][1] == seen[1][1]
    assert [s[2] for s in seen] == [201, 200]  # created, then replayed
    assert [j.id for j in client.training.list(name_prefix=name)] == [job.id]  # exactly one job


def test_an_idempotency_key_reused_for_another_body_is_a_conflict(client: beamline.Client):
    key = unique("key")
    first = python_job(client, unique("sdk-key"), "pass", idempotency_key=key)
    again = python_job(client, first.name, "pass", idempotency_key=key)
    assert again.id == first.id
    with pytest.raises(beamline.Conflict) as info:
        python_job(client, first.name, "print(1)", idempotency_key=key)
    assert [e.field for e in info.value.field_errors] == ["header:Idempotency-Key"]
