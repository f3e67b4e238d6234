#!/usr/bin/env bash
# Makes sure the PostgreSQL and Redis the test suites use are installed and running on this
# machine (127.0.0.1:5432 with trust auth and a `test` database; 127.0.0.1:6379), starting
# them if they are not, then exports their URLs. Sourced by .ci/run.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

if ! command -v pg_ctlcluster >/dev/null || ! command -v redis-server >/dev/null; then
  echo "ci: installing PostgreSQL and Redis from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
fi

if ! pg_up; then
  version="$(ls /etc/postgresql | sort -n | tail -1)"
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  # Local test server only: trust connections from this machine, as the suites expect.
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    sed -i '1i local all all trust\nhost all all 127.0.0.1/32 trust' "$hba"
  fi
  echo "ci: starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 60); do pg_up && break; sleep 0.5; done
fi
pg_up || { echo "ci: PostgreSQL did not come up" >&2; exit 1; }
psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 ||
  psql -h 127.0.0.1 -U postgres -d postgres -qc 'CREATE DATABASE test'

if ! redis_up; then
  echo "ci: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 60); do redis_up && break; sleep 0.25; done
fi
redis_up || { echo "ci: Redis did not come up" >&2; exit 1; }

export TMWS_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:5432/test"
export TMWS_TEST_REDIS_URL="redis://127.0.0.1:6379"
echo "ci: PostgreSQL and Redis are up; their suites will run"
