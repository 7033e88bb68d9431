"""Shared fixtures for the real-client tests (Tests/clients).

`server` starts the real Neuvo binary once per test module on an ephemeral
loopback port, with a fresh database in a temporary folder, and stops it with
SIGTERM afterwards; a module that needs a prepared database overrides it with
`running_server(tmp, db=...)`. `_server_alive` fails any test during which it died.

Environment:
    NEUVO_BIN   server binary (default: REPO/.build/debug/neuvo)
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]
NEUVO_BIN = Path(os.environ.get("NEUVO_BIN", REPO / ".build" / "debug" / "neuvo"))
if not NEUVO_BIN.is_absolute():
    NEUVO_BIN = (REPO / NEUVO_BIN).resolve()

LISTEN_RE = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")
STARTUP_TIMEOUT = 30.0


# --------------------------------------------------------------------------
# Server fixture
# --------------------------------------------------------------------------


class Server:
    def __init__(self, proc: subprocess.Popen, port: int, stderr_path: Path,
                 stdout_lines: list[str]):
        self.proc = proc
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.stderr_path = stderr_path
        self.stdout_lines = stdout_lines

    def url(self, path: str) -> str:
        return self.base + path

    def diagnostics(self) -> str:
        try:
            err = self.stderr_path.read_text(errors="replace")[-4000:]
        except OSError:
            err = "<no stderr>"
        out = "".join(self.stdout_lines[-40:])
        return f"--- server stdout (tail) ---\n{out}\n--- server stderr (tail) ---\n{err}"


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def require_binary() -> None:
    if not NEUVO_BIN.is_file() or not os.access(NEUVO_BIN, os.X_OK):
        pytest.fail(f"server binary not found or not executable: {NEUVO_BIN} "
                    "(build it with `swift build`, or set NEUVO_BIN)")


def catalog_file(tmp: Path) -> Path:
    """The Swift tests' catalog (`testCatalogJSON` in Tests/NeuvoTestSupport) as a file."""
    source = (REPO / "Tests" / "NeuvoTestSupport" / "TestCatalog.swift").read_text(encoding="utf-8")
    text = source.split('#"""', 1)[1].split('"""#', 1)[0]
    path = tmp / "test-catalog.json"
    path.write_text(text, encoding="utf-8")
    json.loads(text)  # fail early on a broken extraction
    return path


@contextlib.contextmanager
def running_server(tmp: Path, db: Path | None = None, catalog: bool = True, extra: tuple[str, ...] = ()) -> Iterator[Server]:
    """The real binary serving `db` (default: a new one in `tmp`) on a free port,
    with the test catalog imported unless `catalog` is False, and `extra` serve options."""
    require_binary()
    stderr_path = tmp / "server.stderr"
    cmd = [
        str(NEUVO_BIN), "serve",
        "--host", "127.0.0.1", "--port", "0",
        "--db", str(db or tmp / "neuvo.sqlite"),
        "--public", str(REPO / "Public"),
        "--migrations", str(REPO / "Migrations"),
    ]
    if catalog:
        cmd += ["--catalog", str(catalog_file(tmp))]
    # Outside demo mode the server needs its public address (record documents link to it).
    if "--public-url" not in extra and "--demo" not in extra and not os.environ.get("NEUVO_PUBLIC_URL"):
        cmd += ["--public-url", "http://127.0.0.1"]
    cmd += list(extra)
    stderr_file = open(stderr_path, "wb")
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=stderr_file, cwd=tmp)
    stderr_file.close()

    lines: queue.Queue[str | None] = queue.Queue()
    stdout_lines: list[str] = []

    def pump():
        # Keeps draining stdout for the whole run so a chatty server never
        # blocks on a full pipe.
        for raw in proc.stdout:
            line = raw.decode("utf-8", errors="replace")
            stdout_lines.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()

    port = None
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while port is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                break  # stdout closed: server exited
            m = LISTEN_RE.search(line)
            if m:
                port = int(m.group(1))
        if port is None:
            srv = Server(proc, 0, stderr_path, stdout_lines)
            state = (f"exited with code {proc.poll()}" if proc.poll() is not None
                     else "still running (is the line flushed? stdout is a pipe, "
                          "so it is block-buffered unless the server flushes)")
            _stop(proc)
            pytest.fail(f"server did not print 'listening on http://127.0.0.1:PORT' "
                        f"within {STARTUP_TIMEOUT:.0f} s; it {state}\n"
                        f"command: {' '.join(cmd)}\n{srv.diagnostics()}")
        srv = Server(proc, port, stderr_path, stdout_lines)
        yield srv
        code = proc.poll()
        assert code is None, f"server exited early with code {code}\n{srv.diagnostics()}"
    finally:
        _stop(proc)


CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@contextlib.contextmanager
def chrome(width: int = 1280, height: int = 900):
    """Headless Debian Chromium through chromedriver, with the browser console kept for
    `get_log("browser")`; quits on exit. Each call is a separate browser: its own cookies and storage."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            pytest.fail(f"{path} is missing: run `bash .ci/setup` (Debian chromium and chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}"):
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(15)
    driver.set_script_timeout(10)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("neuvo")) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _server_alive(request):
    """Fails a test whose server died, with the server's output attached."""
    yield
    if "server" in request.fixturenames:
        srv = request.getfixturevalue("server")
        code = srv.proc.poll()
        if code is not None:
            pytest.fail(f"server exited with code {code} during this test\n"
                        f"{srv.diagnostics()}")
