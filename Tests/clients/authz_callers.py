"""Callers and objects for test_authorisation_matrix.py.

`started_world(tmp)` prepares a database with the CLI (a small catalog whose
`nurse` queue takes call-backs, one account per professional kind, a record
key, a revoked one and an SMS-gateway key), starts the real binary on it in
demo mode (so the demo identification route exists) with /metrics readable
only by address 192.0.2.1 or the metrics token, and yields a `World`: every
caller kind's credentials, builders for an owner's objects in each state the
routes need, and a fingerprint of the database to prove a refusal changed nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import itertools
import json
import os
import sqlite3
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Iterator

from conftest import NEUVO_BIN, REPO, require_binary, running_server

PASSWORD = "kissa-koira-42"
METRICS_TOKEN = "mittari-" + "k" * 32
KINDS = ("anonymous", "owner", "other_resident", "handler", "pro_in_queue", "pro_not_in_queue", "consultant",
         "former_handler", "admin", "manager", "record_key", "revoked_key", "sms_key", "metrics_reader")
# kind → (username, role, queues): everyone in `nurse` but the outsider, the consultant and the admin.
ACCOUNTS = {
    "handler": ("hilla", "professional", "nurse"),
    "pro_in_queue": ("pirjo", "professional", "nurse"),
    "former_handler": ("fiia", "professional", "nurse"),
    "pro_not_in_queue": ("otto", "professional", "child-health"),
    "consultant": ("kaisa", "professional", "child-health"),
    "admin": ("aino", "admin", None),
    "manager": ("mikko", "manager", "nurse"),
}
# Tables whose rows change by merely being called (session last-seen, key last-used, sign-in throttles).
VOLATILE = {"professional_sessions", "api_keys", "login_failures", "sign_in_lockouts"}

_ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NAME = {"fi": "x", "sv": "x", "en": "x"}
CATALOG = {
    "version": "authz-1",
    "queues": [
        {"id": "nurse", "name": _NAME, "openingHours": {d: [["00:00", "24:00"]] for d in _ALL_DAYS},
         "targetFirstResponseMinutes": 60,
         "callBack": {"windows": {d: [["00:00", "24:00"]] for d in _ALL_DAYS}, "capacityPerWindow": 1000,
                      "attempts": 2, "callerNumber": "09 310 10000", "offer": "always"}},
        {"id": "child-health", "name": _NAME, "openingHours": {"mon": [["08:00", "16:00"]]},
         "targetFirstResponseMinutes": 30},
    ],
    "services": [{"id": "skin", "title": _NAME, "questionnaire": {
        "questions": [{"id": "notes", "type": "text", "maxLength": 200, "text": _NAME}], "redFlags": [],
        "routes": [{"queue": "nurse", "urgency": "normal", "reason": _NAME}]}}],
}
ANSWERS = {"serviceId": "skin", "subject": {"kind": "self"}, "answers": {"notes": "Kutiaa."}}
CLOSING = {"outcome": "adviceGiven", "instructions": "Rasvaa iho.", "summary": "Ihottuma, ohjattu omahoitoon."}


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


class Reply:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    def code(self) -> str | None:
        try:
            return self.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None

    def cookie(self, name: str) -> str:
        for key, value in self.headers:
            if key.lower() == "set-cookie" and value.startswith(name + "=") and not value.startswith(name + "=;"):
                return value.split(";", 1)[0].split("=", 1)[1]
        raise AssertionError(f"no {name} cookie in {self!r}")

    def __repr__(self) -> str:
        return f"<{self.status} {self.body[:300]!r}>"


def _neuvo(*args: str, env: dict[str, str] | None = None) -> str:
    p = subprocess.run([str(NEUVO_BIN), *args], capture_output=True, text=True, timeout=60,
                       env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, f"neuvo {' '.join(args)} failed ({p.returncode}): {p.stdout}{p.stderr}"
    return p.stdout


class World:
    def __init__(self, server, db: Path, keys: dict[str, str]):
        self.server, self.db = server, db
        self.auth: dict[str, dict[str, str]] = {"anonymous": {}, "metrics_reader": {"Authorization": f"Bearer {METRICS_TOKEN}"}}
        self.auth.update({kind: {"Authorization": f"Bearer {key}"} for kind, key in keys.items()})
        self.phones = itertools.count(1)
        self._peek = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
        for kind in ("owner", "other_resident"):
            reply = self.ok(self.call("POST", "/api/v1/conversations", None, body={}), 201)
            self.auth[kind] = {"Cookie": "neuvo_resident=" + reply.cookie("neuvo_resident")}
        self.ids = {}
        for kind, (username, _, _) in ACCOUNTS.items():
            self.auth[kind] = self.login(username)
            self.ids[kind] = self.ok(self.call("GET", "/api/v1/pro/me", kind), 200).json()["id"]

    # ---- HTTP -----------------------------------------------------------
    def call(self, method: str, path: str, kind: str | None, *, body=None, raw: bytes | None = None,
             ctype: str = "application/json", csrf: bool = True, auth: dict[str, str] | None = None) -> Reply:
        """One request as `kind` (None: nobody), with `X-Requested-With: neuvo` unless `csrf` is False."""
        headers = dict(auth if auth is not None else self.auth.get(kind or "anonymous", {}))
        if csrf:
            headers["X-Requested-With"] = "neuvo"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if data is not None or method == "POST":
            headers["Content-Type"] = ctype
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            conn.request(method, path, body=data if data is not None else (b"" if method == "POST" else None),
                         headers=headers)
            r = conn.getresponse()
            return Reply(r.status, r.getheaders(), r.read())
        finally:
            conn.close()

    @staticmethod
    def ok(reply: Reply, *statuses: int) -> Reply:
        assert reply.status in statuses, f"setup step: expected {statuses}, got {reply!r}"
        return reply

    def login(self, username: str) -> dict[str, str]:
        reply = self.call("POST", "/api/v1/pro/login", None, body={"username": username, "password": PASSWORD})
        return {"Cookie": "neuvo_pro=" + self.ok(reply, 200).cookie("neuvo_pro")}

    # ---- the owner's objects, one state each ----------------------------
    def open(self) -> dict:
        return {"id": self.ok(self.call("POST", "/api/v1/conversations", "owner", body={}), 201).json()["id"]}

    def queued(self) -> dict:
        s = self.open()
        reply = self.ok(self.call("POST", f"/api/v1/conversations/{s['id']}/pre-questionnaire", "owner", body=ANSWERS), 200)
        assert reply.json()["outcome"] == "queued", reply
        offer = self.ok(self.call("GET", f"/api/v1/conversations/{s['id']}/call-back", "owner"), 200).json()
        return {**s, "window": offer["windows"][-1]["start"]}  # the latest: never about to begin

    def active(self) -> dict:
        """Picked by the former handler, passed to the handler, who consulted the consultant; the owner sent a photo."""
        s = self.queued()
        case = f"/api/v1/pro/cases/{s['id']}"
        self.ok(self.call("POST", "/api/v1/pro/pick", "former_handler", body={"conversationId": s["id"]}), 200)
        self.ok(self.call("POST", case + "/transfer", "former_handler", body={"professionalId": self.ids["handler"]}), 200)
        self.ok(self.call("POST", case + "/consult", "handler", body={"professionalId": self.ids["consultant"]}), 204)
        photo = self.ok(self.call("POST", f"/api/v1/conversations/{s['id']}/photos", "owner", raw=tiny_png(),
                                  ctype="image/png"), 201).json()["id"]
        return {**s, "photo": photo}

    def closed(self) -> dict:
        s = self.active()
        self.ok(self.call("POST", f"/api/v1/pro/cases/{s['id']}/close", "handler", body=CLOSING), 200)
        exports = self.ok(self.call("GET", "/api/v1/record-exports?limit=500", "record_key"), 200).json()["exports"]
        return {**s, "export": next(e["id"] for e in exports if e["conversationId"] == s["id"])}

    def callback(self) -> dict:
        """A call-back requested (a new mobile number each time), with the text message it put in the outbox."""
        s = self.queued()
        body = {"phone": f"040 1{next(self.phones):06d}", "windowStart": s["window"], "notify": True}
        cb = self.ok(self.call("POST", f"/api/v1/conversations/{s['id']}/call-back", "owner", body=body), 201).json()["id"]
        sent = self.ok(self.call("GET", "/api/v1/notifications?limit=500", "sms_key"), 200).json()["notifications"]
        return {**s, "cb": cb, "notification": max(sent, key=lambda n: n["seq"])["id"]}

    def texting(self) -> dict:
        """A queued conversation whose owner asked for a text message when a professional writes."""
        s = self.queued()
        self.ok(self.call("POST", f"/api/v1/conversations/{s['id']}/reply-text", "owner",
                          body={"phone": f"044 4{next(self.phones):06d}"}), 200)
        return s

    def called(self) -> dict:
        """A call-back the former handler picked, then passed (the case) to the handler."""
        s = self.callback()
        self.ok(self.call("POST", f"/api/v1/pro/call-backs/{s['cb']}/pick", "former_handler", body={}), 200)
        self.ok(self.call("POST", f"/api/v1/pro/cases/{s['id']}/transfer", "former_handler",
                          body={"professionalId": self.ids["handler"]}), 200)
        return s

    # ---- what a refusal must leave as it was ----------------------------
    def fingerprint(self) -> dict[str, str]:
        """A digest of every table's rows but the volatile ones, read in one transaction."""
        db = self._peek
        db.execute("BEGIN")
        try:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                               "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            digest = {}
            for table in tables:
                if table in VOLATILE:
                    continue
                rows = sorted(repr(row) for row in db.execute(f'SELECT * FROM "{table}"'))
                digest[table] = f"{len(rows)} rows " + hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
            return digest
        finally:
            db.execute("COMMIT")

    def owner_view(self, conversation: str | None) -> object:
        """The conversation and its events as its owner reads them."""
        if conversation is None:
            return None
        base = f"/api/v1/conversations/{conversation}"
        got = self.ok(self.call("GET", base, "owner"), 200).json()
        events = self.ok(self.call("GET", base + "/events?after=0", "owner"), 200).json()["events"]
        return {"status": got["status"], "queue": got.get("queueId"), "events": events}

    def close(self) -> None:
        self._peek.close()


