#!/usr/bin/env bash
# Start the local PostgreSQL, Redis and RabbitMQ when they are installed but stopped.
# Used by the test command; harmless when they already run. Exits non-zero under CI=true
# when a service is still unreachable.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {  # name port seconds
  for _ in $(seq 1 "$3"); do port_open "$2" && return 0; sleep 1; done
  return 1
}

missing=()

if ! port_open 5432; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "==> starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  wait_port PostgreSQL 5432 30 || missing+=("PostgreSQL (127.0.0.1:5432)")
fi

if ! port_open 6379; then
  if command -v redis-server >/dev/null; then
    echo "==> starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  fi
  wait_port Redis 6379 15 || missing+=("Redis (127.0.0.1:6379)")
fi

if ! port_open 5672; then
  if command -v rabbitmq-server >/dev/null; then
    echo "==> starting RabbitMQ"
    rabbitmq-server -detached || true
  fi
  wait_port RabbitMQ 5672 90 || missing+=("RabbitMQ (127.0.0.1:5672)")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "Not reachable: ${missing[*]}" >&2
  case "${CI:-}" in true|1|yes) exit 1 ;; esac
  echo "(not CI: the tests that need them will be skipped)" >&2
fi
exit 0
