"""API load benchmark in the production topology, against ``/ping`` measured in the same run.

Starts, on a fresh PostgreSQL database (dropped at the end) with Redis and RabbitMQ (its own
``QUEUE_PREFIX``): the web app as production runs it (``reflex run --env prod --backend-only``, its
backend processes behind one port) and one Dramatiq worker process (``dramatiq workers.execution
--processes 1 --threads 4``, as in docker-compose). A load generator in its own process then runs:

* 50 clients that each start runs of a one-node agent (their own copy of one marketplace agent, so
  every run also counts on one listing; five clients share each person's copy),
* 20 clients that read lists: their library, their runs, the marketplace (most-run first),
* 2 clients that call ``/ping`` (the baseline: the same server, the same moment, no work),

each client waiting ``BENCH_THINK`` seconds (default 0.2) between its requests. It prints requests/s,
p50/p95 per kind of request against the baseline's, errors (any non-2xx, refused connection, or a
started run that did not complete), and requests per CPU-second of the server processes (web +
worker). Goals at full size: p95 <= 300 ms for list endpoints, <= 500 ms for a run start, 0 errors;
the exit status is non-zero when one is missed. ``BENCH_SMOKE=1`` runs a small size (well under a
minute): goals are reported, only errors fail. ``BENCH_PROFILE=/tmp/load`` also records py-spy samples
of the web and worker processes over the measured window (``/tmp/load.web``, ``/tmp/load.worker``).

    .venv/bin/python benchmarks/api_load.py
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SMOKE = bool(os.environ.get("BENCH_SMOKE"))
RUN_CLIENTS = 10 if SMOKE else 50
READ_CLIENTS = 4 if SMOKE else 20
PING_CLIENTS = 2
CLIENTS_PER_USER = 5
WARMUP = 3.0 if SMOKE else 10.0
DURATION = float(os.environ.get("BENCH_DURATION", "0")) or (10.0 if SMOKE else 60.0)
THINK = float(os.environ.get("BENCH_THINK", "0.2"))
#: A file to write py-spy's collapsed stacks of the web and worker processes to, over the measured window.
PROFILE = os.environ.get("BENCH_PROFILE", "")
GOAL_LIST_P95_MS = 300
GOAL_RUN_P95_MS = 500
PG = dict(host="127.0.0.1", port=5432, user="postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
RABBITMQ_URL = os.environ.get("BENCH_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
STORE_VALUE = "1ff065e9-88e8-4358-9d82-8dc91f622ba9"
LIST_KINDS = ("library", "runs", "marketplace")


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(len(ordered) * q) - 1))] if ordered else float("nan")


# --------------------------------------------------------------------------------------------------
# Load generator (its own process: ``api_load.py --generate <plan.json>``); prints one JSON line.
# --------------------------------------------------------------------------------------------------


async def _client(http, kind: str, requests: list[tuple[str, str, dict | None]], think: float, stop_at, log) -> None:
    """Send ``requests`` in turn until ``stop_at``; log ``(kind, start, seconds, ok, detail)`` each."""
    import random

    await asyncio.sleep(random.uniform(0, max(think, 0.05)))  # clients do not start in lockstep
    i = 0
    while time.monotonic() < stop_at:
        method, url, headers = requests[i % len(requests)]
        name = kind if kind != "list" else LIST_KINDS[i % len(LIST_KINDS)]
        i += 1
        start = time.monotonic()
        try:
            body = {"inputs": {}} if method == "POST" else None
            async with http.request(method, url, headers=headers, json=body) as response:
                ok = 200 <= response.status < 300
                detail = "" if ok else f"HTTP {response.status}"
                data = await response.read()
            run_id = json.loads(data).get("id") if ok and method == "POST" else None
        except Exception as exc:  # a refused or dropped connection is an error like a 5xx
            ok, detail, run_id = False, type(exc).__name__, None
        log.append((name, start, time.monotonic() - start, ok, detail, run_id))
        if think:
            await asyncio.sleep(think)


def generate(plan_path: str) -> None:
    """Entry point of the load generator process."""
    plan = json.loads(Path(plan_path).read_text())

    async def main() -> dict:
        # aiohttp (a dev requirement): the generator shares the 2 cores with the servers, and it needs
        # about a fifth of the CPU per request that httpx does.
        import aiohttp

        log: list[tuple] = []
        connector = aiohttp.TCPConnector(limit=200)
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(plan["base"], connector=connector, timeout=timeout) as http:
            begin = time.monotonic()
            window_start = begin + plan["warmup"]
            stop_at = window_start + plan["duration"]
            think = plan["think"]
            tasks = []
            for user in plan["users"]:
                auth = {"Authorization": f"Bearer {user['token']}"}
                run = [("POST", f"/api/v1/graphs/{user['graph_id']}/executions", auth)]
                lists = [
                    ("GET", "/api/v1/library/agents?limit=24", auth),
                    ("GET", "/api/v1/executions?limit=20", auth),
                    ("GET", "/api/v1/store/listings?sort=runs&limit=20", auth),
                ]
                for _ in range(user["run_clients"]):
                    tasks.append(asyncio.create_task(_client(http, "run start", run, think, stop_at, log)))
                for _ in range(user["read_clients"]):
                    tasks.append(asyncio.create_task(_client(http, "list", lists, think, stop_at, log)))
            for _ in range(PING_CLIENTS):
                tasks.append(asyncio.create_task(_client(http, "ping", [("GET", "/ping", None)], think, stop_at, log)))
            await asyncio.sleep(max(0.0, window_start - time.monotonic()))
            print("MEASURE_START", flush=True)
            await asyncio.sleep(max(0.0, stop_at - time.monotonic()))
            print("MEASURE_END", flush=True)
            await asyncio.gather(*tasks)
        measured = [entry for entry in log if window_start <= entry[1] < stop_at]
        runs = [entry[5] for entry in log if entry[5]]
        return {"measured": measured, "run_ids": runs, "seconds": plan["duration"]}

    print("RESULT " + json.dumps(asyncio.run(main())), flush=True)


# --------------------------------------------------------------------------------------------------
# Orchestration: database, app processes, CPU accounting, report.
# --------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds(root_pids: list[int]) -> float:
    """User + system CPU seconds of ``root_pids`` and all their descendants (live ones), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    wanted = set(root_pids)
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in wanted} - wanted
        wanted |= more
        grew = bool(more)
    return sum(times.get(pid, 0.0) for pid in wanted)


