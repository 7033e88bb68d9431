"""Real nginx with TLS in front of Neuvo: the README's configuration, run.

The module starts Debian's nginx as a child process (its own prefix, config, logs and
temp folders in a temporary folder) with a self-signed certificate made by openssl,
in front of the real binary started with `--trusted-proxy 127.0.0.1` and an https
`--public-url`, and a stand-in for the identification service that answers nginx's
`auth_request` subrequests the way a Suomi.fi service provider integration would.
Every HTTPS request verifies the certificate (it is the client's only CA).

Clients are told apart by their source address: Linux routes all of 127.0.0.0/8 to the
loopback, so a client bound to 127.0.0.2 reaches nginx (and nginx forwards it) as
127.0.0.2, while nginx itself reaches Neuvo from 127.0.0.1, the trusted proxy, and a
"stranger" talking to Neuvo directly comes from 127.0.0.3.

Checked: pages, modules and the API over HTTPS (HTTP/1.1 and HTTP/2), gzip and ETag/304
revalidation through nginx, HSTS and the plain-HTTP redirect; every `Set-Cookie` is
`Secure; HttpOnly; SameSite=Strict` (and `--secure-cookies`/`NEUVO_SECURE_COOKIES`
decide it, on by default behind a trusted proxy or an https public URL); long polls
parked through nginx are answered as soon as something happens, and one that waits
its whole 30 s comes back with its normal empty answer (no 504); photo bodies up to
Neuvo's limit pass, larger ones are refused by nginx from their head; the client's
address from `X-Forwarded-For` counts (sign-in lockouts, /metrics) only when the
trusted proxy sent it; the identity headers reach Neuvo only from the identification
service through nginx: a client's own are dropped by nginx, and sent to Neuvo directly
from any other address they are refused with 403.

Run (from the repository root):

    "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_tls_proxy.py

Environment: NEUVO_BIN (default REPO/.build/debug/neuvo), NGINX (default /usr/sbin/nginx).
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import sqlite3
import ssl
import struct
import subprocess
import threading
import time
import urllib.parse
import uuid
import zlib
from pathlib import Path

import pytest

from conftest import NEUVO_BIN, REPO, catalog_file, require_binary, running_server

NGINX = os.environ.get("NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl")

if not (os.path.isfile(NGINX) and os.access(NGINX, os.X_OK)) or OPENSSL is None:
    pytest.skip(f"nginx ({NGINX}) or openssl is missing: run `bash .ci/setup` (Debian nginx-light and openssl)",
                allow_module_level=True)

# The site as the README shows it (README.md, "Behind TLS: nginx"); @@NAME@@ are the
# deployment's own values: `readme_site()` fills in the README's, the test its own.
SITE = """\
# /etc/nginx/sites-available/neuvo
upstream neuvo {
    server @@NEUVO@@;
    keepalive 32;                 # idle connections kept open to Neuvo
    keepalive_timeout 50s;        # below Neuvo's own 60 s idle timeout
}

# The Suomi.fi identification integration (see /_identification below).
upstream neuvo_identification {
    server @@IDENTIFICATION@@;
    keepalive 8;
}

server {
    listen @@HTTP@@;
    server_name @@SERVER_NAME@@;
    return 301 https://$host$request_uri;
}

