"""Beamline's Python SDK: training jobs, the model registry and inference endpoints.

>>> import beamline
>>> bl = beamline.Client()                     # BEAMLINE_URL, BEAMLINE_TOKEN, BEAMLINE_PROJECT
>>> job = bl.training.submit("iris", "python:3.11", ["python", "train.py"], {"cpu": "1", "memory": "1Gi"})
>>> bl.training.wait(job)                    # raises JobFailed unless it Succeeded

Inside a training job: ``beamline.log_metric(...)`` and ``beamline.log_model(...)``.
"""

from .access import CreatedToken, GroupBinding, Token, WhoAmI
from .audit import AuditEvent
from .client import Client
from .datasets import Dataset, DatasetVersion
from .errors import (
    BeamlineError,
    Conflict,
    ConnectionFailed,
    FieldError,
    Forbidden,
    JobCancelled,
    JobFailed,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    RolloutFailed,
    ServerError,
    TooManyRequests,
    TrainingFailed,
    Unauthorized,
    Unavailable,
    ValidationError,
    WaitTimeout,
)
from . import checkpoint
from .pod import current_job_id, log_metric, log_model, metrics
from .types import (
    Alias,
    AliasEvent,
    ClusterQueue,
    Endpoint,
    EndpointEvent,
    Model,
    ModelVersion,
    ProjectQueue,
    QueueRevision,
    Revision,
    TrainingEvent,
    TrainingJob,
)

__version__ = "0.1.0"

__all__ = [
    "Client",
    "log_metric",
    "log_model",
    "metrics",
    "current_job_id",
    "BeamlineError",
    "ValidationError",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "Conflict",
    "PreconditionFailed",
    "PayloadTooLarge",
    "TooManyRequests",
    "ServerError",
    "Unavailable",
    "ConnectionFailed",
    "WaitTimeout",
    "JobFailed",
    "JobCancelled",
    "TrainingFailed",
    "RolloutFailed",
    "FieldError",
    "TrainingJob",
    "TrainingEvent",
    "Model",
    "ModelVersion",
    "Dataset",
    "DatasetVersion",
    "Alias",
    "AliasEvent",
    "Endpoint",
    "EndpointEvent",
    "Revision",
    "ClusterQueue",
    "ProjectQueue",
    "QueueRevision",
    "Token",
    "CreatedToken",
    "WhoAmI",
    "GroupBinding",
    "AuditEvent",
]
