#!/usr/bin/env bash
# CTest fixture (and private clusters of the cluster tests): start|stop a throwaway 3-master
# Redis Cluster on free loopback ports.
#   start DIR: starts 3 redis-server --cluster-enabled yes (no persistence) on free ports whose
#              cluster-bus ports (+10000) are free too, joins them with redis-cli --cluster create,
#              waits (bounded) until every node reports cluster_state:ok, then writes DIR/url
#              (redis+cluster://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3) and DIR/ports.
#   start DIR CERTS: the same over TLS only (--port 0, --tls-cluster yes: clients and the
#              cluster bus), with the certificates of tls_certs.sh in CERTS (server.crt also
#              serves as the nodes' client certificate); DIR/url is rediss+cluster://...
#   stop DIR:  stops every server by the PID in its pidfile (never by process name).
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?directory}
certs=${3:-}
nodes=3
cli_tls=()
if [ -n "$certs" ]; then
  cli_tls=(--tls --cacert "$certs/ca.crt" --cert "$certs/client.crt" --key "$certs/client.key")
fi
cli() { redis-cli "${cli_tls[@]}" "$@"; }

stop_pidfile() {
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

stop() {
  [ -d "$dir" ] || return 0
  for pidfile in "$dir"/node-*.pid; do
    [ -e "$pidfile" ] && stop_pidfile "$pidfile"
  done
  rm -f "$dir/url" "$dir/ports"
  rm -rf "$dir"/data-*
}

# N ports P such that P and P+10000 (the cluster bus) are free on 127.0.0.1.
free_ports() {
  /usr/bin/python3 - "$1" <<'PY'
import socket, sys
want, found = int(sys.argv[1]), []
while len(found) < want:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    if port > 55000 or port in found:
        continue
    try:
        b = socket.socket(); b.bind(("127.0.0.1", port + 10000)); b.close()
    except OSError:
        continue
    found.append(port)
print(" ".join(map(str, found)))
PY
}

wait_ok() {
  local port
  for _ in $(seq 1 200); do
    local all=1
    for port in "$@"; do
      cli -p "$port" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || all=0
    done
    [ "$all" = 1 ] && return 0
    sleep 0.1
  done
  return 1
}

start_once() {
  local ports port i=0 addrs=()
  read -r -a ports <<< "$(free_ports $nodes)"
  for port in "${ports[@]}"; do
    i=$((i + 1))
    mkdir -p "$dir/data-$i"
    local listen=(--port "$port")
    if [ -n "$certs" ]; then
      listen=(--port 0 --tls-port "$port" --tls-cluster yes --tls-replication yes
              --tls-cert-file "$certs/server.crt" --tls-key-file "$certs/server.key"
              --tls-ca-cert-file "$certs/ca.crt" --tls-auth-clients yes)
    fi
    redis-server "${listen[@]}" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --cluster-enabled yes --cluster-config-file "nodes.conf" --cluster-node-timeout 2000 \
      --cluster-require-full-coverage no --dir "$dir/data-$i" --pidfile "$dir/node-$i.pid" \
      --logfile "$dir/node-$i.log" --maxclients 4000
    addrs+=("127.0.0.1:$port")
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 100); do
      cli -p "$port" ping 2>/dev/null | grep -q PONG && break
      sleep 0.05
    done
  done
  cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 ||
    return 1
  wait_ok "${ports[@]}" || return 1
  local scheme=redis+cluster
  [ -n "$certs" ] && scheme=rediss+cluster
  (IFS=,; echo "$scheme://${addrs[*]}") > "$dir/url"
  echo "${ports[*]}" > "$dir/ports"
  echo "redis cluster ready: $(cat "$dir/url")"
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    stop
    for attempt in 1 2 3; do
      start_once && exit 0
      echo "attempt $attempt: the cluster did not form (see $dir/create.log)" >&2
      stop
    done
    exit 1
    ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
