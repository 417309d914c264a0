"""What the API answers, as dataclasses. Fields are the API's JSON fields in snake_case;
``raw`` keeps the whole answer (fields added later by the platform are there too)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Mapping, TypeVar

T = TypeVar("T", bound="ApiObject")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


@dataclass(frozen=True)
class ApiObject:
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls: type[T], data: Mapping[str, Any]) -> T:
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {f.name: None for f in fields(cls) if f.name != "raw"}
        for key, value in data.items():
            name = snake(key)
            if name in known and name != "raw":
                values[name] = value
        return cls(raw=dict(data), **values)


TRAINING_TERMINAL = frozenset({"Succeeded", "Failed", "Cancelled"})


@dataclass(frozen=True)
class TrainingJob(ApiObject):
    id: str = ""
    project: str = ""
    name: str = ""
    status: str = ""
    status_reason: str | None = None
    pending_reason: str | None = None
    #: Queued jobs, from GET of one job: 1 + the jobs ahead of it in its cluster queue (docs/queues.md).
    queue_position: int | None = None
    image: str = ""
    command: list[str] | None = None
    args: list[str] | None = None
    env: dict[str, str] | None = None
    working_dir: str | None = None
    resources: dict[str, Any] | None = None
    workers: int = 1
    priority: int = 0
    queue: str = ""
    max_retries: int = 0
    attempt: int = 0
    timeout_seconds: int | None = None
    output_model: str | None = None
    placement: Any = None
    policy: str | None = None
    model_versions: list[dict[str, Any]] | None = None
    created_at: str | None = None
    updated_at: str | None = None
    scheduled_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None

    @property
    def done(self) -> bool:
        return self.status in TRAINING_TERMINAL

    @property
    def succeeded(self) -> bool:
        return self.status == "Succeeded"


@dataclass(frozen=True)
class TrainingEvent(ApiObject):
    id: str = ""
    from_: str | None = None
    to: str = ""
    reason: str | None = None
    message: str | None = None
    at: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> "TrainingEvent":
        return cls(raw=dict(data), id=str(data.get("id", "")), from_=data.get("from"), to=data.get("to", ""),
                   reason=data.get("reason"), message=data.get("message"), at=data.get("at"))


@dataclass(frozen=True)
class Model(ApiObject):
    id: str = ""
    project: str = ""
    name: str = ""
    description: str = ""
    tags: list[str] | None = None
    metadata: dict[str, Any] | None = None
    latest_version: int = 0
    aliases: dict[str, int] | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class ModelVersion(ApiObject):
    id: str = ""
    project: str = ""
    model: str = ""
    version: int = 0
    status: str = ""
    format: str | None = None
    description: str = ""
    tags: list[str] | None = None
    metrics: dict[str, float] | None = None
    artifact: dict[str, Any] | None = None
    upload_url: str | None = None
    signature: dict[str, Any] | None = None
    variables: dict[str, Any] | None = None
    aliases: list[str] | None = None
    training_job: dict[str, Any] | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def sha256(self) -> str | None:
        return (self.artifact or {}).get("sha256")


@dataclass(frozen=True)
class Alias(ApiObject):
    model: str = ""
    alias: str = ""
    version: int = 0
    protected: bool = False
    updated_at: str | None = None


@dataclass(frozen=True)
class AliasEvent(ApiObject):
    id: str = ""
    alias: str = ""
    from_version: int | None = None
    to_version: int | None = None
    protected: bool = False
    by_token: str | None = None
    at: str | None = None


ENDPOINT_SETTLED = frozenset({"Complete", "Failed", "RolledBack"})


@dataclass(frozen=True)
class Endpoint(ApiObject):
    id: str = ""
    project: str = ""
    name: str = ""
    model: str = ""
    follows: str | None = None
    model_version: int | None = None
    replicas: int = 0
    resources: dict[str, Any] | None = None
    batching: dict[str, Any] | None = None
    env: dict[str, str] | None = None
    max_surge: int | None = None
    progress_deadline_seconds: int | None = None
    #: ``{minReplicas, maxReplicas, targetInFlight, scaleDownDelaySeconds}``, or None for a fixed ``replicas``.
    autoscaling: dict[str, Any] | None = None
    #: The running canary ``{revision, modelVersion, percent, replicas, analysis, startedAt}``, or None.
    canary: dict[str, Any] | None = None
    #: The running shadow ``{revision, model, modelVersion, percent, replicas, startedAt}``, or None.
    shadow: dict[str, Any] | None = None
    #: A multi-model endpoint's ``[{model, version}]`` and the budget its replicas load them within; None otherwise.
    models: list[dict[str, Any]] | None = None
    memory_budget: str | None = None
    desired_revision: int | None = None
    good_revision: int | None = None
    phase: str = ""
    reason: str | None = None
    message: str | None = None
    observed: dict[str, Any] | None = None
    ready: bool = False
    infer_url: str | None = None
    created_at: str | None = None
    updated_at: str | None = None

    SETTLED: ClassVar[frozenset[str]] = ENDPOINT_SETTLED


@dataclass(frozen=True)
class Revision(ApiObject):
    revision: int = 0
    model_version: int | None = None
    cause: str = ""
    message: str | None = None
    source_revision: int | None = None
    status: str = ""
    replicas: int = 0
    created_at: str | None = None
    finished_at: str | None = None


@dataclass(frozen=True)
class EndpointEvent(ApiObject):
    id: str = ""
    revision: int | None = None
    type: str = ""
    reason: str = ""
    message: str | None = None
    created_at: str | None = None


@dataclass(frozen=True)
class ClusterQueue(ApiObject):
    """Quota per resource flavor (``quota``: ``{resource, flavor?, nominal, borrowingLimit?,
    lendingLimit?}`` lines), cohort, strategy and fair-sharing weight. ``version`` is also the
    ETag that ``update`` needs as ``if_match``."""

    name: str = ""
    cohort: str | None = None
    strategy: str = ""
    weight: float = 1
    quota: list[dict[str, Any]] | None = None
    version: int = 0
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class ProjectQueue(ApiObject):
    """A queue of a project: the name its jobs give in ``queue``, pointing at a cluster queue."""

    name: str = ""
    project: str = ""
    cluster_queue: str = ""
    version: int = 0
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class QueueRevision(ApiObject):
    """One change of a queue: ``spec`` is the queue as it became, ``actor`` who changed it."""

    version: int = 0
    action: str = ""
    spec: dict[str, Any] | None = None
    actor: str | None = None
    at: str | None = None
