# Sourced by .ci/run: install and start a local PostgreSQL for the tests, and export
# ATTEND_TEST_POSTGRES_URL. Loopback only; the cluster is thrown away with the machine, so
# it trades durability for speed (fsync, synchronous_commit and full-page writes off) and
# allows a connection for every test process, server worker and pool (max_connections).
# The role may CREATE DATABASE: every test gets a database of its own (tests/db_backends.py).
# ATTEND_CI_PG_CLUSTER names another cluster than `main`, to try this script beside one in use.
if [ "$(id -u)" != "0" ]; then
  echo "PostgreSQL tests skipped: installing a server needs root." >&2
  return 0
fi
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
pg_version=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_cluster=${ATTEND_CI_PG_CLUSTER:-main}
pg_port() { pg_lsclusters -h | awk -v v="$pg_version" -v c="$pg_cluster" '$1 == v && $2 == c { print $3 }'; }
if [ -z "$(pg_port)" ]; then
  pg_createcluster "$pg_version" "$pg_cluster" >/dev/null
fi
pg_ctlcluster "$pg_version" "$pg_cluster" start 2>/dev/null || true
port=$(pg_port)
pg_sql() { runuser -u postgres -- env PGOPTIONS=--client-min-messages=warning psql -X -q -At -p "$port" -c "$1"; }
pg_wait() {
  for _ in $(seq 30); do
    runuser -u postgres -- pg_isready -q -p "$port" && return 0
    sleep 1
  done
  echo "PostgreSQL $pg_version/$pg_cluster did not start on port $port." >&2
  return 1
}
pg_wait
pg_restart=no
for setting in fsync=off synchronous_commit=off full_page_writes=off max_connections=300; do
  if [ "$(pg_sql "SHOW ${setting%%=*}")" != "${setting#*=}" ]; then
    pg_sql "ALTER SYSTEM SET ${setting%%=*} = '${setting#*=}'"
    pg_restart=yes
  fi
done
if [ "$pg_restart" = yes ]; then
  pg_ctlcluster "$pg_version" "$pg_cluster" restart
  pg_wait
fi
pg_sql "DROP DATABASE IF EXISTS attendance_ci WITH (FORCE)" >/dev/null
pg_sql "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'attendance_ci') THEN CREATE ROLE attendance_ci LOGIN CREATEDB PASSWORD 'attendance_ci'; ELSE ALTER ROLE attendance_ci LOGIN CREATEDB PASSWORD 'attendance_ci'; END IF; END\$\$" >/dev/null
runuser -u postgres -- createdb -p "$port" -O attendance_ci attendance_ci
export ATTEND_TEST_POSTGRES_URL="postgresql+psycopg://attendance_ci:attendance_ci@127.0.0.1:${port}/attendance_ci"
echo "PostgreSQL $pg_version ($pg_cluster, port $port): $(pg_sql "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'max_connections')")"
