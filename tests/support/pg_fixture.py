#!/usr/bin/python3
"""CTest fixture: start|stop a throwaway PostgreSQL 15 server on a free loopback port.

  start DIR: initdb into a fresh temporary directory (owned by the unprivileged `postgres` user
             when run as root), starts it with pg_ctl on a free 127.0.0.1 port (unix sockets in
             the temporary directory, fsync off), creates the database `agenthost_test` and the
             password-authenticated role `agenthost`, writes DIR/url
             (postgresql://agenthost:PASSWORD@127.0.0.1:PORT/agenthost_test), DIR/port and
             DIR/datadir (the temporary directory).
  stop DIR:  pg_ctl stop -m fast on the directory named in DIR/datadir, then removes it.
  halt DIR:  pg_ctl stop -m fast, keeping the data (a test-private server going down).
  resume DIR: pg_ctl start again on the same port with the same data.

Also importable: start_server(dir) / stop_server(dir) for test-private instances.
"""
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("AGENTHOST_PG_BIN", "/usr/lib/postgresql/15/bin")
DB = "agenthost_test"
ROLE = "agenthost"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def as_server_user(argv):
    """The command line that runs argv as the unprivileged postgres user when we are root."""
    if os.geteuid() != 0:
        return argv
    return ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv


def run(argv, **kw):
    # cwd "/": the server user may not be allowed into the build tree.
    return subprocess.run(as_server_user(argv), check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, cwd="/", **kw)


def server_user():
    """The `postgres` system user (Debian's postgresql package creates it; made if missing)."""
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["/usr/sbin/useradd", "--system", "--no-create-home", "--shell",
                        "/usr/sbin/nologin", "postgres"], check=True)
        return pwd.getpwnam("postgres")


def chown_to_server_user(path):
    if os.geteuid() == 0:
        pw = server_user()
        os.chown(path, pw.pw_uid, pw.pw_gid)


def pg_ctl_start(tmp, opts):
    run([BIN + "/pg_ctl", "-D", os.path.join(tmp, "data"), "-l", os.path.join(tmp, "pg.log"),
         "-w", "-t", "60", "-o", opts, "start"])


def pg_ctl_stop(tmp):
    data = os.path.join(tmp, "data")
    if os.path.exists(os.path.join(data, "postmaster.pid")):
        subprocess.run(as_server_user([BIN + "/pg_ctl", "-D", data, "-m", "fast", "-w",
                                       "-t", "60", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")


def read(state_dir, name):
    with open(os.path.join(state_dir, name)) as f:
        return f.read().strip()


def halt_server(state_dir):
    pg_ctl_stop(read(state_dir, "datadir"))


def resume_server(state_dir):
    pg_ctl_start(read(state_dir, "datadir"), read(state_dir, "opts"))


def start_server(state_dir):
    os.makedirs(state_dir, exist_ok=True)
    stop_server(state_dir)
    tmp = tempfile.mkdtemp(prefix="agenthost-pg-")
    os.chmod(tmp, 0o700)
    chown_to_server_user(tmp)
    data = os.path.join(tmp, "data")
    password = secrets.token_hex(16)
    pwfile = os.path.join(tmp, "pw")
    with open(pwfile, "w") as f:
        f.write(password + "\n")
    chown_to_server_user(pwfile)
    with open(os.path.join(state_dir, "datadir"), "w") as f:
        f.write(tmp + "\n")
    run([BIN + "/initdb", "-D", data, "-U", ROLE, "--pwfile", pwfile, "--auth-local=trust",
         "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"])
    os.unlink(pwfile)
    for attempt in range(5):
        port = free_port()
        opts = ("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=%s "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200" % (port, tmp))
        with open(os.path.join(state_dir, "opts"), "w") as f:
            f.write(opts + "\n")
        try:
            pg_ctl_start(tmp, opts)
        except subprocess.CalledProcessError as e:
            sys.stderr.write("attempt %d: pg_ctl start failed on port %d:\n%s\n"
                             % (attempt + 1, port, e.stdout))
            continue
        run([BIN + "/psql", "-h", tmp, "-p", str(port), "-U", ROLE, "-d", "postgres",
             "-v", "ON_ERROR_STOP=1", "-q", "-c", "CREATE DATABASE " + DB])
        url = "postgresql://%s:%s@127.0.0.1:%d/%s" % (ROLE, password, port, DB)
        with open(os.path.join(state_dir, "url"), "w") as f:
            f.write(url + "\n")
        with open(os.path.join(state_dir, "port"), "w") as f:
            f.write("%d\n" % port)
        print("postgresql ready on 127.0.0.1:%d (data in %s)" % (port, tmp))
        return url
    raise RuntimeError("postgresql did not start")


def stop_server(state_dir):
    marker = os.path.join(state_dir, "datadir")
    if not os.path.exists(marker):
        return
    with open(marker) as f:
        tmp = f.read().strip()
    if tmp.startswith(tempfile.gettempdir()) and os.path.isdir(tmp):
        pg_ctl_stop(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
    for name in ("datadir", "url", "port", "opts"):
        try:
            os.unlink(os.path.join(state_dir, name))
        except FileNotFoundError:
            pass


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop", "halt", "resume"):
        sys.stderr.write("usage: pg_fixture.py start|stop|halt|resume DIR\n")
        return 2
    if sys.argv[1] == "halt":
        halt_server(sys.argv[2])
        return 0
    if sys.argv[1] == "resume":
        try:
            resume_server(sys.argv[2])
        except subprocess.CalledProcessError as e:
            sys.stderr.write("pg_fixture: resume failed: %s\n" % e.stdout)
            return 1
        return 0
    if sys.argv[1] == "start":
        try:
            start_server(sys.argv[2])
        except (subprocess.CalledProcessError, RuntimeError) as e:
            out = getattr(e, "stdout", "") or ""
            sys.stderr.write("pg_fixture: %s\n%s\n" % (e, out))
            stop_server(sys.argv[2])
            return 1
    else:
        stop_server(sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
