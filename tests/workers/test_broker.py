"""The broker built from settings: in-process stub, RabbitMQ and Redis, each carrying real messages."""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import dramatiq
import dramatiq.broker
import pytest
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from autogpt_app.settings import get_settings
from tests import services
from workers import broker as broker_module
from workers.broker import DEFAULT_TIME_LIMIT_MS, MAX_RETRIES, build_broker, setup_broker

WAIT_SECONDS = 20
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _keep_global_broker() -> Iterator[None]:
    """Leave Dramatiq's global broker (and our process-wide one) as the test found them."""
    saved_global = dramatiq.broker.global_broker
    saved_ours = broker_module._broker
    yield
    dramatiq.broker.global_broker = saved_global
    broker_module._broker = saved_ours


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Set ``BROKER_URL`` for :func:`get_settings`; the settings cache is reset before and after."""

    def set_url(url: str) -> None:
        monkeypatch.setenv("BROKER_URL", url)
        get_settings.cache_clear()

    yield set_url
    monkeypatch.delenv("BROKER_URL", raising=False)
    get_settings.cache_clear()


def _unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def _require(url: str, what: str) -> None:
    parts = urlsplit(url)
    if not services.port_open(parts.hostname or "127.0.0.1", parts.port or 0):
        services.unavailable(f"{what} at {parts.hostname}:{parts.port}")


def _run_worker_until(broker: dramatiq.Broker, done: threading.Event) -> None:
    """Run a real worker on ``broker`` until ``done`` is set (or the wait runs out)."""
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    try:
        assert done.wait(WAIT_SECONDS), "the worker did not process the message in time"
    finally:
        worker.stop(timeout=10_000)


# -- choosing the broker ------------------------------------------------------------------------------------------


def test_empty_url_builds_stub_broker_with_explicit_middleware() -> None:
    broker = build_broker("")

    assert isinstance(broker, StubBroker)
    assert [type(m) for m in broker.middleware] == [
        AgeLimit,
        TimeLimit,
        ShutdownNotifications,
        Callbacks,
        Pipelines,
        Retries,
        CurrentMessage,
    ]
    retries = next(m for m in broker.middleware if isinstance(m, Retries))
    time_limit = next(m for m in broker.middleware if isinstance(m, TimeLimit))
    assert retries.max_retries == MAX_RETRIES == 3
    assert time_limit.time_limit == DEFAULT_TIME_LIMIT_MS == 10 * 60 * 1000


def test_each_broker_gets_its_own_middleware_instances() -> None:
    first, second = build_broker(""), build_broker("")
    assert first is not second
    assert not {id(m) for m in first.middleware} & {id(m) for m in second.middleware}


def test_no_argument_reads_broker_url_from_settings(settings_env: Callable[[str], None]) -> None:
    settings_env("")
    assert isinstance(build_broker(), StubBroker)

    settings_env("amqp://guest:guest@127.0.0.1:5672/")
    rabbit = build_broker()
    assert isinstance(rabbit, RabbitmqBroker)  # connects lazily: nothing to reach here
    rabbit.close()

    settings_env("redis://127.0.0.1:6379/15")
    redis_broker = build_broker()
    assert isinstance(redis_broker, RedisBroker)
    redis_broker.client.close()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("amqp://guest:guest@rabbitmq:5672/", RabbitmqBroker),
        ("AMQP://guest:guest@rabbitmq:5672/%2F", RabbitmqBroker),
        ("redis://redis:6379/0", RedisBroker),
        ("rediss://:pw@redis:6380/1", RedisBroker),
        ("  ", StubBroker),
    ],
)
def test_url_scheme_selects_the_broker(url: str, expected: type) -> None:
    broker = build_broker(url)
    try:
        assert type(broker) is expected
    finally:
        broker.close()


def test_rabbitmq_publishes_with_confirms_and_bounded_waits() -> None:
    """Every send waits for RabbitMQ's confirm; connecting gives up after BROKER_TIMEOUT_SECONDS, not pika's 15 s."""
    broker = build_broker("amqp://guest:guest@rabbitmq:5672/")
    try:
        assert broker.confirm_delivery is True
        params = broker.parameters
        assert (params.socket_timeout, params.stack_timeout, params.connection_attempts) == (3, 3, 1)
        assert params.heartbeat == 10 and params.blocked_connection_timeout == 30
        assert params.credentials.password == "guest" and params.virtual_host == "/"
    finally:
        broker.close()


def test_a_urls_own_timeouts_win_over_the_defaults() -> None:
    broker = build_broker("amqp://guest:guest@rabbitmq:5672/%2Fprod?heartbeat=30&socket_timeout=7")
    try:
        params = broker.parameters
        assert (params.heartbeat, params.socket_timeout, params.stack_timeout) == (30, 7, 3)
        assert params.virtual_host == "/prod"
    finally:
        broker.close()
    redis_broker = build_broker("redis://:pw@redis:6379/2?socket_timeout=9")
    try:
        kwargs = redis_broker.client.connection_pool.connection_kwargs
        assert (kwargs["socket_timeout"], kwargs["socket_connect_timeout"], kwargs["db"]) == (9.0, 3.0, 2)
        assert kwargs["password"] == "pw"
    finally:
        redis_broker.close()


@pytest.mark.parametrize(
    "url",
    ["http://localhost:5672", "postgresql://u@localhost/db", "kafka://broker:9092", "localhost:6379", "stub"],
)
def test_unsupported_url_raises_value_error(url: str) -> None:
    with pytest.raises(ValueError, match="Unsupported BROKER_URL"):
        build_broker(url)


def test_error_message_hides_the_password() -> None:
    with pytest.raises(ValueError) as info:
        build_broker("kafka://user:hunter2-secret@broker:9092")
    assert "hunter2-secret" not in str(info.value)
    assert "user:***@broker" in str(info.value)


def test_invalid_settings_url_fails_setup(settings_env: Callable[[str], None]) -> None:
    settings_env("nats://localhost:4222")
    broker_module._broker = None
    with pytest.raises(ValueError, match="amqp://"):
        setup_broker()
    assert broker_module._broker is None


def test_setup_broker_sets_the_global_broker_once(settings_env: Callable[[str], None]) -> None:
    settings_env("")
    broker_module._broker = None

    first = setup_broker()
    assert isinstance(first, StubBroker)
    assert dramatiq.get_broker() is first

    settings_env("redis://127.0.0.1:6379/15")  # ignored: the broker is already configured
    assert setup_broker() is first
    assert dramatiq.get_broker() is first


# -- embedded mode: stub broker, in-process worker -----------------------------------------------------------------


def test_stub_broker_delivers_to_an_in_process_worker() -> None:
    broker = build_broker("")
    queue = _unique("stub")
    seen: list[str] = []

    def record(token: str) -> None:
        seen.append(token)

    actor = dramatiq.actor(record, broker=broker, queue_name=queue, actor_name=_unique("record"), max_retries=0)
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    try:
        for i in range(5):
            actor.send(f"token-{i}")
        broker.join(queue, timeout=WAIT_SECONDS * 1000)
        worker.join()
    finally:
        worker.stop(timeout=10_000)

    assert sorted(seen) == [f"token-{i}" for i in range(5)]
    assert dramatiq.broker.global_broker is not broker


def test_stub_broker_retries_a_failing_message_then_succeeds() -> None:
    broker = build_broker("")
    queue = _unique("retry")
    attempts: list[int] = []

    def flaky() -> None:
        attempts.append(1)
        if len(attempts) < 3:
            raise RuntimeError("transient failure")

    actor = dramatiq.actor(flaky, broker=broker, queue_name=queue, min_backoff=10, max_backoff=50)
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=50)
    worker.start()
    try:
        actor.send()
        broker.join(queue, timeout=WAIT_SECONDS * 1000)
        worker.join()
    finally:
        worker.stop(timeout=10_000)

    assert len(attempts) == 3
    assert broker.dead_letters == []


def test_default_max_retries_dead_letters_after_three_retries() -> None:
    broker = build_broker("")
    queue = _unique("dead")
    attempts: list[int] = []

    def always_fails() -> None:
        attempts.append(1)
        raise RuntimeError("permanent failure")

    actor = dramatiq.actor(always_fails, broker=broker, queue_name=queue, min_backoff=10, max_backoff=50)
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=50)
    worker.start()
    try:
        actor.send()
        broker.join(queue, timeout=WAIT_SECONDS * 1000, fail_fast=False)
        worker.join()
    finally:
        worker.stop(timeout=10_000)

    assert len(attempts) == 1 + MAX_RETRIES
    assert len(broker.dead_letters) == 1


# -- the worker entry module --------------------------------------------------------------------------------------


@pytest.fixture
def fresh_execution_module(settings_env: Callable[[str], None]) -> Iterator[object]:
    """Import ``workers.execution`` anew on a fresh stub broker; put the previous state back after."""
    settings_env("")
    saved_module = sys.modules.pop("workers.execution", None)
    broker_module._broker = None
    try:
        yield importlib.import_module("workers.execution")
    finally:
        sys.modules.pop("workers.execution", None)
        if saved_module is not None:
            sys.modules["workers.execution"] = saved_module


def test_execution_module_configures_the_broker_and_ping_runs(
    fresh_execution_module, caplog: pytest.LogCaptureFixture
) -> None:
    execution = fresh_execution_module
    broker = execution.broker

    assert isinstance(broker, StubBroker)
    assert dramatiq.get_broker() is broker is setup_broker()
    assert execution.ping.broker is broker
    assert execution.ping.options["max_retries"] == 0
    assert execution.ping.options["time_limit"] == execution.PING_TIME_LIMIT_MS

    token = uuid.uuid4().hex
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        with caplog.at_level(logging.INFO, logger="workers.execution"):
            execution.ping.send(token)
            broker.join(execution.ping.queue_name, timeout=WAIT_SECONDS * 1000)
            worker.join()
    finally:
        worker.stop(timeout=10_000)

    assert f"ping {token}" in caplog.messages


# -- production brokers ---------------------------------------------------------------------------------------------


def test_rabbitmq_broker_delivers_to_a_worker() -> None:
    _require(services.RABBITMQ_URL, "RabbitMQ")
    broker = build_broker(services.RABBITMQ_URL)
    assert isinstance(broker, RabbitmqBroker)
    queue = _unique("test_rabbit")
    seen: list[str] = []
    done = threading.Event()

    def record(token: str) -> None:
        seen.append(token)
        done.set()

    try:
        actor = dramatiq.actor(record, broker=broker, queue_name=queue, actor_name=_unique("record"), max_retries=0)
        broker.declare_queue(queue, ensure=True)
        token = uuid.uuid4().hex
        actor.send(token)
        _run_worker_until(broker, done)
        assert seen == [token]
        assert broker.get_queue_message_counts(queue) == (0, 0, 0)
    finally:
        channel = broker.channel
        for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
            channel.queue_delete(name)
        broker.close()


def test_redis_broker_delivers_to_a_worker() -> None:
    _require(services.REDIS_URL, "Redis")
    broker = build_broker(services.REDIS_URL)
    assert isinstance(broker, RedisBroker)
    queue = _unique("test_redis")
    seen: list[str] = []
    done = threading.Event()

    def record(token: str) -> None:
        seen.append(token)
        done.set()

    try:
        actor = dramatiq.actor(record, broker=broker, queue_name=queue, actor_name=_unique("record"), max_retries=0)
        token = uuid.uuid4().hex
        actor.send(token)
        _run_worker_until(broker, done)
        assert seen == [token]
    finally:
        broker.flush(queue)
        client = broker.client
        keys = list(client.scan_iter(match=f"{broker.namespace}:*{queue}*"))
        if keys:
            client.delete(*keys)
        client.zrem(f"{broker.namespace}:__heartbeats__", broker.broker_id)
        assert not list(client.scan_iter(match=f"{broker.namespace}:*{queue}*"))
        broker.close()
        client.close()


def test_dramatiq_command_boots_the_execution_module_and_stops_on_sigterm() -> None:
    """``dramatiq workers.execution`` (embedded broker) starts a worker process and exits 0 on SIGTERM."""
    env = {k: v for k, v in os.environ.items() if k != "BROKER_URL"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dramatiq", "workers.execution", "--processes", "1", "--threads", "1"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()
    output: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while not any("ready for action" in line for line in output):
            assert time.monotonic() < deadline, "the worker never became ready:\n" + "".join(output)
            assert proc.poll() is None, "the worker exited early:\n" + "".join(output)
            with contextlib.suppress(queue.Empty):
                output.append(lines.get(timeout=0.5))
        assert any("dramatiq broker: StubBroker" in line for line in output), "".join(output)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
