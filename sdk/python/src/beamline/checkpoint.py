"""Checkpoints inside a training job (issue 15).

The platform gives every job ``BEAMLINE_CHECKPOINT_DIR`` (kept across its attempts) and
``BEAMLINE_RESUME_FROM`` (the last complete checkpoint, or empty). A checkpoint is complete
when it appears in that directory as ``step-<n>``, which :func:`save` guarantees by writing
a temporary name and renaming it (atomic). Training code resumes like this::

    from beamline import checkpoint
    state = checkpoint.load()                 # None on the first attempt
    start = 0 if state is None else state["epoch"] + 1
    for epoch in range(start, epochs):
        train_one_epoch()
        checkpoint.save({"epoch": epoch, "weights": w}, step=epoch)
        if checkpoint.preemption_requested():  # SIGTERM came: the checkpoint is saved, leave
            break

:func:`save` also reports the checkpoint to the platform (``POST .../checkpoints``), which
is how the next attempt learns of it on Kubernetes; on the local driver the platform also
finds checkpoints renamed into place without the SDK.
"""

from __future__ import annotations

import os
import pickle
import re
import shutil
import signal
import sys
import threading
import warnings
from pathlib import Path
from typing import Any

__all__ = ["save", "latest", "load", "directory", "preemption_requested", "Saved"]

_NAME = re.compile(r"^step-(0|[1-9]\d{0,8})$")
_preempted = threading.Event()
_installed = False


class Saved(str):
    """The path of a saved checkpoint; ``recorded`` says whether the platform acknowledged it."""

    recorded: bool = False


def directory() -> Path:
    """``BEAMLINE_CHECKPOINT_DIR``; outside a job, ``./checkpoints`` (created)."""
    path = Path(os.environ.get("BEAMLINE_CHECKPOINT_DIR") or "checkpoints")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _steps(root: Path) -> list[tuple[int, Path]]:
    found = []
    for entry in root.iterdir() if root.is_dir() else []:
        match = _NAME.match(entry.name)
        if match and not entry.is_symlink():
            found.append((int(match.group(1)), entry))
    return sorted(found)


def latest() -> Path | None:
    """The checkpoint to resume from: ``BEAMLINE_RESUME_FROM`` when set and present, else the
    highest ``step-<n>`` in the directory, else None. Temporary names are never returned."""
    offered = os.environ.get("BEAMLINE_RESUME_FROM")
    if offered and Path(offered).exists() and _NAME.match(Path(offered).name):
        return Path(offered)
    steps = _steps(directory())
    return steps[-1][1] if steps else None


def load(path: str | os.PathLike[str] | None = None) -> Any:
    """Unpickles a checkpoint :func:`save` wrote from an object (``latest()`` by default);
    None when there is none. Use torch.load yourself for ``torch.save`` files."""
    target = Path(path) if path is not None else latest()
    if target is None:
        return None
    with open(target, "rb") as f:
        return pickle.load(f)


def save(obj_or_path: Any, step: int, *, report: bool = True) -> Saved:
    """Writes checkpoint ``step`` atomically and returns its path.

    ``obj_or_path``: an existing file or directory (copied in), ``bytes`` (written as they
    are) or any picklable object. Written as ``.tmp-step-<n>-<pid>``, flushed to disk, then
    renamed to ``step-<n>``: a kill at any point leaves either the old set or the new one
    complete. Then all but the newest ``BEAMLINE_CHECKPOINT_KEEP`` (default 3) are deleted,
    and the checkpoint is reported to the platform (best effort: a failure warns).
    """
    step = int(step)
    if step < 0 or step > 999_999_999:
        raise ValueError("step must be between 0 and 999999999")
    root = directory()
    final = root / f"step-{step}"
    tmp = root / f".tmp-step-{step}-{os.getpid()}"
    _remove(tmp)
    if isinstance(obj_or_path, (str, os.PathLike)) and Path(obj_or_path).exists():
        source = Path(obj_or_path)
        if source.is_dir():
            shutil.copytree(source, tmp, symlinks=False)
        else:
            shutil.copyfile(source, tmp)
    else:
        data = bytes(obj_or_path) if isinstance(obj_or_path, (bytes, bytearray, memoryview)) else pickle.dumps(obj_or_path)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    if final.is_dir() or tmp.is_dir():
        _remove(final)  # the same step again (a repeated epoch): rename cannot replace a directory
    os.replace(tmp, final)  # a file replaces the old one atomically
    _fsync_dir(root)
    _prune(root, int(os.environ.get("BEAMLINE_CHECKPOINT_KEEP") or 3))
    saved = Saved(str(final))
    if report:
        saved.recorded = _report(step, _size(final))
    return saved


def preemption_requested() -> bool:
    """True once this process got SIGTERM (preemption, cancel, timeout, node drain): save a
    checkpoint and exit within the grace period. The first call installs the handler, so a
    script that never asks keeps the default SIGTERM behaviour (exit at once)."""
    _install()
    return _preempted.is_set()


def _install() -> None:
    global _installed
    if _installed:
        return
    try:
        signal.signal(signal.SIGTERM, lambda *_: _preempted.set())
        _installed = True
    except ValueError:  # not the main thread: the handler must be installed from there
        warnings.warn("beamline.checkpoint.preemption_requested() is first called off the main thread; SIGTERM is not watched", stacklevel=3)


def _report(step: int, size: int) -> bool:
    job, project = os.environ.get("BEAMLINE_TRAINING_JOB"), os.environ.get("BEAMLINE_PROJECT")
    if not job or not project or not os.environ.get("BEAMLINE_URL"):
        return False
    try:
        from .client import Client

        client = Client(project=project, max_retries=2)
        attempt = os.environ.get("BEAMLINE_ATTEMPT", "")
        body = {"step": step, "sizeBytes": size, **({"attempt": int(attempt)} if attempt.isdigit() else {})}
        client.http.json("POST", f"/v1/projects/{project}/training-jobs/{job}/checkpoints", json=body)
        return True
    except Exception as error:  # the checkpoint on disk is what counts; the record is a convenience
        print(f"beamline: checkpoint step-{step} saved but not recorded: {error}", file=sys.stderr)
        return False


def _prune(root: Path, keep: int) -> None:
    for _, path in _steps(root)[: -max(1, keep)]:
        _remove(path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
