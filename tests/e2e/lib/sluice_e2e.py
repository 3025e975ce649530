# sluice_e2e: shared harness for the broker end-to-end tests (tests/e2e/000N-broker-*.py): a free
# loopback port, and a broker-only sluiced on its own data directory that can be started, stopped
# with SIGTERM (which must exit 0) or killed with SIGKILL.
import os, signal, socket, subprocess, sys, time

BIN = os.environ.get("SLUICE_BIN", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../build/bin"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Broker:
    def __init__(self, datadir, *extra):
        self.dir, self.extra, self.port, self.proc = datadir, list(extra), free_port(), None

    def start(self):
        self.log = open(os.path.join(self.dir, "sluiced.log"), "ab")
        self.proc = subprocess.Popen([os.path.join(BIN, "sluiced"), "--broker-only", "--data.dir=" + self.dir,
                                     "--broker.listeners=PLAINTEXT://127.0.0.1:%d" % self.port] + self.extra,
                                    stdout=self.log, stderr=self.log)
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    sys.exit("sluiced exited with %s" % self.proc.returncode)
                time.sleep(0.05)
        sys.exit("sluiced did not start listening")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            rc = self.proc.wait(60)
            self.proc = None
            if rc != 0:
                sys.exit("sluiced exited with status %d on SIGTERM" % rc)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    @property
    def bootstrap(self):
        return "127.0.0.1:%d" % self.port


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)