def _start(args: list[str], env: dict, log_path: Path) -> subprocess.Popen:
    with open(log_path, "wb") as log:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and scripts
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _wait_http(url: str, within: float, proc: subprocess.Popen, log_path: Path) -> None:
    import httpx

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited early:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {within:.0f} s:\n{log_path.read_text()[-3000:]}")


async def _setup(users: int) -> list[dict]:
    """An admin-approved one-node marketplace agent, and ``users`` people each with their own copy."""
    from autogpt_app.auth import service as auth
    from autogpt_app.auth.models import User
    from autogpt_app.db import dispose_engine, session_scope
    from autogpt_app.graphs import service as graphs
    from autogpt_app.graphs.spec import GraphSpec
    from autogpt_app.library import service as library
    from autogpt_app.store import service as store

    one_node = {"name": "Quick note", "nodes": [{"id": "n0", "block_id": STORE_VALUE, "input_default": {"input": "x"}}]}
    password = "violet-harbour-42"
    async with session_scope() as s:
        maker = await auth.signup(s, email="maker@example.com", display_name="Maker", password=password)
        admin = await auth.signup(s, email="admin@example.com", display_name="Admin", password=password)
        admin.role = "admin"
        graph = await graphs.create_graph(s, maker, GraphSpec.model_validate(one_node))
        submission = await store.submit(
            s,
            maker,
            graph_id=graph.id,
            name="Quick note",
            subheading="Keeps a note",
            description="One step.",
            categories=["productivity"],
        )
    async with session_scope() as s:
        admin = await s.get(User, admin.id)
        await store.review(s, admin, submission.version_id, approve=True)
    people = []
    for i in range(users):
        async with session_scope() as s:
            user = await auth.signup(s, email=f"load{i}@example.com", display_name=f"Load {i}", password=password)
            copy = await library.add_from_listing(s, user, submission.listing_id)
            people.append({"token": auth.issue_token(user), "graph_id": copy.graph_id})
    await dispose_engine()
    return people


async def _run_outcomes(run_ids: list[str], within: float) -> dict[str, int]:
    """Wait until every started run ended (or ``within`` passed); count them by status."""
    from sqlalchemy import func, select

    from autogpt_app.db import dispose_engine, session_scope
    from autogpt_app.executions.models import GraphExecution

    deadline = time.monotonic() + within
    counts: dict[str, int] = {}
    while True:
        async with session_scope() as s:
            rows = await s.execute(
                select(GraphExecution.status, func.count())
                .where(GraphExecution.parent_execution_id.is_(None))
                .group_by(GraphExecution.status)
            )
            counts = dict(rows.all())
        if (not counts.get("QUEUED") and not counts.get("RUNNING")) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    await dispose_engine()
    return counts


