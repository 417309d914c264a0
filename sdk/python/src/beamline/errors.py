"""Typed errors. Every non-2xx answer becomes a :class:`BeamlineError` subclass carrying the
problem details (RFC 9457) the platform sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

__all__ = [
    "BeamlineError",
    "ValidationError",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "Conflict",
    "PreconditionFailed",
    "PayloadTooLarge",
    "ServerError",
    "Unavailable",
    "ConnectionFailed",
    "WaitTimeout",
    "JobFailed",
    "JobCancelled",
    "TrainingFailed",
    "RolloutFailed",
    "FieldError",
]


@dataclass(frozen=True)
class FieldError:
    """One offending field of a request: ``resources.gpu.count``, ``header:Idempotency-Key``, ..."""

    field: str
    message: str


class BeamlineError(Exception):
    """Base of every SDK error.

    ``status`` is the HTTP status (``None`` when no answer came), ``problem`` the problem
    details as sent (``type, title, status, detail, code, instance, requestId, errors``; for
    the inference runtime's own errors ``{"error": ...}``), ``field_errors`` the ``errors``
    list as :class:`FieldError` values.
    """

    def __init__(self, message: str, status: int | None = None, problem: Mapping[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.problem: dict[str, Any] = dict(problem or {})
        self.field_errors: list[FieldError] = [
            FieldError(str(e.get("field", "")), str(e.get("message", "")))
            for e in self.problem.get("errors") or []
            if isinstance(e, Mapping)
        ]

    @property
    def code(self) -> str | None:
        """The platform's error code (``validation_failed``, ``not_found``, ...)."""
        code = self.problem.get("code")
        return code if isinstance(code, str) else None

    @property
    def request_id(self) -> str | None:
        rid = self.problem.get("requestId")
        return rid if isinstance(rid, str) else None

    def __str__(self) -> str:
        text = self.message
        if self.status is not None:
            text = f"{self.status}: {text}"
        if self.field_errors:
            text += " (" + "; ".join(f"{e.field}: {e.message}" for e in self.field_errors) + ")"
        return text


class ValidationError(BeamlineError):
    """400 or 422: the request (or an uploaded file) was refused; see ``field_errors``."""


class Unauthorized(BeamlineError):
    """401: no token, or a token the platform does not know."""


class Forbidden(BeamlineError):
    """403: the token's role or projects do not allow this."""


class NotFound(BeamlineError):
    """404."""


class Conflict(BeamlineError):
    """409: a name that exists, an illegal state transition, a reused Idempotency-Key."""


class PreconditionFailed(Conflict):
    """412: a versioned change (``if_match``) was based on a version someone has changed since;
    read it again and reapply. A :class:`Conflict`, so ``except Conflict`` catches it too."""


class PayloadTooLarge(BeamlineError):
    """413."""


class TooManyRequests(BeamlineError):
    """429: a rate limit is spent; calls that are safe to repeat were already retried after Retry-After."""


class ServerError(BeamlineError):
    """5xx."""


class Unavailable(ServerError):
    """503 (and 502/504): the platform or an endpoint cannot answer right now."""


class ConnectionFailed(Unavailable):
    """No HTTP answer at all: connection refused or dropped, or a timeout."""


class WaitTimeout(BeamlineError, TimeoutError):
    """A ``wait`` ran out of time; ``last`` holds the last state seen."""

    def __init__(self, message: str, last: Any = None):
        super().__init__(message)
        self.last = last


class JobFailed(BeamlineError):
    """``training.wait`` saw the job end Failed (or Cancelled: :class:`JobCancelled`).

    Raised by default so that code after ``wait`` (registering, deploying) never runs on a
    failed training. ``job`` is the job as it ended, ``reason`` its status reason,
    ``detail`` the message of its last event (``worker 0 failed with exit code 3``) and ``log_tail``
    the last lines of worker 0's log (empty when it never started).
    """

    def __init__(self, job: Any, detail: str | None = None, log_tail: list[str] | None = None):
        self.job = job
        self.reason: str | None = getattr(job, "status_reason", None)
        self.detail = detail
        self.log_tail: list[str] = list(log_tail or [])
        text = f"training job {job.name} ({job.id}) ended {job.status}: {self.reason or '-'}"
        if detail:
            text += f" ({detail})"
        if self.log_tail:
            text += "\nlast log lines:\n" + "\n".join(f"  | {line}" for line in self.log_tail)
        super().__init__(text)


class JobCancelled(JobFailed):
    """The job was cancelled before it could succeed."""


# The name before JobFailed; kept so existing ``except TrainingFailed`` code still works.
TrainingFailed = JobFailed


class RolloutFailed(BeamlineError):
    """``wait_rolled_out`` saw the endpoint end ``Failed`` or ``RolledBack``."""

    def __init__(self, message: str, endpoint: Any, phase: str, reason: str | None, detail: str | None):
        super().__init__(message)
        self.endpoint = endpoint
        self.phase = phase
        self.reason = reason
        self.detail = detail


_BY_STATUS: dict[int, type[BeamlineError]] = {
    400: ValidationError,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
    413: PayloadTooLarge,
    422: ValidationError,
    # 428: a change without If-Match; the answer names header:If-Match like any missing field.
    428: ValidationError,
    429: TooManyRequests,
    502: Unavailable,
    503: Unavailable,
    504: Unavailable,
}


def error_for(status: int, body: Any, fallback: str) -> BeamlineError:
    """The typed error for an answer: problem+json, the runtime's ``{"error": ...}``, or text."""
    problem: dict[str, Any] = {}
    message = fallback
    if isinstance(body, Mapping):
        problem = dict(body)
        message = str(body.get("detail") or body.get("error") or body.get("title") or fallback)
    elif isinstance(body, str) and body.strip():
        message = body.strip()[:500]
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else BeamlineError
    return cls(message, status, problem)
