"""Training jobs: submit, list, get, cancel, wait, logs, events."""

from __future__ import annotations

import time
import uuid
from typing import List, TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence

from ._progress import Progress
from .errors import BeamlineError, Conflict, JobCancelled, JobFailed, WaitTimeout
from .types import TrainingEvent, TrainingJob

if TYPE_CHECKING:
    from .client import Client

# How many of the worker's last log lines a JobFailed carries.
LOG_TAIL_LINES = 20


def job_id(job: "str | TrainingJob") -> str:
    return job.id if isinstance(job, TrainingJob) else str(job)


class Training:
    def __init__(self, client: "Client"):
        self._c = client

    def _path(self, *parts: object) -> str:
        return self._c.project_path("training-jobs", *parts)

    def submit(
        self,
        name: str,
        image: str,
        command: Sequence[str],
        resources: Mapping[str, Any],
        *,
        args: Sequence[str] | None = None,
        env: Mapping[str, str] | None = None,
        working_dir: str | None = None,
        workers: int | None = None,
        priority: int | None = None,
        queue: str | None = None,
        max_retries: int | None = None,
        timeout_seconds: int | None = None,
        output_model: str | None = None,
        idempotency_key: str | None = None,
        volumes: Sequence[Mapping[str, Any]] | None = None,
    ) -> TrainingJob:
        """Submit a job. An ``Idempotency-Key`` is always sent (a random one unless given),
        so the retry after a dropped answer returns the same job instead of a second one."""
        body: dict[str, Any] = {"name": name, "image": image, "command": list(command), "resources": dict(resources)}
        optional = {
            "args": list(args) if args is not None else None,
            "env": dict(env) if env is not None else None,
            "workingDir": working_dir,
            "workers": workers,
            "priority": priority,
            "queue": queue,
            "maxRetries": max_retries,
            "timeoutSeconds": timeout_seconds,
            "outputModel": output_model,
            # [{"name", "mountPath", "claim" | "scratch" | "dataset" | "newClaim", "readOnly"}]:
            # docs/checkpoints.md, "Volumes"; newClaim: {"size", "storageClass"?, "accessMode"?, "retain"?}
            "volumes": [dict(v) for v in volumes] if volumes is not None else None,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        key = idempotency_key or f"py-{uuid.uuid4()}"
        data = self._c.http.json("POST", self._path(), json=body, headers={"Idempotency-Key": key})
        return TrainingJob.from_api(data)

    def get(self, job: "str | TrainingJob") -> TrainingJob:
        return TrainingJob.from_api(self._c.http.json("GET", self._path(job_id(job))))

    def list(
        self,
        *,
        status: str | Iterable[str] | None = None,
        queue: str | None = None,
        name_prefix: str | None = None,
        page_size: int = 50,
        limit: int | None = None,
    ) -> Iterator[TrainingJob]:
        """Every matching job, newest first, fetching pages as the iteration goes."""
        params: dict[str, Any] = {"limit": page_size}
        if status is not None:
            params["status"] = status if isinstance(status, str) else ",".join(status)
        if queue is not None:
            params["queue"] = queue
        if name_prefix is not None:
            params["namePrefix"] = name_prefix
        for item in self._c.paginate(self._path(), params, limit):
            yield TrainingJob.from_api(item)

    def cancel(self, job: "str | TrainingJob") -> TrainingJob:
        # Cancelling twice is a 409 (terminal state), never a second effect: safe to retry.
        return TrainingJob.from_api(self._c.http.json("POST", self._path(job_id(job), "cancel"), retry=True))

    def resume(self, job: "str | TrainingJob") -> TrainingJob:
        """A Failed or Cancelled job back to its queue as a new attempt that resumes from its
        last complete checkpoint (``BEAMLINE_RESUME_FROM``). Not retried: a repeat is a 409."""
        return TrainingJob.from_api(self._c.http.json("POST", self._path(job_id(job), "resume")))

    def events(self, job: "str | TrainingJob") -> List[TrainingEvent]:
        data = self._c.http.json("GET", self._path(job_id(job), "events"))
        return [TrainingEvent.from_api(e) for e in data["items"]]

    def wait(
        self,
        job: "str | TrainingJob",
        timeout: float | None = None,
        *,
        progress: bool = True,
        poll_interval: float = 1.0,
        raise_on_failure: bool = True,
    ) -> TrainingJob:
        """Poll until the job ends and return it when it Succeeded.

        Failed raises :class:`JobFailed` and Cancelled :class:`JobCancelled` (with the
        reason, the last event's message and the last log lines), so a notebook never goes
        on to deploy after a failed training; ``raise_on_failure=False`` returns the job
        whatever its end. ``timeout`` (seconds) raises :class:`WaitTimeout` carrying the
        last state.
        """
        ident = job_id(job)
        start = time.monotonic()
        display = Progress(progress)
        try:
            while True:
                current = self.get(ident)
                elapsed = time.monotonic() - start
                display.update(_describe(current, elapsed))
                if current.done:
                    break
                if timeout is not None and elapsed >= timeout:
                    raise WaitTimeout(
                        f"training job {current.name} ({ident}) is still {current.status} after {timeout:g}s", current
                    )
                pause = poll_interval if timeout is None else min(poll_interval, max(0.05, timeout - elapsed))
                time.sleep(pause)
        finally:
            display.close()
        if raise_on_failure and not current.succeeded:
            raise self._failure(current)
        return current

    def _failure(self, job: TrainingJob) -> JobFailed:
        """The error for a job that ended without success. Its extra reads are best effort:
        the failure must be reported even when they fail."""
        try:
            events = self.events(job)
        except BeamlineError:
            events = []
        tail: list[str] = []
        try:
            for line in self.logs(job):
                tail = (tail + [line])[-LOG_TAIL_LINES:]
        except BeamlineError:  # 409: it never started, so it has no log
            pass
        cls = JobCancelled if job.status == "Cancelled" else JobFailed
        return cls(job, (events[-1].message or None) if events else None, tail)

    def logs(
        self,
        job: "str | TrainingJob",
        *,
        follow: bool = False,
        worker: int = 0,
        attempt: int | None = None,
        wait_for_start: float = 300.0,
    ) -> Iterator[str]:
        """The worker's output, line by line (without the newline). With ``follow`` the
        iteration lasts until the worker ends; a job that has not started yet is waited for
        (up to ``wait_for_start`` seconds)."""
        params: dict[str, Any] = {"worker": worker}
        if follow:
            params["follow"] = "true"
        if attempt is not None:
            params["attempt"] = attempt
        deadline = time.monotonic() + wait_for_start
        while True:
            try:
                with self._c.http.stream("GET", self._path(job_id(job), "logs"), params=params, timeout=None if follow else self._c.timeout) as response:
                    yield from response.iter_lines()
                return
            except Conflict:
                # 409: not scheduled yet. Following means waiting for it to start.
                if not follow or time.monotonic() >= deadline or self.get(job).done:
                    raise
                time.sleep(0.5)


def _describe(job: TrainingJob, elapsed: float) -> str:
    text = f"{job.name} [{job.id[:8]}] {job.status}"
    if job.status == "Queued" and job.pending_reason:
        text += f": {job.pending_reason}"
    elif job.done and job.status_reason:
        text += f" ({job.status_reason})"
    if job.attempt:
        text += f", attempt {job.attempt + 1}"
    return f"{text}  {elapsed:5.0f}s"