server {
    listen @@HTTPS@@ ssl http2;
    server_name @@SERVER_NAME@@;

    ssl_certificate     @@CERTIFICATE@@;
    ssl_certificate_key @@KEY@@;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:neuvo_tls:10m;
    ssl_session_tickets off;
    add_header Strict-Transport-Security "max-age=63072000" always;
    server_tokens off;

    # Neuvo's largest body but a photo (pre-questions, closing summary).
    client_max_body_size 64k;

    # To Neuvo: HTTP/1.1 with keep-alive, and who the client is.
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto https;
    # The identity comes only from the identification service's answer below:
    # whatever a client sends under these names is replaced, or dropped when empty.
    proxy_set_header X-Neuvo-Identity $neuvo_identity;
    proxy_set_header X-Neuvo-Identity-Name $neuvo_identity_name;
    proxy_set_header X-Neuvo-Mandate $neuvo_mandate;

    # Pages and their modules (Neuvo gzips them and answers If-None-Match).
    location / {
        proxy_pass http://neuvo;
    }

    location /api/ {
        auth_request /_identification;
        auth_request_set $neuvo_identity $upstream_http_x_neuvo_identity;
        auth_request_set $neuvo_identity_name $upstream_http_x_neuvo_identity_name;
        auth_request_set $neuvo_mandate $upstream_http_x_neuvo_mandate;
        proxy_pass http://neuvo;

        # Long polls park for up to 30 s: pass the answer on at once, and wait longer than they do.
        location ~ ^/api/v1/(conversations/[^/]+/events|pro/events|stats/live)$ {
            proxy_buffering off;
            proxy_read_timeout 45s;
            proxy_pass http://neuvo;
        }

        # Photos: up to Neuvo's 11 MiB read limit (10 MiB photos and a little over,
        # for its clear 413), streamed so that Neuvo refuses a stranger's from the head.
        location ~ ^/api/v1/(conversations|pro/cases)/[^/]+/photos$ {
            client_max_body_size 11m;
            proxy_request_buffering off;
            proxy_pass http://neuvo;
        }
    }

    # The identification service answers 2xx for every request: with
    # X-Neuvo-Identity (and X-Neuvo-Identity-Name, percent-encoded UTF-8) for a
    # browser it has identified, without them for everyone else; X-Neuvo-Mandate
    # lists the identity codes of the children (or principals) the person may act for.
    location = /_identification {
        internal;
        proxy_pass http://neuvo_identification/auth;
        proxy_pass_request_body off;
        client_max_body_size 0;   # the photo location has checked the size; this one sends no body
        proxy_set_header Content-Length "";
        proxy_set_header Connection "";
        proxy_set_header X-Original-URI $request_uri;
    }
}
"""

README_VALUES = {
    "NEUVO": "127.0.0.1:8080",
    "IDENTIFICATION": "127.0.0.1:8090",
    "HTTP": "80",
    "HTTPS": "443",
    "SERVER_NAME": "neuvo.example.fi",
    "CERTIFICATE": "/etc/ssl/neuvo/fullchain.pem",
    "KEY": "/etc/ssl/neuvo/privkey.pem",
}

# What surrounds the site on Debian (/etc/nginx/nginx.conf, with the worker
# connections the README asks for), with every path inside the test's folder.
MAIN = """\
@@USER@@
worker_processes 2;
pid @@PREFIX@@/nginx.pid;
error_log @@PREFIX@@/error.log warn;
worker_rlimit_nofile 4096;
events {
    worker_connections 2048;
}
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log @@PREFIX@@/access.log;
    gzip on;
    client_body_temp_path @@PREFIX@@/body;
    proxy_temp_path @@PREFIX@@/proxy;
    fastcgi_temp_path @@PREFIX@@/fastcgi;
    uwsgi_temp_path @@PREFIX@@/uwsgi;
    scgi_temp_path @@PREFIX@@/scgi;
    include @@PREFIX@@/site.conf;
}
"""


def fill(template: str, values: dict[str, str]) -> str:
    text = template
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    assert "@@" not in text, f"unfilled placeholder in {text}"
    return text


def readme_site() -> str:
    return fill(SITE, README_VALUES)


# --------------------------------------------------------------------------
# Fixed people
# --------------------------------------------------------------------------

NURSE, PASSWORD = "hanna", "Hoitaja-salasana-2024"
# Accounts only guessed at, one per throttling case (fewer than 20 failures each).
GUESSED = ("eero", "outi", "sari")
PROXY = "127.0.0.1"          # nginx reaches Neuvo from here: --trusted-proxy
CLIENT = "127.0.0.2"         # a browser, through nginx; the only --metrics-from address
STRANGER = "127.0.0.3"       # talks to Neuvo directly, not a proxy
OTHER_CLIENT = "127.0.0.4"   # another browser, through nginx
GUESSER = "127.0.0.5"        # guesses through nginx, writing its own X-Forwarded-For

# A session at the stand-in identification service → the verified identity it reports.
CHECKS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def identity_code(ddmmyy: str, century: str, individual: str) -> str:
    return f"{ddmmyy}{century}{individual}{CHECKS[int(ddmmyy + individual) % 31]}"


AINO = (identity_code("131052", "-", "308"), "Äinö Testihenkilö")
BERTIL = (identity_code("020304", "A", "123"), "Bertil Testperson")
IDP_SESSIONS = {"idp-aino": AINO, "idp-bertil": BERTIL}
# Aino's child, as the identification service's mandate check (Suomi.fi Valtuudet) names it.
AINOS_CHILD = identity_code("010520", "A", "246")
MANDATES = {"idp-aino": AINOS_CHILD}
assert AINO[0] == "131052-308T"


# --------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    done = subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"openssl failed:\n{done.stderr}"
    return cert, key


class IdentificationService:
    """Stands in for the Suomi.fi integration: nginx asks it about every API request
    (`auth_request`), passing the browser's cookies; it answers 204, with the identity
    headers for a browser holding one of its sessions."""

    def __init__(self):
        self.asked: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                outer.asked.append(self.headers.get("X-Original-URI", ""))
                cookies = {}
                for part in (self.headers.get("Cookie") or "").split(";"):
                    name, _, value = part.strip().partition("=")
                    cookies[name] = value
                self.send_response(204)
                person = IDP_SESSIONS.get(cookies.get("idp_session", ""))
                if person:
                    self.send_header("X-Neuvo-Identity", person[0])
                    self.send_header("X-Neuvo-Identity-Name", urllib.parse.quote(person[1], safe=""))
                if cookies.get("idp_session", "") in MANDATES:
                    self.send_header("X-Neuvo-Mandate", MANDATES[cookies["idp_session"]])
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Nginx:
    def __init__(self, prefix: Path, https: int, plain: int, neuvo: int, identification: int, cert: Path, key: Path):
        self.prefix, self.https, self.plain = prefix, https, plain
        for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / folder).mkdir(parents=True, exist_ok=True)
        site = fill(SITE, {
            "NEUVO": f"127.0.0.1:{neuvo}", "IDENTIFICATION": f"127.0.0.1:{identification}",
            "HTTP": f"127.0.0.1:{plain}", "HTTPS": f"127.0.0.1:{https}", "SERVER_NAME": "localhost",
            "CERTIFICATE": str(cert), "KEY": str(key)})
        (prefix / "site.conf").write_text(site)
        # As root, nginx's workers would otherwise run as nobody, who cannot write the temp folders here.
        main = fill(MAIN, {"PREFIX": str(prefix), "USER": "user root;" if os.geteuid() == 0 else ""})
        (prefix / "nginx.conf").write_text(main)
        self.error_log = prefix / "error.log"
        base = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(self.error_log)]
        checked = subprocess.run(base + ["-t", "-q"], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        assert checked.returncode == 0, f"nginx -t refused the configuration:\n{checked.stderr}\n{site}"
        self.proc = subprocess.Popen(base + ["-g", "daemon off;"], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        try:
            while True:
                assert self.proc.poll() is None, f"nginx exited with {self.proc.returncode}\n{self.log()}"
                try:
                    socket.create_connection(("127.0.0.1", https), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, f"nginx did not listen on {https}\n{self.log()}"
                    time.sleep(0.05)
        except BaseException:
            self.stop()
            raise

    def log(self) -> str:
        try:
            return self.error_log.read_text(errors="replace")[-4000:]
        except OSError:
            return "<no error log>"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


class Stack:
    pass


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Neuvo behind the trusted proxy, with the nurse and the guessed-at accounts added before it starts."""
    require_binary()
    tmp = tmp_path_factory.mktemp("tls-neuvo")
    db = tmp / "neuvo.sqlite"
    where = ["--db", str(db), "--migrations", str(REPO / "Migrations")]
    users = [(NURSE, "Hanna Hoitaja", PASSWORD)] + [(name, name.title(), f"{name}-oikea-salasana-1") for name in GUESSED]
    commands = [(["catalog", "import", str(catalog_file(tmp))], {})]
    commands += [(["user", "add", username, "--name", name, "--title", "sairaanhoitaja", "--queues", "nurse"],
                  {"NEUVO_PASSWORD": password}) for username, name, password in users]
    for args, env in commands:
        done = subprocess.run([str(NEUVO_BIN), *args, *where], cwd=tmp, capture_output=True, text=True, timeout=60,
                              env={**os.environ, **env}, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"neuvo {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    https, plain = free_port(), free_port()
    # No --secure-cookies: behind --trusted-proxy they are Secure by default.
    with running_server(tmp, db=db, catalog=False,
                        extra=("--trusted-proxy", PROXY, "--public-url", f"https://127.0.0.1:{https}",
                               "--metrics-from", CLIENT)) as srv:
        srv.db = db
        srv.https_port, srv.plain_port = https, plain
        yield srv


@pytest.fixture(scope="module")
def stack(server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tls-nginx")
    cert, key = self_signed(tmp)
    identification = IdentificationService()
    try:
        nginx = Nginx(tmp / "nginx", server.https_port, server.plain_port, server.port, identification.port, cert, key)
    except BaseException:
        identification.close()
        raise
    s = Stack()
    s.server, s.nginx, s.identification, s.cert = server, nginx, identification, cert
    s.tls = ssl.create_default_context(cafile=str(cert))  # verifies the chain and the address, nothing disabled
    s.cookies_seen = []
    try:
        # The poll that waits its whole time runs beside the other tests (see test_a_poll_that_waits_its_whole_time…).
        s.full_wait = start_full_wait(s)
        yield s
    finally:
        nginx.stop()
        identification.close()
        log = nginx.log()
        for bad in ("upstream timed out", "upstream prematurely closed", "[crit]", "[alert]", "[emerg]"):
            assert bad not in log, f"nginx's error log has {bad!r}:\n{log}"


# --------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------


class Reply:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes, seconds: float):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    def header(self, name: str) -> str | None:
        found = self.all(name)
        return found[0] if found else None

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


def check_cookie(line: str, secure: bool = True) -> None:
    attributes = [a.strip().lower() for a in line.split(";")[1:]]
    assert "httponly" in attributes, line
    assert "samesite=strict" in attributes, line
    assert ("secure" in attributes) == secure, f"Secure should be {'set' if secure else 'absent'}: {line}"


class Browser:
    """One client with its own cookies, from its own source address: through nginx over
    HTTPS (verifying the test's certificate), or straight to Neuvo over plain HTTP."""

    def __init__(self, stack: Stack, source: str = CLIENT, direct: bool = False):
        self.stack, self.source, self.direct = stack, source, direct
        # (name, path) → value: the professional's sign-in both sets neuvo_pro at /api/v1 and clears it at /api/v1/pro.
        self.jar: dict[tuple[str, str], str] = {}
        self.id: str | None = None

    def cookie_header(self, path: str) -> str:
        """The Cookie header a browser would send to `path`: matching paths, the longest first."""
        target = path.split("?")[0]
        found = sorted(((p, n, v) for (n, p), v in self.jar.items()
                        if p == "/" or target == p or target.startswith(p.rstrip("/") + "/")), key=lambda c: -len(c[0]))
        return "; ".join(f"{n}={v}" for _, n, v in found)

    def set_cookie(self, name: str, value: str, path: str = "/") -> None:
        self.jar[(name, path)] = value

    def connection(self, timeout: float = 40) -> http.client.HTTPConnection:
        if self.direct:
            return http.client.HTTPConnection("127.0.0.1", self.stack.server.port, timeout=timeout,
                                              source_address=(self.source, 0))
        return http.client.HTTPSConnection("127.0.0.1", self.stack.server.https_port, timeout=timeout,
                                           context=self.stack.tls, source_address=(self.source, 0))

    def call(self, method: str, path: str, body=None, headers: dict | None = None, raw: bytes | None = None,
             conn: http.client.HTTPConnection | None = None) -> Reply:
        all_headers = {}
        if body is not None or (raw is not None and method != "GET"):
            all_headers.update({"Content-Type": "application/json", "X-Requested-With": "neuvo"})
        if cookie := self.cookie_header(path):
            all_headers["Cookie"] = cookie
        all_headers.update(headers or {})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        own = conn is None
        conn = conn or self.connection()
        started = time.monotonic()
        try:
            conn.request(method, path, body=data, headers=all_headers)
            r = conn.getresponse()
            reply = Reply(r.status, r.getheaders(), r.read(), time.monotonic() - started)
        finally:
            if own:
                conn.close()
        for line in reply.all("set-cookie"):
            check_cookie(line)  # this server has no --secure-cookies: Secure by default behind the proxy
            if not self.direct:
                self.stack.cookies_seen.append(line)
            name, _, rest = line.partition("=")
            value, *attributes = [a.strip() for a in rest.split(";")]
            path = next((a[5:] for a in attributes if a.lower().startswith("path=")), "/")
            if "max-age=0" in (a.lower() for a in attributes):
                self.jar.pop((name, path), None)
            else:
                self.jar[(name, path)] = value
        return reply

    # A resident
    def open(self, headers: dict | None = None) -> Reply:
        r = self.call("POST", "/api/v1/conversations", {}, headers=headers)
        assert r.status == 201, r
        self.id = r.json["id"]
        return r

    def queue(self) -> dict:
        r = self.call("POST", f"/api/v1/conversations/{self.id}/pre-questionnaire", {
            "serviceId": "skin", "subject": {"kind": "self"},
            "answers": {"duration": "days", "spreading": False, "breathing": False, "fever": False}})
        assert r.status == 200, r
        return r.json

    def events(self, after: int, wait: int, position: int | None = None) -> Reply:
        query = f"after={after}&wait={wait}" + ("" if position is None else f"&position={position}")
        return self.call("GET", f"/api/v1/conversations/{self.id}/events?{query}")

    # A professional
    def sign_in(self, username: str, password: str) -> Reply:
        return self.call("POST", "/api/v1/pro/login", {"username": username, "password": password})


def parked(stack: Stack) -> float:
    """How many long polls Neuvo holds parked, from /metrics (read from the one allowed address)."""
    r = Browser(stack, CLIENT, direct=True).call("GET", "/metrics")
    assert r.status == 200, r
    for line in r.body.decode().splitlines():
        if line.startswith("neuvo_http_parked_requests "):
            return float(line.split()[1])
    raise AssertionError("no neuvo_http_parked_requests in /metrics")


def wait_until_parked(stack: Stack, count: float, what: str) -> None:
    deadline = time.monotonic() + 10
    while parked(stack) < count:
        assert time.monotonic() < deadline, f"{what} was not parked at Neuvo"
        time.sleep(0.05)


class Background:
    """A request in a thread, with when it was answered."""

    def __init__(self, run):
        self.reply: Reply | None = None
        self.error: BaseException | None = None
        self.answered_at: float | None = None

        def go():
            try:
                self.reply = run()
            except BaseException as e:  # reported by result()
                self.error = e
            self.answered_at = time.monotonic()

        self.thread = threading.Thread(target=go, daemon=True)
        self.thread.start()

    def result(self, timeout: float) -> Reply:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), f"no answer within {timeout} s"
        if self.error:
            raise self.error
        return self.reply


