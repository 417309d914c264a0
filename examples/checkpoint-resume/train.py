"""A small real training run that checkpoints every epoch and resumes (issue 15).

Softmax regression on a synthetic 3-class problem, trained with numpy on the CPU by
mini-batch gradient descent. Each epoch ends with ``beamline.checkpoint.save``; a new
attempt (after a crash, a preemption or ``beamline train resume``) starts from the epoch
after the last complete checkpoint. The same loop works with PyTorch: save
``{"epoch": e, "model": model.state_dict(), "optim": opt.state_dict()}`` instead.

    python train.py --epochs 8                 # outside Beamline: checkpoints in ./checkpoints
    python train.py --epochs 8 --crash-after 3 # attempt 0 dies after epoch 3 (to try a retry)
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from beamline import checkpoint


def data(seed: int = 0, n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    y = rng.integers(0, 3, n)
    x = centres[y] + rng.normal(0, 0.8, (n, 2))
    return x.astype(np.float64), y


def epoch_of_training(w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray, rng: np.random.Generator, lr: float = 0.1) -> float:
    order = rng.permutation(len(x))
    for start in range(0, len(x), 32):
        idx = order[start : start + 32]
        logits = x[idx] @ w + b
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(len(idx)), y[idx]] -= 1  # d(cross-entropy)/d(logits)
        w -= lr * x[idx].T @ p / len(idx)
        b -= lr * p.mean(axis=0)
    return float(((x @ w + b).argmax(axis=1) == y).mean())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--crash-after", type=int, default=-1, help="attempt 0 exits 3 after this epoch's checkpoint")
    parser.add_argument("--epoch-seconds", type=float, default=0.0, help="extra time per epoch, to leave room for a preemption")
    args = parser.parse_args()
    attempt = os.environ.get("BEAMLINE_ATTEMPT", "0")
    x, y = data()

    state = checkpoint.load()  # BEAMLINE_RESUME_FROM, or the newest step-<n>; None the first time
    if state is None:
        w, b, first, rng_state = np.zeros((2, 3)), np.zeros(3), 0, None
        print(f"attempt {attempt}: starting from scratch", flush=True)
    else:
        w, b, first, rng_state = state["w"], state["b"], state["epoch"] + 1, state["rng"]
        print(f"attempt {attempt}: resumed from {checkpoint.latest().name} (epoch {state['epoch']})", flush=True)
    rng = np.random.default_rng(1)
    if rng_state is not None:
        rng.bit_generator.state = rng_state  # the same batches as an uninterrupted run

    for epoch in range(first, args.epochs):
        accuracy = epoch_of_training(w, b, x, y, rng)
        time.sleep(args.epoch_seconds)
        saved = checkpoint.save({"epoch": epoch, "w": w, "b": b, "rng": rng.bit_generator.state}, step=epoch)
        print(f"epoch {epoch} accuracy {accuracy:.3f} checkpoint {os.path.basename(saved)} recorded={saved.recorded}", flush=True)
        if attempt == "0" and epoch == args.crash_after:
            print("crashing on purpose", flush=True)
            return 3
        if checkpoint.preemption_requested():
            print("SIGTERM: checkpoint saved, leaving", flush=True)
            return 0
    print(f"done: final accuracy {accuracy if args.epochs > first else float('nan'):.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
