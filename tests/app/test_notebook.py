"""show() really runs the app inside a Jupyter kernel: a real IPython kernel executes the cell a
person would type, the cell displays an IFrame of the app, and the app answers over HTTP while
the kernel lives and stops with it. Loopback only; every wait is bounded.
"""

import json
import re
import socket
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app import notebook

jupyter_client = pytest.importorskip("jupyter_client")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[2]
# urllib honours *_proxy variables; a request to this machine must not go through one.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kernel_manager(tmp_path):
    """A kernel of this very Python (the venv's), from a kernel spec written for the test alone,
    so no installed or per-user kernel spec, IPython profile or runtime dir is read or written."""
    spec_dir = tmp_path / "kernels" / "backprop-lab-test"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Backprop Lab test", "language": "python",
        "env": {"IPYTHONDIR": str(tmp_path / "ipython"), "NO_PROXY": "127.0.0.1,localhost",
                "no_proxy": "127.0.0.1,localhost", "PYTHONPATH": str(ROOT)},
    }))
    specs = jupyter_client.kernelspec.KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")])
    return jupyter_client.KernelManager(kernel_name="backprop-lab-test", kernel_spec_manager=specs,
                                        connection_file=str(tmp_path / "connection.json"), ip="127.0.0.1")


def _get(url: str) -> tuple[int, str]:
    with DIRECT.open(url, timeout=10) as response:
        return response.status, response.read().decode()


def test_inline_mode_serves_the_app_from_a_real_kernel(tmp_path):
    port = _free_port()
    km = _kernel_manager(tmp_path)
    km.start_kernel(cwd=str(ROOT))
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        outputs = []
        cell = f"import sys\nprint(sys.executable)\nfrom app.notebook import show\nshow(port={port})"
        reply = kc.execute_interactive(cell, timeout=90, output_hook=outputs.append)
        assert reply["content"]["status"] == "ok", "\n".join(reply["content"].get("traceback", []))
        stdout = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
        assert stdout.splitlines()[0] == sys.executable  # the kernel is this venv's Python

        # What Dash displays inline: an IPython IFrame of the app's address, at the height asked for.
        html = [m["content"]["data"].get("text/html", "") for m in outputs if m["msg_type"] == "display_data"]
        frames = [h for h in html if "<iframe" in h]
        assert len(frames) == 1, outputs
        assert re.search(rf'src="http://127\.0\.0\.1:{port}/"', frames[0])
        assert 'height="900"' in frames[0] and 'width="100%"' in frames[0]

        # The kernel serves the real app while it lives.
        status, page = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "<title>Backprop Lab</title>" in page
        status, layout = _get(f"http://127.0.0.1:{port}/_dash-layout")
        assert status == 200 and json.loads(layout)["type"]
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=False)

    # ...and stops with it.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            _get(f"http://127.0.0.1:{port}/")
        except (urllib.error.URLError, ConnectionError, OSError):
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"port {port} still answers after the kernel shut down")


def test_show_refuses_outside_a_kernel():
    with pytest.raises(RuntimeError, match="python -m app"):
        notebook.show(port=_free_port())


def test_show_rejects_an_unknown_mode():
    with pytest.raises(ValueError, match="inline"):
        notebook.show(mode="popup")
