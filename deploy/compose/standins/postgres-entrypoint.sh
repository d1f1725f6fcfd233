#!/bin/sh
# The stand-in postgres image's start: a new cluster on first start (the superuser and password from
# POSTGRES_USER / POSTGRES_PASSWORD, password logins over TCP), then the server in the foreground.
set -eu
if [ "${1:-}" = "postgres" ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:?the postgres stand-in needs POSTGRES_PASSWORD}" > "$pwfile"
  initdb --username="${POSTGRES_USER:-postgres}" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  printf 'host all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  printf "listen_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
fi
exec "$@"
