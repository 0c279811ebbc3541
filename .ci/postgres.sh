# Sourced by .ci/run: install and start a local PostgreSQL for the backend tests,
# and export ATTEND_TEST_POSTGRES_URL. Loopback only; the database is thrown away.
if [ "$(id -u)" != "0" ]; then
  echo "PostgreSQL tests skipped: installing a server needs root." >&2
  return 0
fi
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
pg_version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^${pg_version} main"; then
  pg_createcluster "$pg_version" main >/dev/null
fi
pg_ctlcluster "$pg_version" main start 2>/dev/null || true
for _ in $(seq 30); do
  su postgres -c "pg_isready -q" && break
  sleep 1
done
su postgres -c "psql -q -c \"DROP DATABASE IF EXISTS attendance_ci\"" >/dev/null 2>&1
su postgres -c "psql -q -c \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'attendance_ci') THEN CREATE ROLE attendance_ci LOGIN CREATEDB PASSWORD 'attendance_ci'; ELSE ALTER ROLE attendance_ci CREATEDB; END IF; END\\\$\\\$\"" >/dev/null
su postgres -c "createdb -O attendance_ci attendance_ci"
export ATTEND_TEST_POSTGRES_URL="postgresql+psycopg://attendance_ci:attendance_ci@127.0.0.1/attendance_ci"
