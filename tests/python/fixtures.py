"""What the package's test modules share: the backend under test (memory:// or the Redis
fixture, AGENTHOST_TEST_BACKEND), free loopback ports, and the local webhook server
(tests/support/webhook_server.py, started on a free port and stopped by PID)."""

import os
import socket
import subprocess
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "..", "support", "webhook_server.py")
BACKEND = os.environ.get("AGENTHOST_TEST_BACKEND", "memory")


def backend_url():
    if BACKEND == "memory":
        return "memory://"
    with open(os.environ["AGENTHOST_TEST_REDIS_URL_FILE"]) as f:
        return f.read().strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebhookServer:
    def __enter__(self):
        self.port = free_port()
        self.proc = subprocess.Popen(["/usr/bin/python3", SERVER, str(self.port)])
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            self.__exit__()
            raise RuntimeError("webhook server did not start")
        urllib.request.urlopen("http://127.0.0.1:%d/_nodelay" % self.port, timeout=5).read()
        return self

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def __exit__(self, *exc):
        self.proc.terminate()  # by PID
        self.proc.wait(10)
