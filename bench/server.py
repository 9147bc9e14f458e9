"""The real app server in a subprocess, on loopback, for benchmarks and HTTP tests.

`AppServer` runs `python -m app --port <free port>` (debug off) from the repo root, or any other
server command given with "{port}" in it (bench/slow_clients.py compares several), writes its output to a temporary file (read afterwards for tracebacks), waits until it
answers, and always stops it (use it as a context manager). Also: one HTTP request with a timeout,
and a process's memory and CPU time read from /proc. Nothing here knows about callbacks.

bench/classroom.py runs its own server class (it waits for every worker to settle) but shares these
/proc and port helpers.
"""

import fcntl
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parent.parent
BOOT_TIMEOUT = 30.0
REQUEST_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry))
    return sorted(kids)


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
            timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes, float]:
    """(status, response body, milliseconds) of one request on a fresh connection.

    A server may answer (e.g. 413) before it has read the whole body and close the connection:
    the answer is still read if it arrived; status 0 means no answer at all.
    """
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    t = time.perf_counter()
    try:
        try:
            conn.request(method, path, body=body, headers=headers or {})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: its answer may be waiting
        try:
            response = conn.getresponse()
            data = response.read()
            status = response.status
        except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
            status, data = 0, b""
    finally:
        conn.close()
    return status, data, (time.perf_counter() - t) * 1000


def stop_process(proc: subprocess.Popen) -> None:
    """Terminate, and kill if it has not stopped within 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class AppServer:
    """`python -m app --port PORT` from the repo root, on 127.0.0.1, debug off; or `command`, a list of
    arguments where "{port}" stands for the port (e.g. a gunicorn command line)."""

    def __init__(self, extra_args: tuple = (), port: int | None = None, command: list[str] | None = None):
        self.port = port if port is not None else free_port()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__, read while running
        # The server writes through the same open file: with O_APPEND its writes always go to the
        # end, and reading with pread never moves the offset they share.
        flags = fcntl.fcntl(self.log.fileno(), fcntl.F_GETFL)
        fcntl.fcntl(self.log.fileno(), fcntl.F_SETFL, flags | os.O_APPEND)
        argv = ([arg.replace("{port}", str(self.port)) for arg in command] if command else
                [sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", str(self.port), *extra_args])
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def __enter__(self) -> Self:
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.stop()
        finally:
            self.log.close()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_size(self) -> int:
        return os.fstat(self.log.fileno()).st_size

    def log_text(self, start: int = 0) -> str:
        """The server's output so far (from byte `start`)."""
        size = self.log_size()
        return os.pread(self.log.fileno(), max(0, size - start), start).decode(errors="replace")

    def wait_ready(self) -> None:
        """Until GET / answers 200 (the app is built and Dash has set itself up)."""
        deadline = time.monotonic() + BOOT_TIMEOUT
        while True:
            if not self.alive():
                raise RuntimeError(f"the app exited ({self.proc.returncode}):\n{self.log_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app did not answer within {BOOT_TIMEOUT:.0f} s:\n{self.log_text()[-2000:]}")
            try:
                if request(self.port, "GET", "/", timeout=2.0)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)

    def get(self, path: str) -> bytes:
        status, data, _ = request(self.port, "GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}")
        return data

    def post(self, path: str, body: bytes, content_type: str = "application/json",
             timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes, float]:
        return request(self.port, "POST", path, body, {"Content-Type": content_type}, timeout)

    def stop(self) -> None:
        stop_process(self.proc)
