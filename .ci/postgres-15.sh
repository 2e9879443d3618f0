#!/usr/bin/env bash
# CI: the storage (and fleet) tests once more, against Debian's PostgreSQL 15 (the version users' distributions
# ship) instead of the embedded PostgreSQL 18 that `npm test` starts. A throwaway cluster on 127.0.0.1, a free
# port and a random password; stopped and removed at the end, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

skip() {
  echo "PostgreSQL 15 pass did not run: $*"
  exit 0
}
[ "$(id -u)" = 0 ] || skip "not root (it installs postgresql-15 with apt-get and runs it as the postgres user)"
command -v apt-get >/dev/null || skip "no apt-get (not Debian)"

BIN=/usr/lib/postgresql/15/bin
if [ ! -x "$BIN/postgres" ]; then
  echo "Installing postgresql-15..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
fi
[ -x "$BIN/postgres" ] || skip "postgresql-15 did not install"
id postgres >/dev/null 2>&1 || skip "no postgres user after installing postgresql-15"

DIR=$(mktemp -d /tmp/openpower-pg15-XXXXXX)
chown postgres: "$DIR"
as_postgres() { runuser -u postgres -- "$@"; }
cleanup() {
  as_postgres "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT

PORT=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
PASSWORD=$(node -e 'console.log(require("node:crypto").randomBytes(18).toString("hex"))')
(umask 077 && printf '%s\n' "$PASSWORD" >"$DIR/pwfile")
chown postgres "$DIR/pwfile"
as_postgres "$BIN/initdb" -D "$DIR/data" -U postgres --pwfile="$DIR/pwfile" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log"
rm -f "$DIR/pwfile"
as_postgres "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR -c max_connections=200 -c fsync=off" start >/dev/null

FILES=(src/service/storage)
[ -d src/service/fleet ] && FILES+=(src/service/fleet)
echo "PostgreSQL 15 pass: $("$BIN/postgres" --version) on 127.0.0.1:$PORT, running ${FILES[*]}"
OPENPOWER_TEST_PG_URL="postgres://postgres:$PASSWORD@127.0.0.1:$PORT/postgres" npx vitest run "${FILES[@]}"
