"""beamline.checkpoint without a platform: atomic save, latest/load, pruning, the SIGTERM flag."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from beamline import checkpoint


@pytest.fixture
def ckdir(tmp_path, monkeypatch):
    d = tmp_path / "ck"
    monkeypatch.setenv("BEAMLINE_CHECKPOINT_DIR", str(d))
    monkeypatch.delenv("BEAMLINE_RESUME_FROM", raising=False)
    monkeypatch.delenv("BEAMLINE_URL", raising=False)
    monkeypatch.setenv("BEAMLINE_CHECKPOINT_KEEP", "2")
    return d


def test_save_renames_into_place_and_keeps_the_newest(ckdir):
    assert checkpoint.latest() is None and checkpoint.load() is None
    for step in range(4):
        saved = checkpoint.save({"epoch": step}, step=step)
        assert os.path.basename(saved) == f"step-{step}" and saved.recorded is False
    assert sorted(os.listdir(ckdir)) == ["step-2", "step-3"]  # BEAMLINE_CHECKPOINT_KEEP=2, no temp left
    assert checkpoint.latest().name == "step-3"
    assert checkpoint.load() == {"epoch": 3}


def test_a_partial_or_symlinked_entry_is_never_latest(ckdir, tmp_path):
    checkpoint.save(b"whole", step=1)
    (ckdir / ".tmp-step-2-999").write_bytes(b"part")
    (ckdir / "step-9").symlink_to(tmp_path)
    assert checkpoint.latest().name == "step-1"


def test_resume_from_wins_when_present(ckdir, monkeypatch):
    checkpoint.save(b"a", step=1)
    checkpoint.save(b"b", step=2)
    monkeypatch.setenv("BEAMLINE_RESUME_FROM", str(ckdir / "step-1"))
    assert checkpoint.latest().name == "step-1"
    monkeypatch.setenv("BEAMLINE_RESUME_FROM", str(ckdir / "step-7"))  # gone: fall back to the directory
    assert checkpoint.latest().name == "step-2"


def test_saves_files_and_directories(ckdir, tmp_path):
    f = tmp_path / "weights.bin"
    f.write_bytes(b"123")
    assert open(checkpoint.save(f, step=5), "rb").read() == b"123"
    d = tmp_path / "shards"
    d.mkdir()
    (d / "a").write_text("x")
    checkpoint.save(d, step=6)
    checkpoint.save(d, step=6)  # the same step again replaces it whole
    assert (ckdir / "step-6" / "a").read_text() == "x"
    with pytest.raises(ValueError):
        checkpoint.save(b"x", step=-1)


def test_preemption_requested_is_set_by_sigterm_and_the_process_lives_on(ckdir, tmp_path):
    script = textwrap.dedent(
        """
        import os, signal, sys
        from beamline import checkpoint
        assert not checkpoint.preemption_requested()
        os.kill(os.getpid(), signal.SIGTERM)
        assert checkpoint.preemption_requested()
        checkpoint.save({"last": True}, step=3)
        print("saved after SIGTERM")
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "saved after SIGTERM" in out.stdout
    assert checkpoint.load(ckdir / "step-3") == {"last": True}


def test_client_resume_posts_once_and_returns_the_new_attempt():
    import httpx

    import beamline

    calls = []

    def handler(req: httpx.Request) -> httpx.Response:
        calls.append((req.method, req.url.path))
        return httpx.Response(200, json={"id": "j1", "name": "n", "status": "Queued", "statusReason": "Resumed", "attempt": 2})

    c = beamline.Client("http://beamline.test", "tok", "p", transport=httpx.MockTransport(handler))
    job = c.training.resume("j1")
    assert calls == [("POST", "/v1/projects/p/training-jobs/j1/resume")]
    assert job.status == "Queued" and job.attempt == 2
