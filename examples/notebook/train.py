"""Train a softmax classifier on Iris with numpy, export it to ONNX and register it.

Runs as a Beamline training job (see README.md); also runs by hand:

    python3 train.py --epochs 300 --seed 1 --model iris-notebook

Inside a job, ``beamline.log_metric`` writes ``$BEAMLINE_OUTPUT_DIR/metrics.jsonl`` and
``beamline.log_model`` registers ``model.onnx`` as the next version of ``--model`` with the
job as its lineage and the held-out accuracy as a metric. Outside a job (no
``BEAMLINE_TRAINING_JOB``) it only writes the file.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

import beamline
from iris_data import load, split
from onnx_export import softmax_classifier


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--lr", type=float, default=0.5)
    parser.add_argument("--l2", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", default="iris-notebook", help="registry model name")
    parser.add_argument("--min-accuracy", type=float, default=0.8, help="fail the job below this held-out accuracy")
    args = parser.parse_args()

    x, y, classes = load()
    (x_train, y_train), (x_test, y_test) = split(x, y)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    scaled_train = (x_train - mean) / std
    scaled_test = (x_test - mean) / std
    onehot = np.eye(len(classes))[y_train]

    rng = np.random.default_rng(args.seed)
    weights = rng.normal(0, 0.01, size=(x.shape[1], len(classes)))
    bias = np.zeros(len(classes))
    for epoch in range(1, args.epochs + 1):
        p = softmax(scaled_train @ weights + bias)
        loss = -np.mean(np.log(np.maximum(p[np.arange(len(y_train)), y_train], 1e-12)))
        grad = p - onehot
        weights -= args.lr * (scaled_train.T @ grad / len(y_train) + args.l2 * weights)
        bias -= args.lr * grad.mean(axis=0)
        if epoch == 1 or epoch % 50 == 0 or epoch == args.epochs:
            train_accuracy = float(np.mean(p.argmax(axis=1) == y_train))
            beamline.log_metric("loss", float(loss), step=epoch)
            beamline.log_metric("train_accuracy", train_accuracy, step=epoch)
            print(f"epoch {epoch:4d}  loss {loss:.4f}  train accuracy {train_accuracy:.3f}", flush=True)

    accuracy = float(np.mean(softmax(scaled_test @ weights + bias).argmax(axis=1) == y_test))
    beamline.log_metric("accuracy", accuracy, step=args.epochs)
    print(f"held-out accuracy {accuracy:.3f} on {len(y_test)} flowers", flush=True)

    out = Path(os.environ.get("BEAMLINE_OUTPUT_DIR") or ".")
    out.mkdir(parents=True, exist_ok=True)
    path = out / "model.onnx"
    path.write_bytes(softmax_classifier(weights, bias, mean, std))
    print(f"wrote {path} ({path.stat().st_size} bytes)", flush=True)

    if accuracy < args.min_accuracy:
        print(f"accuracy {accuracy:.3f} is below {args.min_accuracy}: not registering", file=sys.stderr)
        return 2
    if beamline.current_job_id() is None:
        return 0
    version = beamline.log_model(
        path,
        model=args.model,
        metrics={"accuracy": accuracy},
        description=f"softmax regression on Iris, {args.epochs} epochs, seed {args.seed}",
        variables={
            "inputs": {"x": {"description": "sepal length, sepal width, petal length, petal width", "unit": "cm"}},
            "outputs": {
                "probabilities": {"description": "probability of " + ", ".join(classes)},
                "label": {"description": "index of the predicted species in " + ", ".join(classes)},
            },
        },
    )
    print(f"registered {version.model} version {version.version} (sha256 {version.sha256})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
