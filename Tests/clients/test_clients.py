"""Client-compatibility tests: real HTTP clients against the real Neuvo binary.

The server binary is started once per module on an ephemeral loopback port and
exercised with curl (subprocess), h11 (a strict HTTP/1.1 parser over a raw
socket) and headless Chromium driven by selenium. These checks catch protocol
mistakes that the Swift unit tests, which speak to the server with our own
client code, cannot see.

Setup and run (from the repository root):

    bash .ci/setup          # chromium, chromedriver, curl, venv with pinned deps
    "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients

Environment:
    NEUVO_BIN   server binary (default: REPO/.build/debug/neuvo)

Nothing here is skipped: a missing binary, browser or driver is a failure.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
import uuid

import h11

from conftest import chrome

# The `server` fixture (the real binary on an ephemeral port) is in conftest.py.

CURL_TIMEOUT = 15


# --------------------------------------------------------------------------
# curl helpers
# --------------------------------------------------------------------------


class CurlResponse:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes,
                 raw: bytes):
        self.status = status
        self.headers = headers
        self.body = body
        self.raw = raw

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def all_headers(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError as e:
            raise AssertionError(f"body is not JSON ({e}): {self.body[:500]!r}") from None

    def __repr__(self) -> str:
        return f"<curl {self.status} {self.raw[:800]!r}>"


def _parse_curl_i(raw: bytes) -> CurlResponse:
    """Parse `curl -i` output, skipping interim (1xx) header blocks."""
    rest = raw
    while True:
        sep = rest.find(b"\r\n\r\n")
        assert sep >= 0, f"no header/body separator in curl output: {raw[:800]!r}"
        head, rest = rest[:sep].decode("latin-1"), rest[sep + 4:]
        status_line, *header_lines = head.split("\r\n")
        m = re.match(r"HTTP/1\.1 (\d{3})(?: .*)?$", status_line)
        assert m, f"bad status line {status_line!r} in {raw[:800]!r}"
        status = int(m.group(1))
        if 100 <= status < 200:
            continue
        headers = []
        for h in header_lines:
            name, _, value = h.partition(":")
            headers.append((name.strip(), value.strip()))
        return CurlResponse(status, headers, rest, raw)


def curl(*args: str, timeout: float = CURL_TIMEOUT) -> CurlResponse:
    cmd = ["curl", "-sS", "-i", "--http1.1", "--max-time", str(int(timeout)), *args]
    p = subprocess.run(cmd, capture_output=True, timeout=timeout + 5)
    assert p.returncode == 0, (f"curl failed (exit {p.returncode}): {' '.join(cmd)}\n"
                               f"stderr: {p.stderr.decode(errors='replace')}")
    return _parse_curl_i(p.stdout)


API_HEADERS = ["-H", "X-Requested-With: neuvo", "-H", "Content-Type: application/json"]


def _assert_error_body(resp: CurlResponse) -> None:
    body = resp.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), body
    assert "code" in body["error"] and "message" in body["error"], body
    assert isinstance(body["error"]["message"], str), body


# --------------------------------------------------------------------------
# curl
# --------------------------------------------------------------------------


def test_curl_index(server):
    r = curl(server.url("/"))
    assert r.status == 200, r
    ct = (r.header("content-type") or "").lower().replace(" ", "")
    assert ct == "text/html;charset=utf-8", r
    assert b"<html" in r.body.lower(), r


def test_curl_healthz(server):
    r = curl(server.url("/healthz"))
    assert r.status == 200, r
    assert r.json().get("status") == "ok", r


def test_curl_keepalive_reuses_connection(server):
    cmd = ["curl", "-sS", "--http1.1", "--max-time", str(CURL_TIMEOUT),
           "-o", "/dev/null", "-w", "%{num_connects}\n", server.url("/"),
           "-o", "/dev/null", server.url("/healthz")]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=CURL_TIMEOUT + 5)
    assert p.returncode == 0, p.stderr
    counts = p.stdout.split()
    assert counts == ["1", "0"], (f"expected num_connects 1 then 0 (connection reused), "
                                  f"got {counts}; stderr: {p.stderr}")


def test_curl_conversation_flow(server, tmp_path):
    jar = str(tmp_path / "cookies.txt")

    r = curl(*API_HEADERS, "--data-binary", "{}", "-c", jar,
             server.url("/api/v1/conversations"))
    assert r.status == 201, r
    conv = r.json()
    assert isinstance(conv.get("id"), str) and conv["id"], conv
    cid = conv["id"]
    cookies = r.all_headers("set-cookie")
    assert cookies, f"no Set-Cookie on conversation create: {r}"
    assert any("httponly" in c.lower() and "samesite=strict" in c.lower()
               for c in cookies), f"Set-Cookie lacks HttpOnly/SameSite=Strict: {cookies}"

    msg = json.dumps({"clientId": str(uuid.uuid4()), "text": "hei"})
    url = server.url(f"/api/v1/conversations/{cid}/messages")
    r1 = curl(*API_HEADERS, "--data-binary", msg, "-b", jar, "-c", jar, url)
    assert r1.status == 201, r1
    m1 = r1.json()
    assert "id" in m1, m1

    r2 = curl(*API_HEADERS, "--data-binary", msg, "-b", jar, "-c", jar, url)
    assert r2.status == 200, f"idempotent retry should be 200: {r2}"
    assert r2.json().get("id") == m1["id"], (m1, r2.json())

    r3 = curl("-b", jar, server.url(f"/api/v1/conversations/{cid}/events?after=0&wait=0"))
    assert r3.status == 200, r3
    ev = r3.json()
    events = ev.get("events")
    assert isinstance(events, list) and events, ev
    for e in events:
        assert isinstance(e.get("seq"), int) and not isinstance(e["seq"], bool), e
        assert isinstance(e.get("type"), str), e
        assert "at" in e and "data" in e, e
    assert isinstance(ev.get("next"), int), ev
    assert ev["next"] == events[-1]["seq"], ev
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs), seqs
    assert any(e["type"] == "message" and isinstance(e["data"], dict)
               and e["data"].get("text") == "hei" for e in events), ev


def test_curl_large_upload_expect_100_gets_413(server, tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b'{"pad":"' + b"a" * (2 * 1024 * 1024) + b'"}')
    cmd = ["curl", "-sS", "-v", "--http1.1", "--max-time", "10",
           "-o", str(tmp_path / "out"), "-w", "%{http_code} %{time_total}",
           *API_HEADERS, "--data-binary", f"@{big}",
           server.url("/api/v1/conversations")]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    elapsed = time.monotonic() - t0
    # The premise: curl really sent Expect: 100-continue for this body.
    assert "> Expect: 100-continue" in p.stderr, p.stderr[-2000:]
    assert p.returncode == 0, f"curl exit {p.returncode}: {p.stderr[-2000:]}"
    code, time_total = p.stdout.split()
    assert code == "413", f"expected 413, got {code}; {p.stderr[-2000:]}"
    assert elapsed < 3.0, f"curl took {elapsed:.2f} s"
    # curl waits 1 s for an interim/final response before sending the body
    # anyway; a prompt 413 must arrive well before that.
    assert float(time_total) < 0.9, (f"413 took {time_total} s: the server seems to "
                                     f"let curl's 1 s Expect timeout run out")
    body = (tmp_path / "out").read_bytes()
    _assert_error_body(CurlResponse(413, [], body, body))


# --------------------------------------------------------------------------
# h11
# --------------------------------------------------------------------------


def _h11_roundtrip(conn: h11.Connection, sock: socket.socket, request: h11.Request,
                   body: bytes = b"") -> tuple[h11.Response, bytes]:
    sock.sendall(conn.send(request))
    if body:
        sock.sendall(conn.send(h11.Data(data=body)))
    sock.sendall(conn.send(h11.EndOfMessage()))
    response = None
    chunks = []
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            data = sock.recv(65536)
            conn.receive_data(data)
            continue
        if isinstance(event, h11.InformationalResponse):
            continue
        if isinstance(event, h11.Response):
            response = event
        elif isinstance(event, h11.Data):
            chunks.append(bytes(event.data))
        elif isinstance(event, h11.EndOfMessage):
            break
        elif isinstance(event, h11.ConnectionClosed):
            raise AssertionError("server closed the connection mid-response")
    assert response is not None
    return response, b"".join(chunks)


def _h11_headers(resp: h11.Response) -> dict[str, str]:
    return {k.decode().lower(): v.decode("latin-1") for k, v in resp.headers}


def test_h11_keepalive_two_requests(server):
    host = f"127.0.0.1:{server.port}".encode()
    conn = h11.Connection(our_role=h11.CLIENT)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        r1, b1 = _h11_roundtrip(conn, sock, h11.Request(
            method="GET", target="/", headers=[("Host", host)]))
        assert r1.status_code == 200, (r1, b1[:300])
        assert b"<html" in b1.lower()
        assert conn.our_state is h11.DONE and conn.their_state is h11.DONE, \
            (conn.our_state, conn.their_state, _h11_headers(r1))
        conn.start_next_cycle()

        r2, b2 = _h11_roundtrip(conn, sock, h11.Request(
            method="GET", target="/healthz", headers=[("Host", host)]))
        assert r2.status_code == 200, (r2, b2[:300])
        assert json.loads(b2).get("status") == "ok", b2
        assert conn.our_state is h11.DONE and conn.their_state is h11.DONE, \
            (conn.our_state, conn.their_state, _h11_headers(r2))
        conn.start_next_cycle()
        assert conn.our_state is h11.IDLE


def test_h11_post_conversation(server):
    host = f"127.0.0.1:{server.port}".encode()
    body = b"{}"
    conn = h11.Connection(our_role=h11.CLIENT)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        resp, data = _h11_roundtrip(conn, sock, h11.Request(
            method="POST", target="/api/v1/conversations",
            headers=[("Host", host), ("X-Requested-With", "neuvo"),
                     ("Content-Type", "application/json"),
                     ("Content-Length", str(len(body)))]), body)
        assert resp.status_code == 201, (resp, data[:500])
        conv = json.loads(data)
        assert isinstance(conv.get("id"), str) and conv["id"], conv
        assert conn.their_state is h11.DONE
        conn.start_next_cycle()


# --------------------------------------------------------------------------
# headless Chromium
# --------------------------------------------------------------------------


FETCH_SCRIPT = """
const [url, init, done] = arguments;
fetch(url, init)
  .then(async r => done({status: r.status, body: await r.text()}))
  .catch(e => done({status: -1, body: String(e)}));
"""


def test_chromium_page_and_api(server):
    with chrome(1280, 900) as driver:
        driver.get(server.url("/"))
        assert driver.execute_script("return document.readyState") == "complete"
        assert driver.title.strip(), "page title is empty"

        # Let scripts the page runs on load settle, then read the console.
        time.sleep(0.5)
        severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        assert not severe, f"browser console errors: {severe}"

        res = driver.execute_async_script(FETCH_SCRIPT, "/api/v1/conversations", {
            "method": "POST",
            "headers": {"X-Requested-With": "neuvo", "Content-Type": "application/json"},
            "body": "{}",
        })
        assert res["status"] == 201, res
        conv = json.loads(res["body"])
        assert isinstance(conv.get("id"), str) and conv["id"], conv

        res = driver.execute_async_script(
            FETCH_SCRIPT, f"/api/v1/conversations/{conv['id']}/events?after=0&wait=0", {})
        assert res["status"] == 200, res
        assert isinstance(json.loads(res["body"]).get("events"), list), res
