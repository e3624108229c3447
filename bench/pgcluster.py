"""A PostgreSQL server of our own, in a temporary directory on a free port, that a test
or the soak can stop, start and freeze without touching the machine's shared server.
Also gunicorn in front of a database, for the same purpose."""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(command):
    """initdb and pg_ctl refuse to run as root: run them as the postgres account then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def wait_for_port(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


class Cluster:
    def __init__(self, directory, port):
        self.bin = Path(BINARIES[-1])
        self.directory, self.port = directory, port
        self.url = f"postgres://postgres@127.0.0.1:{port}/postgres"

    def pg_ctl(self, *args):
        command = [str(self.bin / "pg_ctl"), "-D", self.directory, "-w", "-t", "30", *args]
        subprocess.run(as_postgres(command), check=True, capture_output=True)

    def start(self):
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self.pg_ctl("-o", options, "-l", f"{self.directory}/log", "start")

    def stop(self):
        self.pg_ctl("-m", "fast", "stop")

    def processes(self):
        """The postmaster and every process it started."""
        postmaster = int(Path(self.directory, "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
        return [postmaster, *map(int, children)]


@contextlib.contextmanager
def cluster_with_dataset():
    """A new server, migrated and holding the parade dataset; removed afterwards."""
    directory = tempfile.mkdtemp(prefix="newsdash-cluster-")
    if os.geteuid() == 0:
        os.chown(directory, pwd.getpwnam("postgres").pw_uid, -1)
    cluster = Cluster(directory, free_port())
    initdb = [str(cluster.bin / "initdb"), "-D", directory, "-U", "postgres", "--auth=trust", "-E", "UTF8"]
    subprocess.run(as_postgres(initdb), check=True, capture_output=True)
    cluster.start()
    try:
        env = os.environ | {"DATABASE_URL": cluster.url}
        for command in (["migrate", "--noinput"], ["load_dataset"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


def production_environment(url, **environment):
    """The environment of a production server for the database at ``url``; without REDIS_URL
    unless given, as the default setup runs."""
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    return env | {
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "production-like-test-secret-key-" + "q" * 30,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        **environment,
    }


def collect_static():
    """Production settings serve the collected, hashed and compressed static files (STATIC_ROOT):
    collect them, which takes a core some 20 s whether or not anything changed."""
    env = production_environment("sqlite://")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


@contextlib.contextmanager
def production_server(url, workers=2, collect=True, **environment):
    """gunicorn with production settings on a free loopback port, for the database at ``url``;
    without REDIS_URL unless given, as the default setup runs. ``collect=False`` when the
    static files were collected already (the tests collect them once a run)."""
    env = production_environment(url, **environment)
    if collect:
        collect_static()
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [gunicorn, "newsdash.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "30"]
    process = subprocess.Popen(
        [*command, "--log-level", "warning"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
