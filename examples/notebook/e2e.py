"""Beamline end to end from Python: train -> register -> @production -> endpoint -> infer
-> retrain -> move @production -> rollout -> infer -> history.

    export BEAMLINE_URL=http://127.0.0.1:8080 BEAMLINE_TOKEN=$(cat .beamline/admin-token) BEAMLINE_PROJECT=default
    python3 examples/notebook/e2e.py

The same flow, cell by cell, is e2e.ipynb. Exits non-zero when a step fails or the held-out
accuracy through the endpoint is below --min-accuracy.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
try:
    import beamline
except ImportError:  # a checkout without `pip install ./sdk/python`
    sys.path.insert(0, str(HERE.parents[1] / "sdk" / "python" / "src"))
    import beamline

from iris_data import load, split


def train(bl: beamline.Client, model: str, epochs: int, seed: int) -> beamline.ModelVersion:
    """Submit train.py as a training job, follow it, return the version it registered."""
    sdk_path = str(Path(beamline.__file__).resolve().parents[1])
    # BEAMLINE_URL and a job-scoped BEAMLINE_TOKEN come from the platform.
    env = {"PYTHONPATH": sdk_path, "PYTHONUNBUFFERED": "1"}
    job = bl.training.submit(
        name=f"iris-e{epochs}-s{seed}",
        image="python:3.11-slim",  # the local driver runs the command on this machine
        command=[sys.executable, str(HERE / "train.py")],
        args=["--epochs", str(epochs), "--seed", str(seed), "--model", model],
        resources={"cpu": "1", "memory": "512Mi"},
        env=env,
    )
    print(f"submitted {job.name} ({job.id})")
    job = bl.training.wait(job, timeout=600)
    for line in bl.training.logs(job):
        print("   |", line)
    if not job.succeeded:
        raise SystemExit(f"training job {job.name} ended {job.status}: {job.status_reason}")
    produced = [v for v in job.model_versions or [] if v["model"] == model]
    if not produced:
        raise SystemExit(f"training job {job.name} registered no version of {model}")
    version = bl.models.version(model, produced[-1]["version"])
    print(f"registered {model} v{version.version}: accuracy {version.metrics['accuracy']:.3f}, "
          f"lineage {version.training_job['name']} ({version.training_job['status']})")
    return version


def held_out_accuracy(bl: beamline.Client, endpoint: str, x: np.ndarray, y: np.ndarray) -> float:
    out = bl.infer(endpoint, {"x": x.astype(np.float32)})
    assert out["probabilities"].shape == (len(x), 3) and out["label"].dtype == np.int64
    assert np.allclose(out["probabilities"].sum(axis=1), 1.0, atol=1e-5)
    return float(np.mean(out["label"] == y))


def main() -> int:
    parser = argparse.ArgumentParser(description="Beamline end to end: train, register, deploy, infer, retrain, roll out")
    parser.add_argument("--model", default=None, help="registry model name (default: iris-<random>)")
    parser.add_argument("--endpoint", default=None, help="endpoint name (default: the model name)")
    parser.add_argument("--min-accuracy", type=float, default=0.9)
    parser.add_argument("--keep", action="store_true", help="leave the endpoint running at the end")
    args = parser.parse_args()

    bl = beamline.Client()
    model = args.model or f"iris-{uuid.uuid4().hex[:6]}"
    endpoint = args.endpoint or model
    x, y, classes = load()
    _, (x_test, y_test) = split(x, y)
    print(f"Beamline {bl.url}, project {bl.project}; model {model}; held-out set: {len(y_test)} flowers of {classes}")

    # 1. Train the first version and make it @production.
    v1 = train(bl, model, epochs=60, seed=1)
    bl.models.set_alias(model, "production", v1)
    print(f"@production -> v{bl.models.version(model, '@production').version}")

    # 2. Serve @production; the endpoint follows the alias.
    ep = bl.endpoints.deploy(endpoint, model, "@production", replicas=1, resources={"cpu": "500m", "memory": "512Mi"},
                             progress_deadline_seconds=300)
    ep = bl.endpoints.wait_rolled_out(ep, timeout=300)
    print(f"endpoint {ep.name}: {ep.phase}, revision {ep.desired_revision}, serving v{ep.model_version}")
    accuracy1 = held_out_accuracy(bl, endpoint, x_test, y_test)
    print(f"held-out accuracy through the endpoint (v{ep.model_version}): {accuracy1:.3f}")
    if accuracy1 < args.min_accuracy:
        raise SystemExit(f"accuracy {accuracy1:.3f} is below {args.min_accuracy}")

    # 3. Train a second version (more epochs, another seed) and move @production to it.
    v2 = train(bl, model, epochs=400, seed=2)
    before = ep.desired_revision
    bl.models.set_alias(model, "production", v2)
    ep = bl.endpoints.wait_rolled_out(endpoint, timeout=300, newer_than=before)
    print(f"endpoint {ep.name}: {ep.phase}, revision {ep.desired_revision}, serving v{ep.model_version}")
    if ep.model_version != v2.version:
        raise SystemExit(f"the endpoint serves v{ep.model_version}, expected v{v2.version}")
    accuracy2 = held_out_accuracy(bl, endpoint, x_test, y_test)
    print(f"held-out accuracy through the endpoint (v{ep.model_version}): {accuracy2:.3f}")
    if accuracy2 < args.min_accuracy:
        raise SystemExit(f"accuracy {accuracy2:.3f} is below {args.min_accuracy}")

    # 4. History: revisions of the endpoint and moves of the alias.
    print("rollout history (newest first):")
    for r in bl.endpoints.revisions(endpoint):
        print(f"  revision {r.revision}: v{r.model_version} {r.cause:<12} {r.status:<10} {r.message or ''}")
    print("@production history:")
    for e in bl.models.alias_history(model, "production"):
        print(f"  {e.at}: {e.from_version} -> {e.to_version}")

    if not args.keep:
        start = time.monotonic()
        bl.endpoints.delete(endpoint, wait=True, timeout=120)
        print(f"deleted endpoint {endpoint} ({time.monotonic() - start:.1f}s)")
    bl.close()
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
