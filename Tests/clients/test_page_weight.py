"""Page weight: what a real browser receives on the first view of each page, and
the gzip negotiation behind it (issue: resident page <= 60 KB, workspace <= 80 KB
over the wire, with Content-Encoding, Vary and working ETags).

The browser figures come from Chromium's own Resource Timing (`transferSize`:
headers and the encoded body, as received), for the page and every script, style
and icon it loads from Neuvo on a first view with an empty cache; API answers
(the catalog, the session) are data, not page weight, and are left out.
"""

from __future__ import annotations

import gzip
import urllib.request

import pytest

from conftest import chrome
from pages import eventually

RESIDENT_BUDGET = 60 * 1024
WORKSPACE_BUDGET = 80 * 1024


def fetch(server, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    request = urllib.request.Request(server.url(path), headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    except urllib.error.HTTPError as e:  # 304 arrives as an error
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def first_view_bytes(server, path: str, ready_script: str) -> tuple[int, list[tuple[str, int]]]:
    """Opens `path` in a new browser and sums what it received for the page itself and its files."""
    with chrome() as driver:
        driver.get(server.url(path))
        eventually(lambda: driver.execute_script(ready_script), f"{path} to render")
        # Wait until no new resource arrives for a moment: every module has loaded.
        def settled():
            first = driver.execute_script("return performance.getEntriesByType('resource').length")
            import time
            time.sleep(0.5)
            return driver.execute_script("return performance.getEntriesByType('resource').length") == first
        eventually(settled, "the page's files to finish loading")
        entries = driver.execute_script("""
            const nav = performance.getEntriesByType('navigation')[0];
            const all = [nav, ...performance.getEntriesByType('resource')];
            return all.map(e => [new URL(e.name).pathname, e.transferSize, e.encodedBodySize]);
        """)
    files = [(p, size) for p, size, _ in entries if not p.startswith("/api/")]
    assert all(size > 0 for _, size in files), f"a file came from a cache or without timing: {files}"
    return sum(size for _, size in files), files


def test_the_resident_page_weighs_at_most_60_kb_on_first_view(server):
    total, files = first_view_bytes(server, "/", "return document.querySelector('main') !== null "
                                                 "&& document.querySelectorAll('input, button').length > 2")
    assert len(files) > 5, f"the page and its modules: {files}"
    assert total <= RESIDENT_BUDGET, f"{total} bytes over the wire: {sorted(files, key=lambda f: -f[1])[:8]}"


def test_the_workspace_weighs_at_most_80_kb_on_first_view(server):
    total, files = first_view_bytes(server, "/pro/", "return document.querySelector('input[type=password]') !== null")
    assert len(files) > 5, f"the page and its modules: {files}"
    assert total <= WORKSPACE_BUDGET, f"{total} bytes over the wire: {sorted(files, key=lambda f: -f[1])[:8]}"


@pytest.mark.parametrize("path", ["/", "/app.css", "/pro/", "/shared/dom.js"])
def test_text_goes_gzipped_to_clients_that_take_it(server, path):
    status, plain_headers, plain = fetch(server, path)
    assert status == 200 and "content-encoding" not in plain_headers
    assert plain_headers["vary"] == "Accept-Encoding"

    status, headers, body = fetch(server, path, {"Accept-Encoding": "br, gzip;q=0.8"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["vary"] == "Accept-Encoding"
    assert headers["content-type"] == plain_headers["content-type"]
    assert gzip.decompress(body) == plain, "the same bytes once unzipped"
    assert len(body) < len(plain) * 0.6
    assert int(headers["content-length"]) == len(body)
    # Two representations, two entity tags; each revalidates as itself.
    assert headers["etag"] != plain_headers["etag"]
    assert fetch(server, path, {"Accept-Encoding": "gzip", "If-None-Match": headers["etag"]})[0] == 304
    assert fetch(server, path, {"If-None-Match": plain_headers["etag"]})[0] == 304
    assert fetch(server, path, {"If-None-Match": headers["etag"]})[0] == 200, "a plain client must not keep the zipped form"

    # Named gzip wins over a refusing `*`.
    assert fetch(server, path, {"Accept-Encoding": "*;q=0, GZIP"})[1].get("content-encoding") == "gzip"
    # gzip refused (q=0) or not offered: plain.
    for refusing in ("gzip;q=0", "identity", "deflate", "*;q=0"):
        status, headers, body = fetch(server, path, {"Accept-Encoding": refusing})
        assert "content-encoding" not in headers and body == plain, refusing

    # HEAD says what GET would send.
    status, headers, body = fetch(server, path, {"Accept-Encoding": "gzip"}, method="HEAD")
    assert status == 200 and body == b"" and headers["content-encoding"] == "gzip"


def test_json_is_zipped_and_a_small_file_is_not(server):
    status, headers, _ = fetch(server, "/openapi.json", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    # Under 1 KiB zipping saves less than its own header costs.
    status, headers, body = fetch(server, "/favicon.svg", {"Accept-Encoding": "gzip"})
    assert status == 200 and len(body) < 1024 and "content-encoding" not in headers