def _report(result: dict, cpu: float, outcomes: dict[str, int]) -> tuple[bool, bool]:
    """Print the figures; return (every latency goal met, no errors)."""
    seconds = result["seconds"]
    by_kind: dict[str, list[tuple]] = {}
    for entry in result["measured"]:
        by_kind.setdefault(entry[0], []).append(entry)
    total = len(result["measured"])
    errors = [e for e in result["measured"] if not e[3]]
    unfinished = sum(n for status, n in outcomes.items() if status != "COMPLETED")
    ping = [e[2] * 1000 for e in by_kind.get("ping", []) if e[3]]
    ping50, ping95 = statistics.median(ping) if ping else float("nan"), _percentile(ping, 0.95)
    print(
        f"API load benchmark ({'smoke' if SMOKE else 'full'} size: {RUN_CLIENTS} clients starting one-node runs, "
        f"{READ_CLIENTS} reading lists, {PING_CLIENTS} on /ping; {THINK:g} s between a client's requests; "
        f"{seconds:g} s measured; web + 1 worker process on PostgreSQL, Redis, RabbitMQ)"
    )
    print(
        f"   {total / seconds:.1f} requests/s, {total / cpu if cpu else float('nan'):.1f} requests per CPU-second "
        f"of the server processes ({cpu:.1f} CPU-s in {seconds:g} s)"
    )
    met = True
    lists: list[float] = []
    for kind in ("ping", "run start", *LIST_KINDS):
        entries = by_kind.get(kind, [])
        ok = [e[2] * 1000 for e in entries if e[3]]
        if kind in LIST_KINDS:
            lists += ok
        if not ok:
            print(f"   {kind:<12} no successful request")
            met = False
            continue
        p50, p95 = statistics.median(ok), _percentile(ok, 0.95)
        goal = GOAL_RUN_P95_MS if kind == "run start" else GOAL_LIST_P95_MS if kind in LIST_KINDS else None
        verdict = "" if goal is None else f" (goal p95 <= {goal} ms: {'met' if p95 <= goal else 'MISSED'})"
        if goal is not None and p95 > goal:
            met = False
        ratio = "" if kind == "ping" else f"; {p50 / ping50:.1f}x /ping at p50, {p95 / ping95:.1f}x at p95"
        print(f"   {kind:<12} {len(entries) / seconds:6.1f}/s  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms{ratio}{verdict}")
    if lists:
        p95 = _percentile(lists, 0.95)
        verdict = "met" if p95 <= GOAL_LIST_P95_MS else "MISSED"
        print(f"   all lists    p95 {p95:.1f} ms (goal <= {GOAL_LIST_P95_MS} ms: {verdict})")
    kinds = sorted({e[4] for e in errors})
    print(
        f"   errors: {len(errors)} failed requests{' (' + ', '.join(kinds) + ')' if kinds else ''}, "
        f"{unfinished} started runs not completed {dict(sorted(outcomes.items()))} (goal 0)"
    )
    return met, not errors and not unfinished