def start_full_wait(stack: Stack) -> Background:
    quiet = Browser(stack)
    quiet.open()  # a conversation nobody touches: only its own stream, which stays quiet
    first = quiet.events(0, 0)
    assert first.status == 200, first
    after = first.json["next"]
    started = time.monotonic()
    poll = Background(lambda: quiet.events(after, 30))
    poll.started = started
    poll.after = after
    return poll


def png(padding: int = 0) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\0\xff\0\0\xff\0\0" * 2
    padded = chunk(b"prVt", b"A" * padding) if padding else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + padded + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


def test_long_polls_through_nginx_answer_as_soon_as_something_happens(stack):
    nurse = Browser(stack, OTHER_CLIENT)
    assert nurse.sign_in(NURSE, PASSWORD).status == 200
    first = nurse.call("GET", "/api/v1/pro/events?after=0&wait=0")
    assert first.status == 200, first
    cursor = first.json["next"]
    baseline = parked(stack)

    # The workspace's stream is parked through nginx; a resident queues a case.
    pro_poll = Background(lambda: nurse.call("GET", f"/api/v1/pro/events?after={cursor}&wait=30"))
    wait_until_parked(stack, baseline + 1, "the professional's poll")
    resident = Browser(stack)
    resident.open()
    queued = resident.queue()
    done_at = time.monotonic()
    r = pro_poll.result(10)
    assert r.status == 200, r
    assert any(e.get("conversationId") == resident.id for e in r.json["events"]), r
    assert pro_poll.answered_at - done_at < 3, f"the workspace heard after {pro_poll.answered_at - done_at:.2f} s"
    assert r.header("content-type").startswith("application/json")

    # The resident's stream is parked; the nurse picks the case.
    progress = resident.events(0, 0, position=queued["position"])
    after = progress.json["next"]
    resident_poll = Background(lambda: resident.events(after, 30, position=queued["position"]))
    wait_until_parked(stack, baseline + 1, "the resident's poll")
    time.sleep(0.3)
    assert resident_poll.answered_at is None, "nothing happened yet, the poll must still be waiting"
    picked_at = time.monotonic()
    assert nurse.call("POST", "/api/v1/pro/pick", {"conversationId": resident.id}).status == 200
    r = resident_poll.result(10)
    assert r.status == 200 and r.json["events"], r
    assert r.json["status"] != "queued", r
    assert resident_poll.answered_at - picked_at < 3, f"the resident heard after {resident_poll.answered_at - picked_at:.2f} s"

    # Parked again; the nurse writes.
    after = r.json["next"]
    resident_poll = Background(lambda: resident.events(after, 30))
    wait_until_parked(stack, baseline + 1, "the resident's poll")
    sent_at = time.monotonic()
    message = nurse.call("POST", f"/api/v1/pro/cases/{resident.id}/messages",
                         {"clientId": str(uuid.uuid4()), "text": "Hei, katson asiaasi nyt."})
    assert message.status == 201, message
    r = resident_poll.result(10)
    assert r.status == 200 and any("Hei, katson" in json.dumps(e, ensure_ascii=False) for e in r.json["events"]), r
    assert resident_poll.answered_at - sent_at < 3

    # A short wait that runs out comes back with the normal empty answer.
    after = r.json["next"]
    quiet = resident.events(after, 2)
    assert quiet.status == 200 and quiet.json["events"] == [] and quiet.json["next"] == after, quiet
    assert 1.8 < quiet.seconds < 5, quiet.seconds


