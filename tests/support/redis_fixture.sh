#!/usr/bin/env bash
# CTest fixture: start|stop a throwaway redis-server on a free loopback port.
#   start DIR: picks a free port, starts redis-server (no persistence), waits for PING, writes
#              DIR/url (redis://127.0.0.1:PORT/0) and DIR/port; the PID is in DIR/redis.pid.
#   stop DIR:  stops the server by the PID in DIR/redis.pid (never by process name).
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?directory}
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
    for attempt in 1 2 3 4 5; do
      port=$(free_port)
      redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --pidfile "$pidfile" --dir "$dir" --logfile "$dir/redis.log" --maxclients 4000
      for _ in $(seq 1 100); do
        if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
          echo "redis://127.0.0.1:$port/0" > "$dir/url"
          echo "$port" > "$dir/port"
          echo "redis-server ready on port $port (pid $(cat "$pidfile"))"
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
