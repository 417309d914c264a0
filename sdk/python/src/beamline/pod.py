"""Helpers for code running inside a training job (the platform sets ``BEAMLINE_URL``,
``BEAMLINE_TOKEN``, ``BEAMLINE_PROJECT``, ``BEAMLINE_TRAINING_JOB``, ``BEAMLINE_ATTEMPT``
and, on the local driver, ``BEAMLINE_OUTPUT_DIR``)."""

from __future__ import annotations

import json
import math
import os
import threading
import time
from dataclasses import dataclass
from typing import Any, Mapping

from .types import ModelVersion

__all__ = ["log_metric", "log_model", "metrics", "Metric", "current_job_id"]


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    step: int | None
    time: float


_lock = threading.Lock()
_metrics: list[Metric] = []


def current_job_id() -> str | None:
    """The id of the training job this process runs in (``BEAMLINE_TRAINING_JOB``)."""
    return os.environ.get("BEAMLINE_TRAINING_JOB") or None


def log_metric(name: str, value: float, step: int | None = None) -> Metric:
    """Record one metric value. Kept in this process (``beamline.metrics()``) and appended
    as a JSON line to ``$BEAMLINE_OUTPUT_DIR/metrics.jsonl`` when that is set. The last
    value of each name is attached to the version ``log_model`` registers."""
    metric = Metric(str(name), float(value), None if step is None else int(step), time.time())
    with _lock:
        _metrics.append(metric)
        out = os.environ.get("BEAMLINE_OUTPUT_DIR")
        if out:
            os.makedirs(out, exist_ok=True)
            record = {"name": metric.name, "value": metric.value if math.isfinite(metric.value) else str(metric.value),
                      "step": metric.step, "time": metric.time}
            attempt = os.environ.get("BEAMLINE_ATTEMPT")
            if attempt is not None:
                record["attempt"] = int(attempt) if attempt.isdigit() else attempt
            with open(os.path.join(out, "metrics.jsonl"), "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
    return metric


def metrics() -> list[Metric]:
    """Every metric logged in this process, in order."""
    with _lock:
        return list(_metrics)


def _latest() -> dict[str, float]:
    latest: dict[str, float] = {}
    for m in metrics():
        if math.isfinite(m.value):
            latest[m.name] = m.value
    return latest


def log_model(
    path: str | os.PathLike[str],
    model: str | None = None,
    variables: Mapping[str, Any] | None = None,
    metrics: Mapping[str, float] | None = None,
    description: str | None = None,
    *,
    tags: list[str] | None = None,
    client: Any = None,
) -> ModelVersion:
    """Register the ONNX file at ``path`` as a new version of ``model`` (default: the job's
    ``outputModel``), with the running job as its lineage (``trainingJobId``) and its
    metrics: the last value of each ``log_metric`` name, overridden by ``metrics``.
    Returns the registered version."""
    from .client import Client

    c = client if client is not None else Client()
    job = current_job_id()
    name = model
    if name is None:
        if job is None:
            raise ValueError("log_model needs model= outside a training job")
        name = c.training.get(job).output_model
        if not name:
            raise ValueError("the job has no outputModel: pass model= to log_model")
    attached = _latest()
    attached.update({k: float(v) for k, v in (metrics or {}).items()})
    try:
        return c.models.register(
            name, path, description=description, tags=tags, metrics=attached, variables=variables, training_job=job
        )
    finally:
        if client is None:
            c.close()
