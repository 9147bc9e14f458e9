"""Start a serving command, load the page at the address it tells students to open, stop it, and print
what was seen as JSON.

    python tests/app/room_probe.py PORT COMMAND...

tests/app/test_room_command.py runs this inside a private network namespace, where the command
may listen on every address and only this probe can reach it. The test judges the report; the
probe only looks. Every wait is bounded, and the server is stopped whatever happens.
"""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

BOOT_TIMEOUT = 30.0  # s: importing Dash and building the app takes a few seconds on a busy machine
REQUEST_TIMEOUT = 10.0  # s: one page or script
TOLD = "Students open: "  # the line that names the addresses (app/room.py)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as answer:
            return answer.status, answer.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as refused:  # a 404 or 500 is an answer to report, not a failure to reach
        return refused.code, ""


def _printed(output) -> str:
    # pread: the server shares this file's offset, so reading must not move it under its writes.
    return os.pread(output.fileno(), 1 << 20, 0).decode("utf-8", errors="replace")


def _look(port: int, server: subprocess.Popen, output) -> dict:
    deadline = time.monotonic() + BOOT_TIMEOUT
    while not _listening(port):
        if server.poll() is not None:
            return {"problem": f"the command exited ({server.returncode}) before it listened on port {port}"}
        if time.monotonic() > deadline:
            return {"problem": f"nothing listened on port {port} within {BOOT_TIMEOUT:.0f} s"}
        time.sleep(0.2)
    # Printed before the server starts listening, so it is there by now.
    told = [line for line in _printed(output).splitlines() if line.startswith(TOLD)]
    if not told:
        return {"problem": f"the command did not print a line starting {TOLD!r}"}
    urls = re.findall(r"http://[^\s/]+/", told[0])
    if not urls:
        return {"problem": f"no address in {told[0]!r}"}
    status, page = _get(urls[0])  # as a student types it
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", page)
    return {"students_open": urls, "page": status, "title": title.group(1).strip() if title else None,
            "scripts": {src: _get(urls[0].rstrip("/") + src)[0] for src in scripts}}


def main(port: int, command: list[str]) -> None:
    with tempfile.TemporaryFile() as output:  # a file, not a pipe: a chatty server never blocks on it
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            report = _look(port, server, output)
        except OSError as problem:
            report = {"problem": f"loading the page failed: {problem!r}"}
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        report["output"] = _printed(output)
    print(json.dumps(report))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2:])
