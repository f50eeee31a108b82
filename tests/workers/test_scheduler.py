"""The scheduler process starts, says it is running, and exits cleanly on --once, a timer or a signal."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RUNNING = "scheduler is running"
START_TIMEOUT = 60


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workers.scheduler", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )


def test_once_starts_and_exits_zero() -> None:
    result = _run("--once")
    assert result.returncode == 0, result.stderr
    assert RUNNING in result.stderr
    assert "scheduler stopped" in result.stderr


def test_exit_after_env_var_stops_after_the_delay() -> None:
    started = time.monotonic()
    result = _run(env={**os.environ, "SCHEDULER_EXIT_AFTER": "0.5"})
    assert result.returncode == 0, result.stderr
    assert RUNNING in result.stderr
    assert "exit after 0.5s" in result.stderr
    assert time.monotonic() - started >= 0.5


@pytest.mark.parametrize("bad", ["soon", "-1"])
def test_bad_exit_after_env_var_is_refused(bad: str) -> None:
    result = _run(env={**os.environ, "SCHEDULER_EXIT_AFTER": bad})
    assert result.returncode != 0
    assert "SCHEDULER_EXIT_AFTER" in result.stderr


def test_once_and_exit_after_are_exclusive() -> None:
    result = _run("--once", "--exit-after", "5")
    assert result.returncode == 2
    assert "not allowed with" in result.stderr


def _read_lines(stream, lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


def _signal_a_running_scheduler(sig: signal.Signals) -> str:
    """Start ``python -m workers.scheduler``, send ``sig`` once it runs; return what it printed.

    Fails when it does not exit with code 0 within 10 s of the signal, printing where each of its
    threads was (faulthandler, on SIGABRT).
    """
    env = {k: v for k, v in os.environ.items() if k != "SCHEDULER_EXIT_AFTER"} | {"PYTHONFAULTHANDLER": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "workers.scheduler"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(proc.stderr, lines), daemon=True)
    reader.start()
    output: list[str] = []

    def drain() -> str:
        reader.join(timeout=5)
        while not lines.empty():
            output.append(lines.get())
        return "".join(output)

    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not any(RUNNING in line for line in output):
            remaining = deadline - time.monotonic()
            assert remaining > 0, "the scheduler never said it is running:\n" + "".join(output)
            assert proc.poll() is None, "the scheduler exited before running:\n" + "".join(output)
            try:
                output.append(lines.get(timeout=min(remaining, 0.5)))
            except queue.Empty:
                continue

        time.sleep(0.3)
        assert proc.poll() is None, "the scheduler did not keep running"
        proc.send_signal(sig)
        try:
            code = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)
            proc.wait(timeout=10)
            pytest.fail("the scheduler did not stop within 10 s of the signal:\n" + drain()[-20_000:])
        assert code == 0, drain()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return drain()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_a_running_scheduler_with_exit_zero(sig: signal.Signals) -> None:
    text = _signal_a_running_scheduler(sig)
    assert f"scheduler stopping ({sig.name})" in text
    assert "scheduler stopped" in text


@contextlib.contextmanager
def _database_write_locked():
    """Hold a lock that makes every write to the scheduler's lease wait (as a stuck transaction would)."""
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.split(":///", 1)[1], isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
    else:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
            conn.execute("LOCK TABLE scheduler_leases IN EXCLUSIVE MODE")
            yield
            conn.rollback()


def test_a_scheduler_stuck_on_the_database_still_stops_on_a_signal() -> None:
    """An operator's SIGTERM ends the process in seconds even while a lease write waits on a lock."""
    with _database_write_locked():
        started = time.monotonic()
        text = _signal_a_running_scheduler(signal.SIGTERM)
    assert "scheduler stopped" in text
    assert time.monotonic() - started < 30


def test_a_signal_landing_inside_job_submission_still_stops_the_scheduler() -> None:
    """CI caught ``python -m workers.scheduler`` hanging on SIGTERM: the signal landed while the main
    thread was submitting a job, holding the thread pool's lock, and the handler's shutdown waited for
    that same lock forever. The handler now only notes the signal; a thread of its own stops."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.base import STATE_STOPPED

    from workers.scheduler import _Runner

    scheduler = BackgroundScheduler()
    scheduler.start()
    runner = _Runner(scheduler, None)
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        runner.handle_signals()
        pool = scheduler._lookup_executor("default")._pool
        with pool._shutdown_lock:  # where the main thread was: ThreadPoolExecutor.submit
            started = time.monotonic()
            os.kill(os.getpid(), signal.SIGTERM)  # the handler runs here, on this thread
            assert time.monotonic() - started < 1, "the signal handler waited for a lock"
        deadline = time.monotonic() + 5
        while scheduler.state != STATE_STOPPED and time.monotonic() < deadline:
            time.sleep(0.05)
        assert scheduler.state == STATE_STOPPED
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
        with contextlib.suppress(Exception):
            scheduler.shutdown(wait=False)
