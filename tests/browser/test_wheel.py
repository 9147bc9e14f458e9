"""Backprop Lab installed the ordinary way works from anywhere, and claims no common name.

The test does what a person does: `python -m build` (an sdist, then a wheel built from that sdist),
`twine check`, a fresh venv, `pip install` of the wheel (its dependencies come from the package index;
pip's download cache lives under the temp folder, so a second run is quick), then the `backprop-lab`
command from an empty folder on a free loopback port, and the page in headless Chromium: the network
drawn by the app's own script, its stylesheet applied, the version in the footer, no console error.
It also checks that site-packages holds no top-level `app`, `components` or `engine`, and serves the
page with another project's `engine` installed beside it.

Every step has a time limit; the server is stopped whatever happens. About a minute with a warm cache.
"""

import importlib.util
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
VERSION = PROJECT["version"]
OURS = ("app", "components", "engine")
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback never goes through a proxy


def _run(args, timeout, **kwargs) -> str:
    done = subprocess.run(args, check=False, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _pip_env() -> dict:
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    env.setdefault("PIP_CACHE_DIR", str(Path(tempfile.gettempdir()) / "backprop-lab-pip-cache"))
    env.pop("PYTHONPATH", None)  # nothing from the checkout may leak into the clean venv
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_http(url: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """Until the server answers 200 (a positive signal), or fail with its log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"backprop-lab exited with {server.returncode}:\n{log.read_text()}")
        try:
            with DIRECT.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"backprop-lab did not answer on {url} within {seconds} s:\n{log.read_text()}")


def _build(tmp_path: Path) -> tuple[Path, Path]:
    for tool in ("build", "twine", "readme_renderer"):
        if importlib.util.find_spec(tool) is None:
            pytest.fail(f"{tool} is not installed: `make test` installs the test tools (.[test]).", pytrace=False)
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], timeout=300, env=_pip_env())
    wheels, sdists = list(dist.glob("*.whl")), list(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, list(dist.iterdir())
    _run([sys.executable, "-m", "twine", "check", "--strict", str(wheels[0]), str(sdists[0])], timeout=120)
    return wheels[0], sdists[0]


def _check_wheel_contents(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        metadata = z.read(f"backprop_lab-{VERSION}.dist-info/METADATA").decode()
    assert {n.split("/")[0] for n in names} == {"backprop_lab", f"backprop_lab-{VERSION}.dist-info"}
    # Every source file and asset of the checkout, one level down.
    for folder in (*OURS, "assets"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in (".py", ".js", ".css"):
                assert f"backprop_lab/{path.relative_to(ROOT).as_posix()}" in names
    assert f"backprop_lab-{VERSION}.dist-info/licenses/LICENSE" in names
    assert "License-Expression: Apache-2.0" in metadata and "Classifier: " in metadata
    description = metadata.split("\n\n", 1)[1]
    assert description.startswith("# Backprop Lab")
    # The description as a package index renders it (twine check does not render Markdown): it renders,
    # and no link or image points into the repository, where an index could not follow it.
    from readme_renderer.markdown import render

    html = render(description)
    assert html, "readme_renderer cannot render Markdown here: `make test` installs readme-renderer[md]"
    assert re.search(r"<h2[^>]*>Installing it<", html)
    assert not re.findall(r'(?:src|href)="(?!https?:|#|mailto:)[^"]*"', html)


def test_the_wheel_installs_cleanly_and_serves_the_whole_page_from_anywhere(dash_duo, tmp_path):
    started = time.monotonic()
    wheel, _ = _build(tmp_path)
    _check_wheel_contents(wheel)

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python, script = env_dir / "bin" / "python", env_dir / "bin" / "backprop-lab"
    _run([str(python), "-m", "pip", "install", "-q", str(wheel)], timeout=600, env=_pip_env())

    # Nothing of ours at the top of site-packages: another `app` or `engine` stays whole.
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     timeout=60).strip())
    top = {p.name for p in site.iterdir()}
    assert not top & {*OURS, *(f"{n}.py" for n in OURS)}, sorted(top)
    assert "backprop_lab" in top
    elsewhere = tmp_path / "elsewhere"  # an empty folder: nothing found beside the working directory
    elsewhere.mkdir()
    look = f"import importlib.util as u; print([u.find_spec(n) for n in {OURS!r}])"
    found = _run([str(python), "-c", look], timeout=60, cwd=elsewhere, env=_pip_env())
    assert found.strip() == "[None, None, None]"
    # A notebook's way in: `import backprop_lab` first, then the packages as in the source tree.
    where = _run([str(python), "-c", "import backprop_lab, engine, app.notebook; print(engine.__file__)"],
                 timeout=60, cwd=elsewhere, env=_pip_env())
    assert Path(where.strip()).is_relative_to(site / "backprop_lab")

    # Someone else's `engine` in the same site-packages keeps its name; ours is found only through
    # backprop_lab, and the command below serves the lab all the same.
    (site / "engine").mkdir()
    (site / "engine" / "__init__.py").write_text("WHOSE = 'another project'\n")
    whose = _run([str(python), "-c", "import engine; print(engine.WHOSE)"], timeout=60, cwd=elsewhere,
                 env=_pip_env())
    assert whose.strip() == "another project"
    clash = subprocess.run([str(python), "-c", "import engine, backprop_lab"], capture_output=True, text=True,
                           timeout=60, cwd=elsewhere, env=_pip_env(), check=False)
    assert clash.returncode == 1 and "Another package called 'engine' is already imported" in clash.stderr

    printed = _run([str(script), "--version"], timeout=60, cwd=elsewhere, env=_pip_env())
    assert printed.strip() == f"backprop-lab {VERSION}"
    installed = time.monotonic()

    port = _free_port()
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen([str(script), "--port", str(port)], cwd=elsewhere, env=_pip_env(),
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_for_http(url, server, log)
        dash_duo.server_url = url  # loads the page and waits for Dash's entry point
        # The network is drawn only by the app's own script (assets/network.js).
        dash_duo.wait_for_element("#network svg g.node", timeout=15)
        drawn = dash_duo.driver.execute_script(
            "return [document.querySelectorAll('#network svg g.node').length,"
            " document.querySelectorAll('#network svg path.edge').length,"
            " getComputedStyle(document.querySelector('.toolbar')).display,"  # assets/style.css
            " [...document.styleSheets].map(s => s.href || '').filter(h => h.includes('/assets/')).length]"
        )
        assert drawn[0] > 0 and drawn[1] > 0, drawn
        assert drawn[2] == "flex" and drawn[3] >= 2, drawn
        dash_duo.wait_for_text_to_equal("#footer", f"Backprop Lab {VERSION}", timeout=10)
        assert dash_duo.get_logs() == []
        # The page's script is the installed copy's, byte for byte (the server runs from an empty folder).
        with urllib.request.urlopen(url + "assets/network.js", timeout=10) as answer:
            assert answer.read() == (site / "backprop_lab" / "assets" / "network.js").read_bytes()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    print(f"\nwheel {wheel.stat().st_size / 1024:.0f} KB; build + install {installed - started:.1f} s; "
          f"whole test {time.monotonic() - started:.1f} s")
