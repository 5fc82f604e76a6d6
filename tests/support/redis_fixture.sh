#!/usr/bin/env bash
# CTest fixture: start|stop a throwaway redis-server on a free loopback port.
#   start DIR: picks a free port, starts redis-server (no persistence), waits for PING, writes
#              DIR/url (redis://127.0.0.1:PORT/0) and DIR/port; the PID is in DIR/redis.pid.
#   start DIR tls: the same server also on a TLS port that requires client certificates
#              (mutual TLS), with the test certificates of tls_certs.sh made in DIR/certs;
#              DIR/url is then rediss://127.0.0.1:TLS_PORT/0 and DIR/port the plaintext port.
#   stop DIR:  stops the server by the PID in DIR/redis.pid (never by process name).
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?directory}
mode=${3:-plain}
pidfile="$dir/redis.pid"

stop() {
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidfile" "$dir/url" "$dir/port"
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    stop
    tls_args=()
    if [ "$mode" = tls ]; then
      bash "$(dirname "$0")/tls_certs.sh" "$dir/certs" >/dev/null
    fi
    for attempt in 1 2 3 4 5; do
      port=$(free_port)
      url="redis://127.0.0.1:$port/0"
      if [ "$mode" = tls ]; then
        tls_port=$(free_port)
        url="rediss://127.0.0.1:$tls_port/0"
        tls_args=(--tls-port "$tls_port" --tls-cert-file "$dir/certs/server.crt"
                  --tls-key-file "$dir/certs/server.key" --tls-ca-cert-file "$dir/certs/ca.crt"
                  --tls-auth-clients yes)
      fi
      redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --pidfile "$pidfile" --dir "$dir" --logfile "$dir/redis.log" --maxclients 4000 \
        "${tls_args[@]}"
      for _ in $(seq 1 100); do
        if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
          echo "$url" > "$dir/url"
          echo "$port" > "$dir/port"
          echo "redis-server ready at $url (pid $(cat "$pidfile"))"
          exit 0
        fi
        sleep 0.05
      done
      stop
      echo "attempt $attempt: redis-server did not answer on port $port" >&2
    done
    exit 1
    ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