def test_pages_and_modules_over_https_gzipped_and_revalidated(stack):
    browser = Browser(stack)
    for path, kind, marker in (("/", "text/html", b"<html"), ("/pro/", "text/html", b"<html"),
                               ("/resident/main.js", "javascript", b"import")):
        plain = browser.call("GET", path)
        assert plain.status == 200, (path, plain)
        assert kind in plain.header("content-type"), (path, plain.headers)
        assert plain.header("content-encoding") is None
        assert marker in plain.body.lower(), path

        zipped = browser.call("GET", path, headers={"Accept-Encoding": "gzip"})
        assert zipped.status == 200, (path, zipped)
        assert zipped.header("content-encoding") == "gzip", (path, zipped.headers)
        assert "accept-encoding" in (zipped.header("vary") or "").lower(), (path, zipped.headers)
        assert gzip.decompress(zipped.body) == plain.body, path
        assert len(zipped.body) < len(plain.body) / 2, path
        etag = zipped.header("etag")
        # nginx passes Neuvo's strong ETag unchanged (its own gzip would have made it weak).
        direct = Browser(stack, direct=True).call("GET", path, headers={"Accept-Encoding": "gzip"})
        assert etag and not etag.startswith("W/") and etag == direct.header("etag"), (path, etag, direct.headers)
        assert plain.header("etag") != etag, "each form has its own ETag"

        again = browser.call("GET", path, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
        assert again.status == 304 and again.body == b"", (path, again)
        assert browser.call("GET", path, headers={"If-None-Match": plain.header("etag")}).status == 304, path

    # nginx's own answers and Neuvo's both carry HSTS; the version is not advertised.
    page = browser.call("GET", "/")
    assert page.header("strict-transport-security") == "max-age=63072000", page.headers
    assert page.header("server") == "nginx", page.headers
    assert "default-src 'self'" in page.header("content-security-policy"), "Neuvo's own headers pass through"
    health = browser.call("GET", "/healthz")
    assert health.status == 200 and health.json == {"status": "ok"}, health
    openapi = browser.call("GET", "/openapi.json")
    assert openapi.status == 200 and openapi.json["openapi"].startswith("3."), openapi


def test_several_requests_on_one_tls_connection(stack):
    browser = Browser(stack)
    conn = browser.connection()
    try:
        for path in ("/healthz", "/api/v1/catalog", "/api/v1/session", "/healthz"):
            r = browser.call("GET", path, conn=conn)
            assert r.status == 200, (path, r)
    finally:
        conn.close()


def connections_from_the_proxy(port: int) -> int:
    """Neuvo's established connections whose peer is 127.0.0.1 (nginx), from /proc/net/tcp."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state = fields[1], fields[2], fields[3]
        if state == "01" and int(local.split(":")[1], 16) == port and remote.split(":")[0] == "0100007F":
            count += 1
    return count


def test_nginx_keeps_its_connections_to_neuvo_open(stack):
    # With HTTP/1.1 and `Connection ""` to the upstream, connections go back to the keepalive pool
    # after each answer instead of closing: idle ones stay open besides those holding parked polls.
    browser = Browser(stack)
    for _ in range(20):
        assert browser.call("GET", "/healthz").status == 200
    time.sleep(0.2)
    idle = connections_from_the_proxy(stack.server.port) - parked(stack)
    assert 1 <= idle <= 4, f"{idle} idle connections from nginx to Neuvo after 20 requests one after another"


def test_the_certificate_is_verified(stack):
    # A client that does not trust the test's CA refuses the connection: verification is really on.
    conn = http.client.HTTPSConnection("127.0.0.1", stack.server.https_port, timeout=10,
                                       context=ssl.create_default_context())
    with pytest.raises(ssl.SSLCertVerificationError):
        conn.request("GET", "/healthz")
    conn.close()


def test_plain_http_is_sent_to_https(stack):
    conn = http.client.HTTPConnection("127.0.0.1", stack.server.plain_port, timeout=10)
    conn.request("GET", "/pro/?x=1")
    r = conn.getresponse()
    r.read()
    conn.close()
    assert r.status == 301 and r.getheader("location") == "https://127.0.0.1/pro/?x=1", (r.status, r.getheaders())
    assert r.getheader("set-cookie") is None


def test_http2_pages_api_and_a_long_poll(stack):
    curl = shutil.which("curl")
    if curl is None:
        pytest.fail("curl is missing: run `bash .ci/setup`")
    resident = Browser(stack)
    resident.open()
    base = f"https://127.0.0.1:{stack.server.https_port}"
    cookie = resident.cookie_header("/api/v1/conversations")
    for path, headers in (("/", []), ("/api/v1/catalog", []),
                          (f"/api/v1/conversations/{resident.id}/events?after=0&wait=1", ["-H", f"Cookie: {cookie}"])):
        done = subprocess.run([curl, "--http2", "-sS", "--cacert", str(stack.cert), "-o", "/dev/null",
                               "-w", "%{http_version} %{http_code}", *headers, base + path],
                              capture_output=True, text=True, timeout=30)
        assert done.stdout == "2 200", (path, done.stdout, done.stderr)


def test_every_cookie_is_secure_httponly_and_strict(stack):
    resident = Browser(stack)
    opened = resident.open()
    [line] = opened.all("set-cookie")
    assert line.startswith("neuvo_resident=") and "Path=/;" in line, line
    assert resident.call("GET", "/api/v1/session").json["identified"] is False

    nurse = Browser(stack, OTHER_CLIENT)
    signed_in = nurse.sign_in(NURSE, PASSWORD)
    assert signed_in.status == 200, signed_in
    lines = signed_in.all("set-cookie")
    assert any(l.startswith("neuvo_pro=") and "Path=/api/v1;" in l and "Max-Age=0" not in l for l in lines), lines
    assert nurse.call("GET", "/api/v1/pro/me").json["username"] == NURSE
    out = nurse.call("POST", "/api/v1/pro/logout", raw=b"")
    assert out.status == 204, out
    assert len(out.all("set-cookie")) == 2, out.headers  # both clearing cookies, each checked like the rest
    assert nurse.call("GET", "/api/v1/pro/me").status == 401
    # Every Set-Cookie any test saw through nginx was checked when it arrived.
    assert {l.split("=")[0] for l in stack.cookies_seen} >= {"neuvo_resident", "neuvo_pro"}


def test_photos_up_to_the_limit_pass_larger_bodies_are_refused_by_nginx(stack):
    resident = Browser(stack)
    resident.open()
    resident.queue()
    path = f"/api/v1/conversations/{resident.id}/photos"
    for padding in (0, 1_000_000):  # a small one, and one far over the 64 KiB the other routes get
        r = resident.call("POST", path, raw=png(padding),
                          headers={"Content-Type": "image/png", "X-Requested-With": "neuvo"})
        assert r.status == 201, (padding, r)
    # Over Neuvo's 11 MiB read limit: nginx answers 413 from the head, before any of the body.
    conn = resident.connection()
    conn.putrequest("POST", path)
    for name, value in (("Content-Type", "image/png"), ("X-Requested-With", "neuvo"),
                        ("Content-Length", str(11 * 1024 * 1024 + 1)),
                        ("Cookie", resident.cookie_header(path))):
        conn.putheader(name, value)
    conn.endheaders()
    r = conn.getresponse()
    r.read()
    conn.close()
    assert r.status == 413
    # An ordinary route takes no more than 64 KiB.
    big = resident.call("POST", f"/api/v1/conversations/{resident.id}/messages",
                        raw=json.dumps({"clientId": str(uuid.uuid4()), "text": "x" * 70_000}).encode())
    assert big.status == 413, big


def test_the_identity_comes_only_from_the_identification_service(stack):
    # Identified at the identification service: nginx asks it and passes on what it says.
    aino = Browser(stack)
    aino.set_cookie("idp_session", "idp-aino")
    aino.open()
    session = aino.call("GET", "/api/v1/session").json
    assert session["identified"] is True, session
    assert session["identity"] == {"method": "proxy", "code": "131052-****", "name": AINO[1]}, session
    assert any(uri == "/api/v1/conversations" for uri in stack.identification.asked)

    # A client writing the headers itself: nginx drops them, Neuvo never sees them.
    forger = Browser(stack)
    forged = {"X-Neuvo-Identity": BERTIL[0], "X-Neuvo-Identity-Name": "Bertil"}
    forger.open(headers=forged)
    session = forger.call("GET", "/api/v1/session", headers=forged).json
    assert session == {"identified": False, "demoIdentification": False}, session
    # Not even an invalid code reaches Neuvo (from the trusted proxy it would be a 400).
    r = forger.call("GET", "/api/v1/session", headers={"X-Neuvo-Identity": "not-a-code"})
    assert r.status == 200 and r.json["identified"] is False, r
    r = forger.call("GET", "/api/v1/session", headers={"X-Neuvo-Identity-Name": "Mallory"})
    assert r.status == 200 and "identity" not in r.json, r
    # Nor in the locations of their own (a location with its own proxy_set_header would lose the server's).
    r = forger.call("GET", f"/api/v1/conversations/{forger.id}/events?after=0&wait=0", headers={"X-Neuvo-Identity": "not-a-code"})
    assert r.status == 200, r
    r = forger.call("POST", f"/api/v1/conversations/{forger.id}/photos", raw=png(),
                    headers={"Content-Type": "image/png", "X-Requested-With": "neuvo", "X-Neuvo-Identity": "not-a-code"})
    assert r.status == 201, r
    assert forger.call("GET", "/api/v1/session").json["identified"] is False

    # Identified as Aino but claiming to be Bertil: the service's word wins.
    claimer = Browser(stack)
    claimer.set_cookie("idp_session", "idp-aino")
    claimer.open(headers={"X-Neuvo-Identity": BERTIL[0], "X-Neuvo-Identity-Name": "Bertil"})
    session = claimer.call("GET", "/api/v1/session", headers={"X-Neuvo-Identity": BERTIL[0]}).json
    assert session["identity"]["code"] == "131052-****" and session["identity"]["name"] == AINO[1], session

    # Straight to Neuvo from an address that is not the proxy: refused, whatever the code.
    stranger = Browser(stack, STRANGER, direct=True)
    for method, path, body in (("POST", "/api/v1/conversations", {}), ("GET", "/api/v1/session", None)):
        r = stranger.call(method, path, body, headers={"X-Neuvo-Identity": BERTIL[0]})
        assert r.status == 403 and r.json["error"]["code"] == "untrusted_identity", (path, r)
        assert r.all("set-cookie") == [], "no session is started for a refused request"
    r = stranger.call("GET", "/api/v1/session")
    assert r.status == 200 and r.json["identified"] is False, "without the header the stranger is an ordinary visitor"

    # The trust is exactly the address: from 127.0.0.1 (where nginx is) Neuvo believes the header.
    local = Browser(stack, PROXY, direct=True)
    local.open(headers={"X-Neuvo-Identity": BERTIL[0]})
    session = local.call("GET", "/api/v1/session").json
    assert session["identified"] is True and session["identity"]["code"] == "020304A****", session


SKIN_ANSWERS = {"duration": "days", "spreading": False, "breathing": False, "fever": False}


def stored_subject(stack: Stack, conversation_id: str) -> dict:
    with contextlib.closing(sqlite3.connect(f"file:{stack.server.db}?mode=ro", uri=True)) as db:
        return json.loads(db.execute("SELECT subject FROM conversations WHERE id = ?", (conversation_id,)).fetchone()[0])


def test_a_mandate_comes_only_from_the_identification_service(stack):
    # Aino's child's code, listed by the identification service: the record may call it checked.
    aino = Browser(stack)
    aino.set_cookie("idp_session", "idp-aino")
    aino.open()
    child = {"kind": "child", "firstName": "Eemil", "identityCode": AINOS_CHILD}
    r = aino.call("POST", f"/api/v1/conversations/{aino.id}/pre-questionnaire",
                  {"serviceId": "skin", "subject": child, "answers": SKIN_ANSWERS}, headers={"X-Requested-With": "neuvo"})
    assert r.status == 200, r
    subject = stored_subject(stack, aino.id)
    assert subject["identityCode"] == AINOS_CHILD and subject["identitySource"] == "mandate", subject
    assert subject["birthDate"] == "2020-05-01", subject

    # Bertil writes a mandate header himself: nginx drops it; the code he gives is only his word.
    bertil = Browser(stack)
    bertil.set_cookie("idp_session", "idp-bertil")
    bertil.open()
    r = bertil.call("POST", f"/api/v1/conversations/{bertil.id}/pre-questionnaire",
                    {"serviceId": "skin", "subject": child, "answers": SKIN_ANSWERS},
                    headers={"X-Requested-With": "neuvo", "X-Neuvo-Mandate": AINOS_CHILD})
    assert r.status == 200, r
    assert stored_subject(stack, bertil.id)["identitySource"] == "guardian"

    # Straight to Neuvo from elsewhere: refused.
    stranger = Browser(stack, STRANGER, direct=True)
    r = stranger.call("GET", "/api/v1/session", headers={"X-Neuvo-Mandate": AINOS_CHILD})
    assert r.status == 200, "a mandate is read where whose matter it is is said, not on every request"
    stranger.open()
    r = stranger.call("POST", f"/api/v1/conversations/{stranger.id}/pre-questionnaire",
                      {"serviceId": "skin", "subject": child, "answers": SKIN_ANSWERS},
                      headers={"X-Requested-With": "neuvo", "X-Neuvo-Mandate": AINOS_CHILD})
    assert r.status == 403 and r.json["error"]["code"] == "untrusted_identity", r


def lockouts(stack: Stack, username: str) -> list[str]:
    with contextlib.closing(sqlite3.connect(f"file:{stack.server.db}?mode=ro", uri=True)) as db:
        return [row[0] for row in db.execute("SELECT address FROM sign_in_lockouts WHERE username = ?", (username,))]


def guess(browser: Browser, username: str, times: int, forwarded=None) -> list[int]:
    statuses = []
    for i in range(times):
        headers = {"X-Forwarded-For": forwarded(i)} if forwarded else None
        statuses.append(browser.call("POST", "/api/v1/pro/login", {"username": username, "password": f"arvaus-{i}"},
                                     headers=headers).status)
    return statuses


def test_the_forwarded_address_counts_only_from_the_trusted_proxy(stack):
    eero, outi, sari = GUESSED

    # Through nginx, each client counts on its own: one guesser is shut out of the account...
    guesser = Browser(stack, CLIENT)
    assert guess(guesser, eero, 5) == [401] * 5
    refused = guesser.sign_in(eero, f"{eero}-oikea-salasana-1")
    assert refused.status == 429 and refused.header("retry-after"), refused
    assert lockouts(stack, eero) == [CLIENT], "the lockout names the client, not the proxy"
    # ...while the same account still signs in from another workstation behind the same proxy.
    assert Browser(stack, OTHER_CLIENT).sign_in(eero, f"{eero}-oikea-salasana-1").status == 200

    # A guesser writing its own X-Forwarded-For through nginx: nginx appends the real address, which is what counts.
    sly = Browser(stack, GUESSER)
    assert guess(sly, outi, 5, forwarded=lambda i: f"198.51.100.{i + 1}") == [401] * 5
    assert guess(sly, outi, 1, forwarded=lambda i: "198.51.100.99") == [429]
    assert lockouts(stack, outi) == [GUESSER]

    # Straight to Neuvo from a stranger: its X-Forwarded-For is not believed, each guess counts at its own address.
    stranger = Browser(stack, STRANGER, direct=True)
    assert guess(stranger, sari, 5, forwarded=lambda i: f"203.0.113.{i + 1}") == [401] * 5
    assert guess(stranger, sari, 1, forwarded=lambda i: "203.0.113.99") == [429]
    assert lockouts(stack, sari) == [STRANGER]

    # /metrics opens to 127.0.0.2 only (--metrics-from): through nginx as that client, not as another...
    assert Browser(stack, CLIENT).call("GET", "/metrics").status == 200
    assert Browser(stack, OTHER_CLIENT).call("GET", "/metrics").status == 404
    assert Browser(stack, OTHER_CLIENT).call("GET", "/metrics", headers={"X-Forwarded-For": CLIENT}).status == 404
    # ...and not to a stranger claiming to be it, nor to the proxy's own address.
    assert Browser(stack, STRANGER, direct=True).call("GET", "/metrics", headers={"X-Forwarded-For": CLIENT}).status == 404
    assert Browser(stack, PROXY, direct=True).call("GET", "/metrics").status == 404
    assert Browser(stack, CLIENT, direct=True).call("GET", "/metrics").status == 200


def test_a_poll_that_waits_its_whole_time_comes_back_empty_not_504(stack):
    poll = stack.full_wait
    r = poll.result(60)
    took = poll.answered_at - poll.started
    assert r.status == 200, f"{r} after {took:.1f} s\n{stack.nginx.log()}"
    assert r.json["events"] == [] and r.json["next"] == poll.after, r
    assert 29 < took < 40, f"answered after {took:.1f} s, the wait was 30 s"


@pytest.mark.parametrize("flags, env, secure", [
    (["--trusted-proxy", "127.0.0.1"], {}, True),
    (["--public-url", "https://neuvo.example.fi"], {}, True),
    ([], {"NEUVO_PUBLIC_URL": "https://neuvo.example.fi"}, True),
    ([], {"NEUVO_TRUSTED_PROXIES": "127.0.0.1"}, True),
    (["--public-url", "http://127.0.0.1:8080"], {}, False),
    ([], {}, False),
    (["--trusted-proxy", "127.0.0.1", "--secure-cookies", "off"], {}, False),
    (["--trusted-proxy", "127.0.0.1"], {"NEUVO_SECURE_COOKIES": "off"}, False),
    ([], {"NEUVO_SECURE_COOKIES": "on"}, True),
    (["--secure-cookies", "off"], {"NEUVO_SECURE_COOKIES": "on"}, False),
], ids=["trusted-proxy", "https-public-url", "https-public-url-env", "trusted-proxy-env", "http-public-url",
        "nothing", "flag-off", "env-off", "env-on", "flag-beats-env"])
def test_secure_cookies_flag_environment_and_default(tmp_path, monkeypatch, flags, env, secure):
    for name in ("NEUVO_SECURE_COOKIES", "NEUVO_TRUSTED_PROXIES", "NEUVO_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with running_server(tmp_path, catalog=False, extra=tuple(flags)) as srv:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        conn.request("POST", "/api/v1/conversations", body=b"{}",
                     headers={"Content-Type": "application/json", "X-Requested-With": "neuvo"})
        r = conn.getresponse()
        r.read()
        conn.close()
        assert r.status == 201
        [line] = [v for k, v in r.getheaders() if k.lower() == "set-cookie"]
        check_cookie(line, secure=secure)


def test_secure_cookies_takes_only_on_or_off(tmp_path):
    done = subprocess.run([str(NEUVO_BIN), "serve", "--port", "0", "--db", str(tmp_path / "x.sqlite"),
                           "--secure-cookies", "sometimes"], capture_output=True, text=True, timeout=30,
                          stdin=subprocess.DEVNULL)
    assert done.returncode != 0 and "--secure-cookies must be on or off" in done.stderr + done.stdout, done


def test_the_readme_shows_this_configuration():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    if "Behind TLS: nginx" not in readme:
        pytest.skip("README.md has no 'Behind TLS: nginx' section yet")
    assert readme_site() in readme, "README.md's nginx site differs from the one this test runs (SITE in this file)"


if __name__ == "__main__":  # prints the README's block
    print(readme_site(), end="")
