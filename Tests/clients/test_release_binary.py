"""The release as the README makes it: `swift build -c release --static-swift-stdlib`,
then `neuvo bundle OUTPUT`. The bundled file alone, in an empty folder with only
its database path given and no NEUVO_* settings, serves the pages and the API;
it links no Swift runtime library, only Debian's own; the database is mode 0600.

Environment: NEUVO_RELEASE_BIN (.ci/test builds it; without it the test is skipped,
saying why).
"""

from __future__ import annotations

import os
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest

from conftest import LISTEN_RE, REPO

RELEASE = os.environ.get("NEUVO_RELEASE_BIN")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Path:
    if not RELEASE or not Path(RELEASE).is_file():
        pytest.skip("NEUVO_RELEASE_BIN is not set: .ci/test builds the release (swift build -c release --static-swift-stdlib)")
    folder = tmp_path_factory.mktemp("release")
    out = folder / "neuvo"
    made = subprocess.run([RELEASE, "bundle", str(out)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    return out


def test_it_links_no_swift_runtime_only_debian_libraries(bundled: Path):
    libraries = subprocess.run(["ldd", str(bundled)], capture_output=True, text=True, check=True).stdout
    names = {re.split(r"\s", line.strip())[0] for line in libraries.splitlines() if line.strip()}
    assert not [n for n in names if "swift" in n.lower() or "Foundation" in n or "icu" in n.lower()], libraries
    assert any(n.startswith("libsqlite3") for n in names) and any(n.startswith("libcrypt") for n in names), libraries


def test_it_serves_from_an_empty_folder_with_only_its_database_path(bundled: Path, tmp_path: Path):
    srv = tmp_path / "srv"
    srv.mkdir()
    db = srv / "neuvo.sqlite"
    proc = subprocess.Popen([str(bundled), "serve", "--port", "0", "--db", str(db), "--public-url", "http://127.0.0.1"], cwd=srv,
                            env={"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = None
        for line in proc.stdout:
            m = LISTEN_RE.search(line)
            if m:
                port = int(m.group(1))
                break
        assert port, "the bundled binary did not start"
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(base + "/") as page:
            assert page.status == 200 and b"<!DOCTYPE html>" in page.read()
        with urllib.request.urlopen(base + "/pro/") as page:
            assert page.status == 200
        opened = urllib.request.Request(base + "/api/v1/conversations", data=b"{}", method="POST",
                                        headers={"X-Requested-With": "neuvo", "Content-Type": "application/json"})
        with urllib.request.urlopen(opened) as answer:
            assert answer.status == 201
        assert db.stat().st_mode & 0o777 == 0o600
        assert len(list(tmp_path.glob("neuvo-assets-*"))) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert not list(tmp_path.glob("neuvo-assets-*")), "the unpacked files stay behind"