def main() -> int:
    import psycopg

    db_name = f"autogpt_load_{secrets.token_hex(4)}"
    prefix = f"load{secrets.token_hex(3)}_"
    tmp = Path(tempfile.mkdtemp(prefix="autogpt-load-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "ADMIN_EMAIL", "ADMIN_PASSWORD")},
        "DATABASE_URL": f"postgresql+psycopg://{PG['user']}@{PG['host']}:{PG['port']}/{db_name}",
        "REDIS_URL": REDIS_URL,
        "BROKER_URL": RABBITMQ_URL,
        "QUEUE_PREFIX": prefix,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "CREDENTIALS_KEYS": "",
        "APP_MODE": "production",
        "DATA_DIR": str(tmp / "data"),
        "PATH": os.pathsep.join([str(ROOT / ".tools/node_modules/.bin"), str(ROOT / ".venv/bin"), os.environ["PATH"]]),
        "REFLEX_USE_SYSTEM_BUN": "1",
    }
    os.environ.update(
        {
            k: env[k]
            for k in ("DATABASE_URL", "REDIS_URL", "BROKER_URL", "QUEUE_PREFIX", "SECRET_KEY", "APP_MODE", "DATA_DIR")
        }
    )
    python = str(ROOT / ".venv/bin/python")
    admin = dict(dbname="postgres", autocommit=True, **PG)
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{db_name}"')
        # Flush what earlier runs left dirty now, not in the middle of this one's measured window
        # (back-to-back runs differed by up to 25 % without it).
        conn.execute("CHECKPOINT")
    procs: list[subprocess.Popen] = []
    try:
        prestart = subprocess.run(  # noqa: S603 - our own interpreter
            [python, "-m", "autogpt_app.cli", "prestart"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if prestart.returncode:
            raise RuntimeError(f"prestart failed:\n{prestart.stdout}\n{prestart.stderr}")
        users = asyncio.run(_setup(-(-RUN_CLIENTS // CLIENTS_PER_USER)))
        for i, user in enumerate(users):  # run clients: five per person; readers spread over the same people
            user["run_clients"] = min(CLIENTS_PER_USER, RUN_CLIENTS - i * CLIENTS_PER_USER)
            user["read_clients"] = READ_CLIENTS // len(users) + (i < READ_CLIENTS % len(users))
        port = _free_port()
        web_log, worker_log = tmp / "web.log", tmp / "worker.log"
        web = _start(
            [str(ROOT / ".venv/bin/reflex"), "run", "--env", "prod", "--backend-only", "--backend-port", str(port)],
            env,
            web_log,
        )
        procs.append(web)
        worker = _start(
            [python, "-m", "dramatiq", "workers.execution", "--processes", "1", "--threads", "4"], env, worker_log
        )
        procs.append(worker)
        base = f"http://127.0.0.1:{port}"
        _wait_http(base + "/ping", 180, web, web_log)
        _wait_http(base + "/api/v1/store/listings", 60, web, web_log)
        plan = tmp / "plan.json"
        plan.write_text(
            json.dumps({"base": base, "think": THINK, "warmup": WARMUP, "duration": DURATION, "users": users})
        )
        generator = subprocess.Popen(  # noqa: S603 - this script
            [python, __file__, "--generate", str(plan)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        servers = [web.pid, worker.pid]
        cpu_start = cpu_end = load_start = load_end = 0.0
        profilers: list[subprocess.Popen] = []
        result = None
        for line in generator.stdout:
            if line.startswith("MEASURE_START"):
                cpu_start, load_start = _cpu_seconds(servers), _cpu_seconds([generator.pid])
                if PROFILE:
                    profilers = [_profile(web.pid, f"{PROFILE}.web"), _profile(worker.pid, f"{PROFILE}.worker")]
            elif line.startswith("MEASURE_END"):
                cpu_end, load_end = _cpu_seconds(servers), _cpu_seconds([generator.pid])
            elif line.startswith("RESULT "):
                result = json.loads(line[len("RESULT ") :])
        for profiler in profilers:
            profiler.wait(timeout=60)
        if generator.wait() or result is None:
            raise RuntimeError("the load generator failed")
        outcomes = asyncio.run(_run_outcomes(result["run_ids"], 60))
        goals_met, error_free = _report(result, cpu_end - cpu_start, outcomes)
        # The generator shares the machine: what it used is CPU the servers could not.
        print(f"   load generator used {load_end - load_start:.1f} CPU-s; load average {os.getloadavg()[0]:.1f}")
        if not error_free:
            print(f"   (logs kept in {tmp})")
        return 0 if error_free and (SMOKE or goals_met) else 1
    finally:
        for proc in reversed(procs):
            _stop(proc)
        _delete_queues(prefix)
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def _profile(pid: int, path: str) -> subprocess.Popen:
    """Sample ``pid`` and its children with py-spy (a dev tool, see requirements-dev.txt) into ``path``."""
    args = [str(ROOT / ".venv/bin/py-spy"), "record", "--pid", str(pid), "--subprocesses", "--format", "raw"]
    args += ["--duration", str(int(DURATION)), "--rate", "50", "--gil", "--nonblocking", "--output", path]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


def _delete_queues(prefix: str) -> None:
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
    try:
        channel = connection.channel()
        for base in ("executions", "default"):
            for suffix in ("", ".DQ", ".XQ"):
                channel.queue_delete(prefix + base + suffix)
    finally:
        connection.close()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--generate":
        generate(sys.argv[2])
    else:
        sys.exit(main())
