#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and benchmarks (Debian's postgresql-15 packages):
#
#   tests/support/pg_cluster.sh start DIR [extra postgres -c settings...]   prints the socket dir
#   tests/support/pg_cluster.sh stop DIR
#   tests/support/pg_cluster.sh pause DIR    stops the server, keeps the cluster (issue 7 tests)
#   tests/support/pg_cluster.sh resume DIR   starts it again with the same settings
#
# The cluster lives in DIR (data in DIR/data, the Unix socket in DIR), listens on no TCP port
# unless given `listen_addresses=127.0.0.1 port=N` (as CTest's pg_cluster fixture does),
# trusts local connections for user `yika`, and is removed by `stop`. PostgreSQL refuses to
# run as root, so under root the cluster runs as the `postgres` system user (created by the
# postgresql package) or, failing that, `nobody`.
set -euo pipefail
pg_bin=/usr/lib/postgresql/15/bin
cmd="${1:?start|stop}"
dir="${2:?cluster folder}"
shift 2
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    local owner=postgres
    id -u postgres >/dev/null 2>&1 || owner=nobody
    runuser -u "$owner" -- "$@"
  else
    "$@"
  fi
}
case "$cmd" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      id -u postgres >/dev/null 2>&1 && chown postgres "$dir" || chown nobody "$dir"
    fi
    as_owner "$pg_bin/initdb" -D "$dir/data" -U yika --auth=trust >/dev/null
    opts="-c listen_addresses='' -k $dir"
    for setting in "$@"; do opts="$opts -c $setting"; done
    echo "$opts" >"$dir/options"
    as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "$opts" start >/dev/null
    echo "$dir"
    ;;
  pause)
    as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  resume)
    as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "$(cat "$dir/options")" start >/dev/null
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop|pause|resume DIR" >&2
    exit 2
    ;;
esac