@contextlib.contextmanager
def started_world(tmp: Path) -> Iterator[tuple[object, World]]:
    require_binary()
    db, catalog = tmp / "neuvo.sqlite", tmp / "catalog.json"
    catalog.write_text(json.dumps(CATALOG), encoding="utf-8")
    where = ["--db", str(db), "--migrations", str(REPO / "Migrations")]
    _neuvo("catalog", "import", str(catalog), *where)
    for username, role, queues in ACCOUNTS.values():
        _neuvo("user", "add", username, "--name", username.title(), "--title", role, "--role", role,
               *(["--queues", queues] if queues else []), *where, env={"NEUVO_PASSWORD": PASSWORD})
    keys = {"record_key": _neuvo("apikey", "create", "potilastieto", *where).split()[-1],
            "revoked_key": _neuvo("apikey", "create", "vanha", *where).split()[-1],
            "sms_key": _neuvo("apikey", "create", "tekstiviestit", "--scope", "notifications", *where).split()[-1]}
    _neuvo("apikey", "revoke", "vanha", *where)
    before = os.environ.get("NEUVO_METRICS_TOKEN")
    with contextlib.ExitStack() as stack:
        os.environ["NEUVO_METRICS_TOKEN"] = METRICS_TOKEN  # the server reads it from its environment only
        try:
            server = stack.enter_context(running_server(
                tmp, db=db, catalog=False, extra=("--demo", "--catalog", str(catalog), "--metrics-from", "192.0.2.1")))
        finally:
            if before is None:
                os.environ.pop("NEUVO_METRICS_TOKEN", None)
            else:
                os.environ["NEUVO_METRICS_TOKEN"] = before
        world = World(server, db, keys)
        stack.callback(world.close)
        yield server, world
