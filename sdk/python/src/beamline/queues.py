"""Queues and GPU quotas (docs/queues.md): ``client.queues``, the project's queues, and
``client.cluster_queues``, the cluster queues that hold the quota (anyone signed in reads
them; platform admins change them). Every change is versioned: ``update`` needs the version
it read (``if_match``), and a stale one raises :class:`PreconditionFailed`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, Iterable, List, Literal, Mapping, TypeVar

from ._http import seg
from .types import ApiObject, ClusterQueue, ProjectQueue, QueueRevision

if TYPE_CHECKING:
    from .client import Client

Strategy = Literal["BestEffortFIFO", "StrictFIFO"]
Q = TypeVar("Q", bound=ApiObject)

#: ``update(cohort=...)`` default: leave the cohort as it is (``None`` removes it).
UNCHANGED: Any = object()


def etag(version: "int | str | ClusterQueue | ProjectQueue") -> str:
    """``If-Match`` for a version: ``3`` (or a queue read at version 3) is ``"3"``; a string
    (an ETag, or ``*`` for any version) goes as is."""
    if isinstance(version, (ClusterQueue, ProjectQueue)):
        version = version.version
    return f'"{version}"' if isinstance(version, int) else version


def _name(queue: Any) -> str:
    """A queue's name, from the name or the queue as read."""
    return queue if isinstance(queue, str) else str(queue.name)


class _Versioned(Generic[Q]):
    """What both kinds share: list, get, history, and a PATCH on the version read."""

    _type: type[Q]

    def __init__(self, client: "Client"):
        self._c = client

    def _path(self, *parts: object) -> str:
        raise NotImplementedError

    def list(self) -> List[Q]:
        """Sorted by name."""
        return [self._type.from_api(q) for q in self._c.http.json("GET", self._path())["items"]]

    def get(self, queue: "str | Q") -> Q:
        return self._type.from_api(self._c.http.json("GET", self._path(_name(queue))))

    def history(self, queue: "str | Q") -> List[QueueRevision]:
        """Every change, oldest first."""
        items = self._c.http.json("GET", self._path(_name(queue), "history"))["items"]
        return [QueueRevision.from_api(r) for r in items]

    def _create(self, body: Mapping[str, Any]) -> Q:
        # Sent once: a POST without an Idempotency-Key; a lost answer shows as Conflict when sent again.
        return self._type.from_api(self._c.http.json("POST", self._path(), json=dict(body)))

    def _update(self, queue: "str | Q", body: Mapping[str, Any], if_match: Any) -> Q:
        # Not retried: after a lost answer the version has moved, and a retry would be a 412.
        headers = {"If-Match": etag(if_match)}
        return self._type.from_api(self._c.http.json("PATCH", self._path(_name(queue)), json=dict(body), headers=headers))

    def _delete(self, queue: "str | Q", if_match: Any, params: Mapping[str, str]) -> Any:
        headers = {} if if_match is None else {"If-Match": etag(if_match)}
        return self._c.http.json("DELETE", self._path(_name(queue)), params=dict(params), headers=headers)


class Queues(_Versioned[ProjectQueue]):
    """``client.queues``: the project's queues. Members change them, viewers read them."""

    _type = ProjectQueue

    def _path(self, *parts: object) -> str:
        return self._c.project_path("queues", *parts)

    def create(self, name: str, cluster_queue: str) -> ProjectQueue:
        """A queue named ``name`` whose jobs use the quota of ``cluster_queue``."""
        return self._create({"name": name, "clusterQueue": cluster_queue})

    def update(self, queue: "str | ProjectQueue", *, cluster_queue: str, if_match: "int | str | ProjectQueue") -> ProjectQueue:
        """Points the queue at another cluster queue; PreconditionFailed when it changed since ``if_match``."""
        return self._update(queue, {"clusterQueue": cluster_queue}, if_match)

    def delete(self, queue: "str | ProjectQueue", *, if_match: "int | str | ProjectQueue | None" = None) -> None:
        """Conflict while jobs of the queue wait or run."""
        self._delete(queue, if_match, {})


class ClusterQueues(_Versioned[ClusterQueue]):
    """``client.cluster_queues``: quota, cohorts, strategy and weight. Platform admins change
    them; a change counts from the controller's next scheduling cycle."""

    _type = ClusterQueue

    def _path(self, *parts: object) -> str:
        return "/".join(["/v1/cluster-queues", *(seg(p) for p in parts)])

    def create(
        self,
        name: str,
        *,
        quota: Iterable[Mapping[str, Any]] | None = None,
        cohort: str | None = None,
        strategy: Strategy | None = None,
        weight: float | None = None,
    ) -> ClusterQueue:
        """``quota`` lines are ``{"resource", "flavor", "nominal", "borrowingLimit", "lendingLimit"}``
        as the API takes them: ``{"resource": "nvidia.com/gpu", "flavor": "NVIDIA-H100-80GB-HBM3",
        "nominal": 16}``, ``{"resource": "memory", "nominal": "256Gi"}``."""
        body: dict[str, Any] = {"name": name, **_changes(quota=quota, cohort=UNCHANGED if cohort is None else cohort, strategy=strategy, weight=weight)}
        return self._create(body)

    def update(
        self,
        queue: "str | ClusterQueue",
        *,
        if_match: "int | str | ClusterQueue",
        quota: Iterable[Mapping[str, Any]] | None = None,
        cohort: Any = UNCHANGED,
        strategy: Strategy | None = None,
        weight: float | None = None,
    ) -> ClusterQueue:
        """Changes what is given (``quota`` replaces the whole list; ``cohort=None`` takes the
        queue out of its cohort) on the version ``if_match`` names: the queue as read, its version or ETag.
        PreconditionFailed when someone changed it since: read it again and reapply."""
        return self._update(queue, _changes(quota=quota, cohort=cohort, strategy=strategy, weight=weight), if_match)

    def delete(self, queue: "str | ClusterQueue", *, drain: bool = False, if_match: "int | str | ClusterQueue | None" = None) -> dict[str, Any]:
        """Deletes the queue and its project queues: Conflict while their jobs wait or run, unless
        ``drain`` (waiting jobs are cancelled, running ones finish). Answers ``{"deleted",
        "cancelledJobs"}``."""
        return self._delete(queue, if_match, {"drain": "true"} if drain else {})


def _changes(*, quota: Any, cohort: Any, strategy: Any, weight: Any) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if quota is not None:
        body["quota"] = [dict(line) for line in quota]
    if cohort is not UNCHANGED:
        body["cohort"] = cohort
    if strategy is not None:
        body["strategy"] = strategy
    if weight is not None:
        body["weight"] = weight
    return body
