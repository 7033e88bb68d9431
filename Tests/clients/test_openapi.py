"""Keeps Public/openapi.json true: against the Swift sources and the live server.

(a) the document is valid OpenAPI 3.1;
(b) its paths and methods are exactly the routes registered under Sources/NeuvoServer;
(c) a real flow through every route (residents, triage, professionals, engine
    errors) gets only documented statuses, with bodies and headers that match
    the documented schemas (OpenAPI 3.1 schemas are JSON Schema 2020-12);
(d) schemathesis generates requests from the document against the live server:
    no 5xx, and the conformance checks that hold by design.

The server here serves a database prepared with a small catalog and two
professionals (TEST_CATALOG, PRO_USER, COLLEAGUE).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from conftest import NEUVO_BIN, REPO, require_binary, running_server


def tiny_png() -> bytes:
    """A real 1×1 PNG with a tEXt chunk the server must strip."""
    import struct, zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"tEXt", b"GPSLatitude\x0060.17") + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))

SPEC_PATH = REPO / "Public" / "openapi.json"
SPEC = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
CSRF = {"X-Requested-With": "neuvo", "Content-Type": "application/json"}
PRO_USER, COLLEAGUE, PRO_PASSWORD = "hanna", "matti", "kissa-koira-42"
# Bounded so the run stays short; raise them for a deeper search.
SCHEMATHESIS_EXAMPLES = int(os.environ.get("NEUVO_SCHEMATHESIS_EXAMPLES", "25"))
SCHEMATHESIS_SEED = os.environ.get("NEUVO_SCHEMATHESIS_SEED", "20261123")


# --------------------------------------------------------------------------
# Server with a catalog and a professional
# --------------------------------------------------------------------------


# A small catalog in the form `neuvo catalog import` reads (a subset of
# Tests/NeuvoTestSupport/TestCatalog.swift, kept here so these tests do not
# change when that one grows).
TEST_CATALOG = {
    "version": "openapi-1",
    "queues": [
        {"id": "nurse", "name": {"fi": "Hoitajat", "sv": "Skötare", "en": "Nurses"},
         "openingHours": {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
         "targetFirstResponseMinutes": 60,
         "callBack": {"windows": {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
                      "capacityPerWindow": 100, "callerNumber": "09 310 10000", "offer": "always"}},
        {"id": "child-health", "name": {"fi": "Lasten terveys", "sv": "Barns hälsa", "en": "Child health"},
         "openingHours": {"mon": [["08:00", "16:00"]]}, "targetFirstResponseMinutes": 30},
    ],
    "services": [
        {"id": "illness", "title": {"fi": "Sairaus", "sv": "Sjukdom", "en": "Illness"}, "children": [
            {"id": "skin", "title": {"fi": "Iho-oireet", "sv": "Hudsymtom", "en": "Skin symptoms"},
             "questionnaire": {
                 "questions": [
                     {"id": "duration", "type": "singleChoice", "required": True,
                      "text": {"fi": "Kauanko?", "sv": "Hur länge?", "en": "How long?"},
                      "options": [{"id": "hours", "label": {"fi": "Tunteja", "sv": "Timmar", "en": "Hours"}},
                                  {"id": "days", "label": {"fi": "Päiviä", "sv": "Dagar", "en": "Days"}}]},
                     {"id": "breathing", "type": "yesNo", "required": True,
                      "text": {"fi": "Onko hengitys vaikeaa?", "sv": "Svårt att andas?", "en": "Hard to breathe?"}},
                     {"id": "fever", "type": "yesNo", "required": True,
                      "text": {"fi": "Onko kuumetta?", "sv": "Feber?", "en": "Fever?"}},
                     {"id": "temperature", "type": "number", "min": 35, "max": 43, "unit": "°C", "required": True,
                      "showIf": {"question": "fever", "equals": "yes"},
                      "text": {"fi": "Lämpö?", "sv": "Temperatur?", "en": "Temperature?"}},
                     {"id": "notes", "type": "text", "maxLength": 200,
                      "help": {"fi": "Vapaaehtoinen", "sv": "Frivillig", "en": "Optional"},
                      "text": {"fi": "Muuta?", "sv": "Annat?", "en": "Anything else?"}},
                 ],
                 "redFlags": [
                     {"id": "breathing", "when": {"question": "breathing", "equals": "yes"}, "action": "call112",
                      "message": {"fi": "Soita 112.", "sv": "Ring 112.", "en": "Call 112."}}],
                 "routes": [
                     {"when": {"subject": "child"}, "queue": "child-health", "urgency": "soon",
                      "reason": {"fi": "Lapsi", "sv": "Barn", "en": "Child"}},
                     {"queue": "nurse", "urgency": "normal",
                      "reason": {"fi": "Iho-oire", "sv": "Hudsymtom", "en": "Skin symptom"}}]}}]},
    ],
}


def _neuvo(*args: str, env: dict[str, str] | None = None) -> str:
    p = subprocess.run([str(NEUVO_BIN), *args], capture_output=True, text=True, timeout=60,
                       env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, f"neuvo {' '.join(args)} failed ({p.returncode}): {p.stdout}{p.stderr}"
    return p.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_binary()
    tmp = tmp_path_factory.mktemp("neuvo-openapi")
    db = tmp / "neuvo.sqlite"
    where = ["--db", str(db), "--migrations", str(REPO / "Migrations")]
    catalog = tmp / "catalog.json"
    catalog.write_text(json.dumps(TEST_CATALOG, ensure_ascii=False), encoding="utf-8")
    _neuvo("catalog", "import", str(catalog), *where)
    _neuvo("user", "add", PRO_USER, "--name", "Hanna Hoitaja", "--title", "sairaanhoitaja",
           "--queues", "nurse,child-health", *where, env={"NEUVO_PASSWORD": PRO_PASSWORD})
    _neuvo("user", "add", "aino", "--name", "Aino Ylläpitäjä", "--title", "ylläpitäjä", "--role", "admin",
           *where, env={"NEUVO_PASSWORD": PRO_PASSWORD})
    _neuvo("user", "add", COLLEAGUE, "--name", "Matti Lääkäri", "--title", "lääkäri",
           "--queues", "nurse", *where, env={"NEUVO_PASSWORD": PRO_PASSWORD})
    key = _neuvo("apikey", "create", "record-system", *where).split()[-1]
    assert re.fullmatch(r"nk_[A-Za-z0-9_-]{43}", key), key
    sms = _neuvo("apikey", "create", "sms-gateway", "--scope", "notifications", *where).split()[-1]
    with running_server(tmp, db=db, catalog=False) as srv:
        srv.api_key = key
        srv.sms_key = sms
        yield srv


# --------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------


REGISTRY = Registry().with_resource("urn:neuvo:openapi", DRAFT202012.create_resource(SPEC))


def _pointer(*parts: str) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _resolve(obj: dict, pointer: str) -> tuple[dict, str]:
    """Follows an OpenAPI-level `$ref` (e.g. to components/responses)."""
    while "$ref" in obj:
        ref = obj["$ref"]
        assert ref.startswith("#/"), ref
        pointer = ref[1:]
        obj = SPEC
        for part in pointer.split("/")[1:]:
            obj = obj[part.replace("~1", "/").replace("~0", "~")]
    return obj, pointer


def _validate(instance, pointer: str, what: str) -> None:
    validator = jsonschema.Draft202012Validator(
        {"$ref": "urn:neuvo:openapi#" + pointer}, registry=REGISTRY,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        details = "\n".join(f"- at {list(e.absolute_path)}: {e.message}" for e in errors[:5])
        raise AssertionError(f"{what} does not match {pointer}:\n{details}\n"
                             f"instance: {json.dumps(instance, ensure_ascii=False)[:1500]}")


def test_document_is_valid_openapi_3_1():
    assert SPEC["openapi"].startswith("3.1."), SPEC["openapi"]
    validate_openapi(SPEC)
    for path, item in SPEC["paths"].items():
        for method in METHODS:
            if method in item:
                op = item[method]
                assert op.get("x-neuvo-caller"), f"{method.upper()} {path}: say who may call it (x-neuvo-caller)"
                assert "security" in op, f"{method.upper()} {path}: state its security (or [])"
                assert op.get("operationId"), f"{method.upper()} {path}: no operationId"


def test_document_is_served(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/openapi.json")
    r = conn.getresponse()
    body = r.read()
    conn.close()
    assert r.status == 200, (r.status, body[:300])
    assert r.getheader("content-type") == "application/json"
    assert json.loads(body) == SPEC


# --------------------------------------------------------------------------
# (b) the document lists exactly the registered routes
# --------------------------------------------------------------------------


REGISTRATION_RES = [
    re.compile(r'\brouter\.(get|post|put|patch|delete|head|options)\(\s*"([^"]+)"'),
    re.compile(r'\broutes\.(get|post)\(\s*"([^"]+)"'),
    re.compile(r'\bRoute\(\s*"([A-Za-z]+)"\s*,\s*"([^"]+)"'),
]


def registered_routes() -> set[tuple[str, str]]:
    routes = set()
    for file in sorted((REPO / "Sources" / "NeuvoServer").rglob("*.swift")):
        # Line comments would otherwise count as registrations.
        text = re.sub(r"//[^\n]*", "", file.read_text(encoding="utf-8"))
        for pattern in REGISTRATION_RES:
            for method, template in pattern.findall(text):
                routes.add((method.upper(), template))
    return routes


def documented_routes() -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in SPEC["paths"].items() for method in METHODS if method in item}


def test_every_route_is_documented_and_nothing_else():
    registered = registered_routes()
    assert len(registered) >= 4, f"found too few registrations; has the registration syntax changed? {registered}"
    documented = documented_routes()
    missing = sorted(registered - documented)
    stale = sorted(documented - registered)
    assert not missing and not stale, (
        f"Public/openapi.json is out of date.\n  registered but not documented: {missing}\n"
        f"  documented but not registered: {stale}")


# --------------------------------------------------------------------------
# (c) live responses match the document
# --------------------------------------------------------------------------


class Reply:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def json(self):
        return json.loads(self.body)

    def cookie(self, name: str) -> str:
        value = self.header("set-cookie") or ""
        m = re.match(re.escape(name) + r"=([^;]*)", value)
        assert m, f"no {name} cookie in {value!r}"
        return m.group(1)

    def __repr__(self) -> str:
        return f"<{self.status} {self.headers} {self.body[:400]!r}>"


def check_documented(method: str, template: str, reply: Reply) -> None:
    """The reply's status is documented for the operation, and its body and headers fit."""
    op = SPEC["paths"][template][method.lower()]
    label = f"{method} {template} → {reply.status}"
    documented = op["responses"]
    assert str(reply.status) in documented, f"{label} is not documented (documented: {sorted(documented)}): {reply!r}"
    response, pointer = _resolve(documented[str(reply.status)],
                                 _pointer("paths", template, method.lower(), "responses", str(reply.status)))
    check_response(response, pointer, reply, label)


def check_response(response: dict, pointer: str, reply: Reply, label: str) -> None:
    content = response.get("content")
    if content:
        ctype = (reply.header("content-type") or "").split(";")[0].strip()
        assert ctype in content, f"{label}: content-type {ctype!r}, documented {sorted(content)}"
        if ctype.startswith("image/"):
            assert reply.body, f"{label}: empty image"
        elif ctype == "text/plain":
            assert reply.body.startswith(b"# HELP "), f"{label}: not the metrics text: {reply!r}"
        elif ctype == "text/csv":
            assert reply.body.startswith(b"\xef\xbb\xbf") and b"\r\n" in reply.body, f"{label}: not a BOM'd CSV: {reply!r}"
        else:
            try:
                body = json.loads(reply.body)
            except ValueError:
                raise AssertionError(f"{label}: body is not JSON: {reply!r}") from None
            _validate(body, pointer + _pointer("content", ctype, "schema"), f"{label} body")
    else:
        assert reply.body == b"", f"{label}: documented without a body: {reply!r}"
    for name, header in response.get("headers", {}).items():
        value = reply.header(name)
        if value is None:
            assert not header.get("required"), f"{label}: required header {name} is missing: {reply!r}"
            continue
        instance: object = value
        if header.get("schema", {}).get("type") == "integer":
            assert re.fullmatch(r"[0-9]+", value), f"{label}: {name}: {value!r} is not an integer"
            instance = int(value)
        _validate(instance, pointer + _pointer("headers", name, "schema"), f"{label} header {name}")


class Client:
    """Speaks to the server with http.client; checks every reply against the document."""

    def __init__(self, server):
        self.server = server
        self.seen: set[tuple[str, str, int]] = set()

    def call(self, method: str, template: str, path: str | None = None, *, body=None, raw: bytes | None = None,
             headers: dict[str, str] | None = None, cookie: str | None = None, expect: int) -> Reply:
        all_headers = dict(headers or {})
        if cookie:
            all_headers["Cookie"] = cookie
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=40)
        try:
            conn.request(method, path or template, body=data, headers=all_headers)
            r = conn.getresponse()
            reply = Reply(r.status, r.getheaders(), r.read())
        finally:
            conn.close()
        check_documented(method, template, reply)
        assert reply.status == expect, f"{method} {path or template}: expected {expect}, got {reply!r}"
        self.seen.add((method, template, reply.status))
        return reply

    def error(self, reply: Reply, code: str, field: str | None = None) -> None:
        error = reply.json()["error"]
        assert error["code"] == code, reply
        if field is not None:
            assert error.get("field") == field, reply


def resident(cookie_value: str) -> str:
    return f"neuvo_resident={cookie_value}"


def pro(cookie_value: str) -> str:
    return f"neuvo_pro={cookie_value}"


SKIN_ROUTINE = {"serviceId": "skin", "subject": {"kind": "self"},
                "answers": {"duration": "hours", "breathing": False, "fever": False, "notes": "Kutiaa."}}
SKIN_EMERGENCY = {"serviceId": "skin", "subject": {"kind": "self"},
                  "answers": {"duration": "hours", "breathing": True, "fever": False}}


def test_live_flow_matches_document(server):
    c = Client(server)
    conv = "/api/v1/conversations"

    c.call("GET", "/healthz", expect=200)
    catalog = c.call("GET", "/api/v1/catalog", expect=200).json()
    assert catalog["version"] == TEST_CATALOG["version"]
    # The record documents' code systems: the catalog's work queues, and a 404 for a code system Neuvo has not.
    queues = c.call("GET", "/fhir/CodeSystem/{id}", "/fhir/CodeSystem/work-queue", expect=200).json()
    assert {concept["code"] for concept in queues["concept"]} == {queue["id"] for queue in catalog["queues"]}
    c.call("GET", "/fhir/CodeSystem/{id}", "/fhir/CodeSystem/no-such-system", expect=404)
    skin = c.call("GET", "/fhir/Questionnaire/{id}", f"/fhir/Questionnaire/skin?version={catalog['version']}", expect=200).json()
    assert skin["version"] == catalog["version"] and skin["item"][0]["linkId"], skin
    c.call("GET", "/fhir/Questionnaire/{id}", "/fhir/Questionnaire/skin?version=", expect=400)
    c.call("GET", "/fhir/Questionnaire/{id}", "/fhir/Questionnaire/skin?version=no-such-version", expect=404)
    outcome = c.call("GET", "/fhir/StructureDefinition/{id}", "/fhir/StructureDefinition/case-outcome", expect=200).json()
    assert outcome["type"] == "Extension", outcome

    # Opening: a new resident gets a session; a known one does not.
    r = c.call("POST", conv, body={}, headers=CSRF, expect=201)
    me = resident(r.cookie("neuvo_resident"))
    a = r.json()["id"]
    assert r.header("location") == f"{conv}/{a}"
    r = c.call("POST", conv, body={}, headers=CSRF, cookie=me, expect=201)
    assert r.header("set-cookie") is None, r
    b = r.json()["id"]
    cc = c.call("POST", conv, body={}, headers=CSRF, cookie=me, expect=201).json()["id"]
    other = resident(c.call("POST", conv, body={}, headers=CSRF, expect=201).cookie("neuvo_resident"))
    c.error(c.call("POST", conv, body=[], headers=CSRF, expect=422), "invalid_body")
    c.error(c.call("POST", conv, raw=b"{", headers=CSRF, expect=400), "invalid_json")
    c.error(c.call("POST", conv, body={}, headers={"Content-Type": "application/json"}, expect=403), "csrf")
    c.error(c.call("POST", conv, raw=b"{}", headers={"X-Requested-With": "neuvo", "Content-Type": "text/plain"},
                   expect=403), "csrf")
    c.error(c.call("POST", conv, raw=b"{" + b" " * 17000 + b"}", headers=CSRF, expect=413), "body_too_large")

    c.call("GET", conv + "/{id}", f"{conv}/{a}", cookie=me, expect=200)
    c.error(c.call("GET", conv + "/{id}", f"{conv}/{a}", cookie=other, expect=404), "not_found")
    c.call("GET", conv + "/{id}", f"{conv}/not-an-id", cookie=me, expect=404)

    # Messages.
    messages = conv + "/{id}/messages"
    client_id = str(uuid.uuid4())
    first = c.call("POST", messages, f"{conv}/{a}/messages", body={"clientId": client_id, "text": "Hei!"},
                   headers=CSRF, cookie=me, expect=201).json()
    again = c.call("POST", messages, f"{conv}/{a}/messages", body={"clientId": client_id.upper(), "text": "Hei!"},
                   headers=CSRF, cookie=me, expect=200).json()
    assert again == first
    c.error(c.call("POST", messages, f"{conv}/{a}/messages", body={"clientId": client_id, "text": "Moi"},
                   headers=CSRF, cookie=me, expect=409), "client_id_reused")
    c.error(c.call("POST", messages, f"{conv}/{a}/messages", body={"clientId": "x", "text": "Moi"},
                   headers=CSRF, cookie=me, expect=422), "invalid_clientId", "clientId")
    c.error(c.call("POST", messages, f"{conv}/{a}/messages", body={"clientId": str(uuid.uuid4()), "text": " \n"},
                   headers=CSRF, cookie=me, expect=422), "invalid_text", "text")
    c.error(c.call("POST", messages, f"{conv}/{a}/messages", body=["x"], headers=CSRF, cookie=me, expect=422),
            "invalid_clientId")
    c.error(c.call("POST", messages, f"{conv}/{a}/messages", raw=b"nope", headers=CSRF, cookie=me, expect=400),
            "invalid_json")
    c.error(c.call("POST", messages, f"{conv}/{a}/messages", body={"clientId": str(uuid.uuid4()), "text": "x"},
                   headers=CSRF, cookie=other, expect=404), "not_found")
    c.call("POST", messages, f"{conv}/{a}/messages", body={"clientId": str(uuid.uuid4()), "text": "x"},
           headers=CSRF, expect=404)
    c.error(c.call("POST", messages, f"{conv}/{a}/messages", body={"clientId": str(uuid.uuid4()), "text": "x"},
                   headers={"Content-Type": "application/json"}, cookie=me, expect=403), "csrf")
    c.error(c.call("POST", messages, f"{conv}/{a}/messages",
                   body={"clientId": str(uuid.uuid4()), "text": "x" * 33000}, headers=CSRF, cookie=me, expect=413),
            "body_too_large")

    # Events.
    events = conv + "/{id}/events"
    page = c.call("GET", events, f"{conv}/{a}/events?after=0", cookie=me, expect=200).json()
    assert [e["type"] for e in page["events"]] == ["status", "message"], page
    assert page["next"] == page["events"][-1]["seq"] and page["status"] == "open", page
    for query, code in (("after=-1", "invalid_after"), ("wait=31", "invalid_wait"), ("position=x", "invalid_position")):
        c.error(c.call("GET", events, f"{conv}/{a}/events?{query}", cookie=me, expect=400), code)
    c.call("GET", events, f"{conv}/{a}/events", cookie=other, expect=404)
    started = time.monotonic()
    quiet = c.call("GET", events, f"{conv}/{a}/events?after={page['next']}&wait=1", cookie=me, expect=200).json()
    assert quiet["events"] == [] and quiet["next"] == page["next"], quiet
    assert 0.8 < time.monotonic() - started < 5

    # Triage: a, routine skin → nurse queue; b, red flag; cc, withdrawn.
    pq = conv + "/{id}/pre-questionnaire"
    c.error(c.call("POST", pq, f"{conv}/{a}/pre-questionnaire", body={}, headers=CSRF, cookie=me, expect=422),
            "invalid_serviceId", "serviceId")
    c.error(c.call("POST", pq, f"{conv}/{a}/pre-questionnaire", body={**SKIN_ROUTINE, "serviceId": "illness"},
                   headers=CSRF, cookie=me, expect=422), "invalid_serviceId", "serviceId")
    c.error(c.call("POST", pq, f"{conv}/{a}/pre-questionnaire", body={**SKIN_ROUTINE, "subject": {"kind": "cat"}},
                   headers=CSRF, cookie=me, expect=422), "invalid_subject", "subject")
    c.error(c.call("POST", pq, f"{conv}/{a}/pre-questionnaire", body={**SKIN_ROUTINE, "answers": []},
                   headers=CSRF, cookie=me, expect=422), "invalid_answers", "answers")
    c.error(c.call("POST", pq, f"{conv}/{a}/pre-questionnaire",
                   body={**SKIN_ROUTINE, "answers": {**SKIN_ROUTINE["answers"], "fever": "maybe"}},
                   headers=CSRF, cookie=me, expect=422), "invalid_answer", "answers.fever")
    c.call("POST", pq, f"{conv}/{a}/pre-questionnaire", body=SKIN_ROUTINE, headers=CSRF, cookie=other, expect=404)
    queued = c.call("POST", pq, f"{conv}/{a}/pre-questionnaire", body=SKIN_ROUTINE, headers=CSRF, cookie=me,
                    expect=200).json()
    assert queued["outcome"] == "queued" and queued["queue"]["id"] == "nurse", queued
    c.error(c.call("POST", pq, f"{conv}/{a}/pre-questionnaire", body=SKIN_ROUTINE, headers=CSRF, cookie=me,
                   expect=409), "already_submitted")
    waiting = c.call("GET", conv + "/{id}", f"{conv}/{a}", cookie=me, expect=200).json()
    assert waiting["status"] == "queued" and waiting["position"] >= 1, waiting
    moved = c.call("GET", events, f"{conv}/{a}/events?after={page['next']}&wait=5&position=99", cookie=me,
                   expect=200).json()
    assert moved["status"] == "queued" and "position" in moved, moved

    flagged = c.call("POST", pq, f"{conv}/{b}/pre-questionnaire", body=SKIN_EMERGENCY, headers=CSRF, cookie=me,
                     expect=200).json()
    assert flagged["outcome"] == "redFlag" and flagged["action"] == "call112", flagged
    c.error(c.call("POST", messages, f"{conv}/{b}/messages", body={"clientId": str(uuid.uuid4()), "text": "Apua"},
                   headers=CSRF, cookie=me, expect=409), "conversation_closed")
    state = c.call("GET", "/api/v1/session", cookie=me, expect=200).json()
    assert state == {"identified": False, "demoIdentification": False}, state
    c.call("GET", "/api/v1/session", expect=200)
    c.call("POST", "/api/v1/identification/demo", body={"personalIdentityCode": "131052-308T"}, headers=CSRF, expect=404)
    withdraw = conv + "/{id}/withdraw"
    c.error(c.call("POST", withdraw, f"{conv}/{b}/withdraw", body={}, headers=CSRF, cookie=me, expect=409),
            "not_withdrawable")
    assert c.call("POST", withdraw, f"{conv}/{cc}/withdraw", body={}, headers=CSRF, cookie=me,
                  expect=200).json()["status"] == "withdrawn"
    c.call("POST", withdraw, f"{conv}/{cc}/withdraw", body={}, headers=CSRF, cookie=me, expect=200)
    c.call("POST", withdraw, f"{conv}/{cc}/withdraw", body={}, headers=CSRF, cookie=other, expect=404)
    c.call("POST", withdraw, f"{conv}/{cc}/withdraw", headers={"X-Requested-With": "neuvo"}, cookie=me, expect=403)
    c.call("GET", events, f"{conv}/{b}/events", cookie=me, expect=200)
    c.call("GET", events, f"{conv}/{cc}/events", cookie=me, expect=200)

    # The professional.
    login, logout, whoami = "/api/v1/pro/login", "/api/v1/pro/logout", "/api/v1/pro/me"
    c.error(c.call("POST", login, body={"username": PRO_USER, "password": "wrong"}, headers=CSRF, expect=401),
            "invalid_credentials")
    c.error(c.call("POST", login, body={"username": PRO_USER}, headers=CSRF, expect=422), "invalid_credentials")
    c.call("POST", login, body={"username": PRO_USER, "password": PRO_PASSWORD},
           headers={"Content-Type": "application/json"}, expect=403)
    r = c.call("POST", login, body={"username": PRO_USER.upper(), "password": PRO_PASSWORD}, headers=CSRF, expect=200)
    nurse = pro(r.cookie("neuvo_pro"))
    c.error(c.call("GET", whoami, expect=401), "not_signed_in")
    c.call("GET", whoami, cookie=me, expect=401)
    assert c.call("GET", whoami, cookie=nurse, expect=200).json()["username"] == PRO_USER

    admin = pro(c.call("POST", login, body={"username": "aino", "password": PRO_PASSWORD}, headers=CSRF,
                       expect=200).cookie("neuvo_pro"))
    admins = "/api/v1/pro/admin/professionals"
    assert any(p["username"] == PRO_USER for p in c.call("GET", admins, cookie=admin, expect=200).json()["professionals"])
    c.error(c.call("GET", admins, cookie=nurse, expect=403), "admin_only")
    c.call("GET", admins, expect=401)
    memberships = admins + "/{username}/queues"
    assert c.call("POST", memberships, f"{admins}/{PRO_USER}/queues", body={"queues": ["nurse", "child-health"]}, headers=CSRF,
                  cookie=admin, expect=200).json()["queues"] == ["child-health", "nurse"]
    c.error(c.call("POST", memberships, f"{admins}/{PRO_USER}/queues", body={"queues": ["nowhere"]}, headers=CSRF,
                   cookie=admin, expect=422), "invalid_queues", "queues")
    c.call("POST", memberships, f"{admins}/nobody/queues", body={"queues": []}, headers=CSRF, cookie=admin, expect=404)
    c.error(c.call("POST", memberships, f"{admins}/{PRO_USER}/queues", body={"queues": []}, headers=CSRF, cookie=nurse,
                   expect=403), "admin_only")
    shifts = "/api/v1/pro/shifts"
    on = c.call("POST", shifts, body={"queueId": "nurse", "onShift": True}, headers=CSRF, cookie=nurse, expect=200)
    assert on.json()["onShift"] == ["nurse"], on
    c.call("POST", shifts, body={"queueId": "dental", "onShift": True}, headers=CSRF, cookie=nurse, expect=404)
    c.error(c.call("POST", shifts, body={"queueId": "nurse"}, headers=CSRF, cookie=nurse, expect=422), "invalid_shift")
    c.call("POST", shifts, body={"queueId": "nurse", "onShift": True}, headers=CSRF, expect=401)

    listing = c.call("GET", "/api/v1/pro/queue", cookie=nurse, expect=200).json()
    assert [w["conversationId"] for w in listing["cases"]] == [a] and listing["total"] == 1, listing
    english = c.call("GET", "/api/v1/pro/queue", "/api/v1/pro/queue?lang=en", cookie=nurse, expect=200).json()
    assert english["cases"][0]["summary"].startswith("Skin symptoms: "), english
    c.call("GET", "/api/v1/pro/queue", expect=401)
    pro_events = "/api/v1/pro/events"
    stream = c.call("GET", pro_events, f"{pro_events}?after=0", cookie=nurse, expect=200).json()
    assert any(e["type"] == "queued" for e in stream["events"]), stream
    c.error(c.call("GET", pro_events, f"{pro_events}?after=x", cookie=nurse, expect=400), "invalid_after")
    c.call("GET", pro_events, f"{pro_events}?wait=99", cookie=nurse, expect=400)
    c.call("GET", pro_events, expect=401)

    pick = "/api/v1/pro/pick"
    c.call("POST", pick, body={"conversationId": "nope"}, headers=CSRF, cookie=nurse, expect=404)
    c.call("POST", pick, body={"conversationId": b}, headers=CSRF, cookie=nurse, expect=404)
    picked = c.call("POST", pick, body={"conversationId": a}, headers=CSRF, cookie=nurse, expect=200).json()
    assert picked["id"] == a and picked["status"] == "active", picked
    c.error(c.call("POST", pick, body={"conversationId": a}, headers=CSRF, cookie=nurse, expect=409), "case_taken")
    c.error(c.call("POST", pick, body={}, headers=CSRF, cookie=nurse, expect=409), "queue_empty")
    c.call("POST", pick, body={}, headers=CSRF, expect=401)

    case = "/api/v1/pro/cases/{id}"
    view = c.call("GET", case, f"/api/v1/pro/cases/{a}?lang=en", cookie=nurse, expect=200).json()
    assert view["conversation"]["id"] == a and view["answers"] and view["messages"], view
    c.call("GET", case, f"/api/v1/pro/cases/{b}", cookie=nurse, expect=404)
    c.call("GET", case, f"/api/v1/pro/cases/{a}", cookie=me, expect=401)

    pro_messages = "/api/v1/pro/cases/{id}/messages"
    reply_id = str(uuid.uuid4())
    c.call("POST", pro_messages, f"/api/v1/pro/cases/{a}/messages", body={"clientId": reply_id, "text": "Hei, olen Hanna."},
           headers=CSRF, cookie=nurse, expect=201)
    c.call("POST", pro_messages, f"/api/v1/pro/cases/{a}/messages", body={"clientId": reply_id, "text": "Hei, olen Hanna."},
           headers=CSRF, cookie=nurse, expect=200)
    c.error(c.call("POST", pro_messages, f"/api/v1/pro/cases/{a}/messages", body={"text": "x"}, headers=CSRF,
                   cookie=nurse, expect=422), "invalid_message")
    c.error(c.call("POST", pro_messages, f"/api/v1/pro/cases/{a}/messages", body={"clientId": "1", "text": "x"},
                   headers=CSRF, cookie=nurse, expect=422), "invalid_clientId")
    c.call("POST", pro_messages, f"/api/v1/pro/cases/{b}/messages", body={"clientId": str(uuid.uuid4()), "text": "x"},
           headers=CSRF, cookie=nurse, expect=404)
    c.call("POST", pro_messages, f"/api/v1/pro/cases/{a}/messages", body={"clientId": str(uuid.uuid4()), "text": "x"},
           headers=CSRF, cookie=me, expect=401)
    c.call("POST", messages, f"{conv}/{a}/messages", body={"clientId": str(uuid.uuid4()), "text": "Kiitos!"},
           headers=CSRF, cookie=me, expect=201)
    types = [e["type"] for e in c.call("GET", events, f"{conv}/{a}/events", cookie=me, expect=200).json()["events"]]
    assert types[-3:] == ["picked", "message", "message"], types
    c.call("GET", pro_events, f"{pro_events}?after={stream['next']}", cookie=nurse, expect=200)

    # Colleagues, internal notes, consultation, transfer and closing.
    colleagues = c.call("GET", "/api/v1/pro/colleagues", cookie=nurse, expect=200).json()["professionals"]
    matti_id = next(p["id"] for p in colleagues if p["displayName"] == "Matti Lääkäri")
    c.call("GET", "/api/v1/pro/colleagues", expect=401)
    mine = c.call("GET", "/api/v1/pro/cases", cookie=nurse, expect=200).json()["cases"]
    assert a in [m["conversationId"] for m in mine], mine
    c.call("GET", "/api/v1/pro/cases", expect=401)
    notes = "/api/v1/pro/cases/{id}/notes"
    note_id = str(uuid.uuid4())
    c.call("POST", notes, f"/api/v1/pro/cases/{a}/notes", body={"clientId": note_id, "text": "Ihottuma, ei kuumetta."},
           headers=CSRF, cookie=nurse, expect=201)
    c.call("POST", notes, f"/api/v1/pro/cases/{a}/notes", body={"clientId": note_id, "text": "Ihottuma, ei kuumetta."},
           headers=CSRF, cookie=nurse, expect=200)
    c.error(c.call("POST", notes, f"/api/v1/pro/cases/{a}/notes", body={"clientId": note_id, "text": "Toinen"},
                   headers=CSRF, cookie=nurse, expect=409), "client_id_reused")
    c.error(c.call("POST", notes, f"/api/v1/pro/cases/{a}/notes", body={"text": "x"}, headers=CSRF, cookie=nurse,
                   expect=422), "invalid_note")
    c.error(c.call("POST", notes, f"/api/v1/pro/cases/{a}/notes", body={"clientId": note_id, "text": " \n "},
                   headers=CSRF, cookie=nurse, expect=422), "invalid_text", "text")
    c.call("POST", notes, f"/api/v1/pro/cases/{b}/notes", body={"clientId": str(uuid.uuid4()), "text": "x"},
           headers=CSRF, cookie=nurse, expect=404)

    consult = "/api/v1/pro/cases/{id}/consult"
    c.error(c.call("POST", consult, f"/api/v1/pro/cases/{a}/consult", body={}, headers=CSRF, cookie=nurse, expect=422),
            "invalid_consultation")
    me_id = c.call("GET", whoami, cookie=nurse, expect=200).json()["id"]
    c.error(c.call("POST", consult, f"/api/v1/pro/cases/{a}/consult", body={"professionalId": me_id}, headers=CSRF,
                   cookie=nurse, expect=422), "invalid_professionalId", "professionalId")
    c.call("POST", consult, f"/api/v1/pro/cases/{b}/consult", body={"professionalId": matti_id}, headers=CSRF,
           cookie=nurse, expect=404)
    c.call("POST", consult, f"/api/v1/pro/cases/{a}/consult", body={"professionalId": matti_id}, headers=CSRF,
           cookie=nurse, expect=204)
    matti = pro(c.call("POST", login, body={"username": COLLEAGUE, "password": PRO_PASSWORD}, headers=CSRF,
                       expect=200).cookie("neuvo_pro"))
    assert c.call("GET", case, f"/api/v1/pro/cases/{a}", cookie=matti, expect=200).json()["access"] == "consultant"
    c.call("POST", notes, f"/api/v1/pro/cases/{a}/notes", body={"clientId": str(uuid.uuid4()), "text": "Samaa mieltä."},
           headers=CSRF, cookie=matti, expect=201)
    c.call("POST", pro_messages, f"/api/v1/pro/cases/{a}/messages", body={"clientId": str(uuid.uuid4()), "text": "x"},
           headers=CSRF, cookie=matti, expect=404)
    c.call("GET", pro_events, f"{pro_events}?after={stream['next']}", cookie=matti, expect=200)
    c.call("GET", case, "/api/v1/pro/cases/zz", cookie=nurse, expect=404)

    transfer = "/api/v1/pro/cases/{id}/transfer"
    c.error(c.call("POST", transfer, f"/api/v1/pro/cases/{a}/transfer", body={}, headers=CSRF, cookie=nurse,
                   expect=422), "invalid_transfer")
    c.error(c.call("POST", transfer, f"/api/v1/pro/cases/{a}/transfer", body={"queueId": "nope"}, headers=CSRF,
                   cookie=nurse, expect=422), "invalid_queueId", "queueId")
    c.call("POST", transfer, f"/api/v1/pro/cases/{a}/transfer", body={"queueId": "nurse"}, headers=CSRF,
           cookie=matti, expect=404)
    assert c.call("POST", transfer, f"/api/v1/pro/cases/{a}/transfer", body={"professionalId": matti_id},
                  headers=CSRF, cookie=nurse, expect=200).json()["status"] == "active"
    c.call("GET", case, f"/api/v1/pro/cases/{a}", cookie=nurse, expect=404)
    requeued = c.call("POST", transfer, f"/api/v1/pro/cases/{a}/transfer", body={"queueId": "nurse"}, headers=CSRF,
                      cookie=matti, expect=200).json()
    assert requeued["status"] == "queued", requeued
    waiting = c.call("GET", conv + "/{id}", f"{conv}/{a}", cookie=me, expect=200).json()
    assert waiting["status"] == "queued" and "estimate" in waiting, waiting
    polled = c.call("GET", events, f"{conv}/{a}/events?after=0&estimate=stale", cookie=me, expect=200).json()
    assert "estimate" in polled, polled
    photos = conv + "/{id}/photos"
    png_headers = {"X-Requested-With": "neuvo", "Content-Type": "image/png"}
    photo = c.call("POST", photos, f"{conv}/{a}/photos", raw=tiny_png(), headers=png_headers, cookie=me, expect=201).json()
    c.error(c.call("POST", photos, f"{conv}/{a}/photos", raw=b"plain text", headers=png_headers, cookie=me, expect=415),
            "unsupported_photo")
    c.error(c.call("POST", photos, f"{conv}/{a}/photos", raw=tiny_png(), headers={"Content-Type": "image/png"}, cookie=me,
                   expect=403), "csrf")
    got = c.call("GET", photos + "/{photoId}", f"{conv}/{a}/photos/{photo['id']}", cookie=me, expect=200)
    assert b"GPSLatitude" not in got.body
    c.call("GET", photos + "/{photoId}", f"{conv}/{a}/photos/{photo['id']}", expect=404)
    c.call("POST", pick, body={"conversationId": a}, headers=CSRF, cookie=nurse, expect=200)
    case_photos = "/api/v1/pro/cases/{id}/photos"
    c.call("POST", case_photos, f"/api/v1/pro/cases/{a}/photos", raw=tiny_png(), headers=png_headers, cookie=nurse, expect=201)
    c.call("POST", case_photos, f"/api/v1/pro/cases/{a}/photos", raw=tiny_png(), headers=png_headers, expect=401)
    c.call("GET", case_photos + "/{photoId}", f"/api/v1/pro/cases/{a}/photos/{photo['id']}", cookie=nurse, expect=200)
    c.call("GET", case_photos + "/{photoId}", f"/api/v1/pro/cases/{a}/photos/{photo['id']}", expect=401)

    staff = [e["type"] for e in c.call("GET", pro_events, f"{pro_events}?after={stream['next']}", cookie=nurse,
                                       expect=200).json()["events"]]
    assert "note" in staff and "consulted" in staff, staff
    close = "/api/v1/pro/cases/{id}/close"
    closing = {"outcome": "adviceGiven", "instructions": "Rasvaa iho kahdesti päivässä.",
               "summary": "Ihottuma tunteja, ei kuumetta. Ohjattu omahoitoon."}
    c.error(c.call("POST", close, f"/api/v1/pro/cases/{a}/close", body={**closing, "outcome": "x"}, headers=CSRF,
                   cookie=nurse, expect=422), "invalid_outcome", "outcome")
    c.error(c.call("POST", close, f"/api/v1/pro/cases/{a}/close", body={"outcome": "referred"}, headers=CSRF,
                   cookie=nurse, expect=422), "invalid_closing")
    c.error(c.call("POST", close, f"/api/v1/pro/cases/{a}/close", body={**closing, "summary": " "}, headers=CSRF,
                   cookie=nurse, expect=422), "invalid_summary", "summary")
    c.call("POST", close, f"/api/v1/pro/cases/{a}/close", body=closing, headers=CSRF, cookie=matti, expect=404)
    assert c.call("POST", close, f"/api/v1/pro/cases/{a}/close", body=closing, headers=CSRF, cookie=nurse,
                  expect=200).json()["status"] == "closed"
    c.call("POST", close, f"/api/v1/pro/cases/{a}/close", body=closing, headers=CSRF, cookie=nurse, expect=404)
    c.error(c.call("POST", messages, f"{conv}/{a}/messages", body={"clientId": str(uuid.uuid4()), "text": "Kiitos"},
                   headers=CSRF, cookie=me, expect=409), "conversation_closed")
    seen_by_resident = [e["type"] for e in c.call("GET", events, f"{conv}/{a}/events", cookie=me,
                                                  expect=200).json()["events"]]
    assert "note" not in seen_by_resident and "consulted" not in seen_by_resident, seen_by_resident
    assert seen_by_resident[-1] == "closed", seen_by_resident
    feedback = conv + "/{id}/feedback"
    c.error(c.call("POST", feedback, f"{conv}/{a}/feedback", body={"score": 11}, headers=CSRF, cookie=me, expect=422), "invalid_score", "score")
    c.call("POST", feedback, f"{conv}/{a}/feedback", body={"score": 9, "comment": "Kiitos!"}, headers=CSRF, cookie=me, expect=201)
    c.error(c.call("POST", feedback, f"{conv}/{a}/feedback", body={"score": 9}, headers=CSRF, cookie=me, expect=409), "feedback_given")
    # A closed case's events leave the stream: its content is reachable only through the audited case view.
    after_close = [e["type"] for e in c.call("GET", pro_events, f"{pro_events}?after={stream['next']}", cookie=nurse,
                                             expect=200).json()["events"]]
    assert "note" not in after_close, after_close
    # Closed, the case is the handler's no more; an admin may still read it (audited).
    c.call("GET", case, f"/api/v1/pro/cases/{a}", cookie=nurse, expect=404)
    admin_case = "/api/v1/pro/admin/cases/{id}"
    read = c.call("GET", admin_case, f"/api/v1/pro/admin/cases/{a}?lang=sv", cookie=admin, expect=200).json()
    assert read["access"] == "admin" and read["conversation"]["status"] == "closed", read
    c.error(c.call("GET", admin_case, f"/api/v1/pro/admin/cases/{a}", cookie=nurse, expect=403), "admin_only")
    c.call("GET", admin_case, f"/api/v1/pro/admin/cases/{a}", cookie=me, expect=401)
    c.call("GET", admin_case, f"/api/v1/pro/admin/cases/{'0' * 32}", cookie=admin, expect=404)

    # The record system pulls the export the closing wrote.
    exports, one, ack = "/api/v1/record-exports", "/api/v1/record-exports/{id}", "/api/v1/record-exports/{id}/ack"
    key = {"Authorization": f"Bearer {server.api_key}"}
    c.error(c.call("GET", exports, expect=401), "invalid_api_key")
    c.call("GET", exports, headers={"Authorization": "Bearer nk_" + "A" * 43}, expect=401)
    c.call("GET", exports, cookie=nurse, expect=401)
    page = c.call("GET", exports, f"{exports}?after=0&limit=10", headers=key, expect=200).json()
    assert [e["conversationId"] for e in page["exports"]] == [a], page
    assert page["exports"][0]["document"]["resourceType"] == "Bundle", page
    export_id = page["exports"][0]["id"]
    for query, code in (("limit=0", "invalid_limit"), ("after=-1", "invalid_after"),
                        ("unacknowledged=maybe", "invalid_unacknowledged")):
        c.error(c.call("GET", exports, f"{exports}?{query}", headers=key, expect=400), code)
    c.call("GET", one, f"{exports}/{export_id}", headers=key, expect=200)
    export_photo = "/api/v1/record-exports/{id}/photos/{photoId}"
    c.call("GET", export_photo, f"{exports}/{export_id}/photos/{photo['id']}", headers=key, expect=200)
    c.call("GET", export_photo, f"{exports}/{export_id}/photos/{photo['id']}", expect=401)
    c.call("GET", one, f"{exports}/{export_id}", expect=401)
    c.call("GET", one, f"{exports}/{'0' * 32}", headers=key, expect=404)
    receipt = c.call("POST", ack, f"{exports}/{export_id}/ack", headers=key, expect=200).json()
    assert receipt["acknowledged"] and "document" not in receipt, receipt
    assert c.call("POST", ack, f"{exports}/{export_id}/ack", headers=key, expect=200).json() == receipt
    c.call("POST", ack, f"{exports}/{'0' * 32}/ack", headers=key, expect=404)
    c.call("POST", ack, f"{exports}/{export_id}/ack", expect=401)
    assert c.call("GET", exports, f"{exports}?unacknowledged=true", headers=key, expect=200).json()["exports"] == []

    c.call("POST", logout, body={}, headers=CSRF, cookie=nurse, expect=204)
    c.call("POST", logout, body={}, headers=CSRF, cookie=nurse, expect=401)
    c.call("GET", whoami, cookie=nurse, expect=401)

    # Statistics: an administrator sees every queue; a professional and a resident find nothing.
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 2 * 3600))
    stats = c.call("GET", "/api/v1/stats", f"/api/v1/stats?from={today}&lang=en", cookie=admin, expect=200).json()
    assert stats["totals"]["opened"] >= 1 and stats["queues"] is None, stats["totals"]
    c.error(c.call("GET", "/api/v1/stats", f"/api/v1/stats?from={today}&to=2000-01-01", cookie=admin, expect=422), "invalid_to", "to")
    c.call("GET", "/api/v1/stats", f"/api/v1/stats?from={today}", cookie=nurse, expect=404)
    c.call("GET", "/api/v1/stats", f"/api/v1/stats?from={today}", cookie=me, expect=404)
    csv_route = "/api/v1/stats/csv/{table}"
    csv = c.call("GET", csv_route, f"/api/v1/stats/csv/summary?from={today}", cookie=admin, expect=200)
    assert csv.body.startswith("\ufeffmeasure;value".encode("utf-8")), csv.body[:40]
    c.call("GET", csv_route, f"/api/v1/stats/csv/nothing?from={today}", cookie=admin, expect=404)
    calls_csv = c.call("GET", csv_route, f"/api/v1/stats/csv/call-backs?from={today}", cookie=admin, expect=200)
    assert calls_csv.body.startswith("\ufeffwindow;requested".encode("utf-8")), calls_csv.body[:40]
    live = c.call("GET", "/api/v1/stats/live", "/api/v1/stats/live", cookie=admin, expect=200).json()
    assert {q["id"] for q in live["queues"]} >= {"nurse"}, live
    c.error(c.call("GET", "/api/v1/stats/live", "/api/v1/stats/live?wait=31", cookie=admin, expect=400), "invalid_wait")

    # The access log: the register keeper's; a professional finds nothing.
    log = c.call("GET", "/api/v1/audit", f"/api/v1/audit?from={today}", cookie=admin, expect=200).json()
    assert any(e["action"] == "opened" for e in log["entries"]), log
    c.error(c.call("GET", "/api/v1/audit", "/api/v1/audit", cookie=admin, expect=422), "invalid_query", "query")
    c.call("GET", "/api/v1/audit", f"/api/v1/audit?from={today}", cookie=nurse, expect=404)
    audit_csv = c.call("GET", "/api/v1/audit/csv", f"/api/v1/audit/csv?from={today}", cookie=admin, expect=200)
    assert audit_csv.body.startswith("\ufefftime;reader".encode("utf-8")), audit_csv.body[:40]

    # A call-back instead of the chat queue, its text message in the outbox, and taking it back.
    callme = c.call("POST", conv, body={}, headers=CSRF, cookie=me, expect=201).json()["id"]
    c.call("POST", pq, f"{conv}/{callme}/pre-questionnaire", body=SKIN_ROUTINE, headers=CSRF, cookie=me, expect=200)
    cb = conv + "/{id}/call-back"
    offer = c.call("GET", cb, f"{conv}/{callme}/call-back", cookie=me, expect=200).json()
    assert offer["offered"] and offer["windows"], offer
    c.error(c.call("POST", cb, f"{conv}/{callme}/call-back", body={"phone": "12", "windowStart": offer["windows"][0]["start"]},
                   headers=CSRF, cookie=me, expect=422), "invalid_phone", "phone")
    made = c.call("POST", cb, f"{conv}/{callme}/call-back", body={"phone": "040 123 4567", "windowStart": offer["windows"][0]["start"],
                                                                   "notify": True, "language": "en"}, headers=CSRF, cookie=me, expect=201).json()
    assert made["status"] == "requested", made
    c.error(c.call("POST", cb, f"{conv}/{callme}/call-back", body={"phone": "040 123 4567", "windowStart": offer["windows"][0]["start"]},
                   headers=CSRF, cookie=me, expect=409), "call_back_exists")
    c.call("GET", cb, f"{conv}/{callme}/call-back", cookie=other, expect=404)
    sms = {"Authorization": f"Bearer {server.sms_key}"}
    outbox = c.call("GET", "/api/v1/notifications", "/api/v1/notifications?after=0", headers=sms, expect=200).json()
    sent = [n for n in outbox["notifications"] if n["kind"] == "callBackConfirmed"]
    assert sent and sent[0]["phone"] == "+358401234567" and "call-back" in sent[0]["text"], outbox
    c.call("GET", "/api/v1/notifications", "/api/v1/notifications", headers=key, expect=401)
    c.call("POST", "/api/v1/notifications/{id}/ack", f"/api/v1/notifications/{sent[0]['id']}/ack", body={}, headers=sms, expect=200)
    c.call("GET", exports, f"{exports}?after=0", headers=sms, expect=401)
    cancelled = c.call("POST", cb + "/cancel", f"{conv}/{callme}/call-back/cancel", body={}, headers=CSRF, cookie=me, expect=200).json()
    assert cancelled["status"] == "cancelled", cancelled

    # The nurse's call list: another resident's call-back, picked, and two unanswered tries.
    callee = c.call("POST", conv, body={}, headers=CSRF, cookie=me, expect=201).json()["id"]
    c.call("POST", pq, f"{conv}/{callee}/pre-questionnaire", body=SKIN_ROUTINE, headers=CSRF, cookie=me, expect=200)
    window = c.call("GET", cb, f"{conv}/{callee}/call-back", cookie=me, expect=200).json()["windows"][0]["start"]
    c.call("POST", cb, f"{conv}/{callee}/call-back", body={"phone": "040 123 4567", "windowStart": window}, headers=CSRF, cookie=me,
           expect=201)
    # Waiting for the call, the chat is closed to the resident.
    c.error(c.call("POST", messages, f"{conv}/{callee}/messages", body={"clientId": str(uuid.uuid4()), "text": "Hei?"}, headers=CSRF,
                   cookie=me, expect=409), "waiting_for_call")
    caller = pro(c.call("POST", login, body={"username": PRO_USER, "password": PRO_PASSWORD}, headers=CSRF, expect=200)
                 .cookie("neuvo_pro"))
    calls = c.call("GET", "/api/v1/pro/call-backs", cookie=caller, expect=200).json()["callBacks"]
    call = next(x for x in calls if x["conversationId"] == callee)
    assert call["phone"] is None and call["status"] == "requested", call
    c.call("GET", "/api/v1/pro/call-backs", expect=401)
    picked = c.call("POST", "/api/v1/pro/call-backs/{id}/pick", f"/api/v1/pro/call-backs/{call['id']}/pick", body={}, headers=CSRF,
                    cookie=caller, expect=200).json()
    assert picked["phone"] == "+358 40 1234567", picked
    c.error(c.call("POST", "/api/v1/pro/call-backs/{id}/pick", f"/api/v1/pro/call-backs/{call['id']}/pick", body={}, headers=CSRF,
                   cookie=caller, expect=409), "case_taken")
    tries = "/api/v1/pro/call-backs/{id}/attempts"
    c.error(c.call("POST", tries, f"/api/v1/pro/call-backs/{call['id']}/attempts", body={"result": "maybe"}, headers=CSRF, cookie=caller,
                   expect=422), "invalid_result", "result")
    c.call("POST", tries, f"/api/v1/pro/call-backs/{call['id']}/attempts", body={"result": "noAnswer"}, headers=CSRF, cookie=caller, expect=200)
    ended = c.call("POST", tries, f"/api/v1/pro/call-backs/{call['id']}/attempts", body={"result": "noAnswer"}, headers=CSRF,
                   cookie=caller, expect=200).json()
    assert ended["status"] == "notReached", ended
    c.error(c.call("POST", cb + "/cancel", f"{conv}/{callee}/call-back/cancel", body={}, headers=CSRF, cookie=me, expect=409),
            "call_back_ended")

    # "Text me when the nurse answers": a mobile number, a text when the nurse writes, and removed.
    texted = c.call("POST", conv, body={}, headers=CSRF, cookie=me, expect=201).json()["id"]
    c.call("POST", pq, f"{conv}/{texted}/pre-questionnaire", body=SKIN_ROUTINE, headers=CSRF, cookie=me, expect=200)
    rt = conv + "/{id}/reply-text"
    assert c.call("GET", rt, f"{conv}/{texted}/reply-text", cookie=me, expect=200).json() == {"replyText": None}
    c.error(c.call("POST", rt, f"{conv}/{texted}/reply-text", body={"phone": "09 123 4567"}, headers=CSRF, cookie=me, expect=422),
            "invalid_phone", "phone")
    set_ = c.call("POST", rt, f"{conv}/{texted}/reply-text", body={"phone": "050 765 4321", "language": "en"}, headers=CSRF,
                  cookie=me, expect=200).json()
    assert set_["replyText"] == {"phone": "+358507654321", "language": "en"}, set_
    c.call("GET", rt, f"{conv}/{texted}/reply-text", cookie=other, expect=404)
    # My condition has changed: answered again while waiting, then a bad answer and someone else's.
    again = c.call("POST", conv + "/{id}/retriage", f"{conv}/{texted}/retriage", body={"answers": SKIN_ROUTINE["answers"]},
                   headers=CSRF, cookie=me, expect=200).json()
    assert again["outcome"] == "queued", again
    c.error(c.call("POST", conv + "/{id}/retriage", f"{conv}/{texted}/retriage", body={}, headers=CSRF, cookie=me, expect=422),
            "invalid_answers", "answers")
    c.call("POST", conv + "/{id}/retriage", f"{conv}/{texted}/retriage", body={"answers": SKIN_ROUTINE["answers"]}, headers=CSRF,
           cookie=other, expect=404)
    # This browser's matters, newest first.
    listed = c.call("GET", conv, conv, cookie=me, expect=200).json()["conversations"]
    assert listed and listed[0]["id"] == texted, listed
    c.call("POST", pick, body={"conversationId": texted}, headers=CSRF, cookie=caller, expect=200)
    c.call("POST", pro_messages, f"/api/v1/pro/cases/{texted}/messages", body={"clientId": str(uuid.uuid4()), "text": "Hei!"},
           headers=CSRF, cookie=caller, expect=201)
    outbox = c.call("GET", "/api/v1/notifications", "/api/v1/notifications?after=0", headers=sms, expect=200).json()
    assert any(n["kind"] == "professionalReplied" and n["phone"] == "+358507654321" for n in outbox["notifications"]), outbox
    removed = c.call("POST", rt + "/remove", f"{conv}/{texted}/reply-text/remove", body={}, headers=CSRF, cookie=me, expect=200).json()
    assert removed == {"replyText": None}, removed

    # Monitoring reads the metrics from this machine.
    metrics = c.call("GET", "/metrics", expect=200).body.decode()
    assert 'neuvo_http_requests_total{method="GET",route="/api/v1/stats",status="200"}' in metrics, metrics[:500]

    # Every documented operation was exercised.
    forget_this_device(c)
    untouched = documented_routes() - {(m, t) for m, t, _ in c.seen}
    assert not untouched, f"the flow never called {sorted(untouched)}"


def forget_this_device(c: "Client") -> None:
    """A resident on a shared computer ends their session: the cookie is dropped and opens nothing more."""
    r = c.call("POST", "/api/v1/conversations", body={}, headers=CSRF, expect=201)
    me, conv = resident(r.cookie("neuvo_resident")), r.json()["id"]
    ended = c.call("POST", "/api/v1/session/end", body={}, headers=CSRF, cookie=me, expect=204)
    assert ended.header("set-cookie").startswith("neuvo_resident=; Path=/; Max-Age=0"), ended
    c.call("GET", "/api/v1/conversations/{id}", f"/api/v1/conversations/{conv}", cookie=me, expect=404)
    c.call("POST", "/api/v1/session/end", body={}, headers=CSRF, cookie=me, expect=404)


def test_a_resident_session_reaches_no_professional_operation(server):
    """Every documented /api/v1/pro operation but sign-in answers 401 to a resident's session,
    with a resident's own conversation id where the path wants one."""
    c = Client(server)
    me = resident(c.call("POST", "/api/v1/conversations", body={}, headers=CSRF, expect=201).cookie("neuvo_resident"))
    mine = c.call("GET", "/api/v1/session", cookie=me, expect=200)  # the session is live
    assert mine.status == 200
    conv = c.call("POST", "/api/v1/conversations", body={}, headers=CSRF, cookie=me, expect=201).json()["id"]
    checked = []
    for template, item in SPEC["paths"].items():
        if not template.startswith("/api/v1/pro/") or template == "/api/v1/pro/login":
            continue
        for method in METHODS:
            if method not in item:
                continue
            path = (template.replace("{id}", conv).replace("{photoId}", "0" * 32).replace("{username}", "hanna"))
            if template.endswith("/photos"):  # an upload's body is the image itself
                reply = c.call(method.upper(), template, path, raw=tiny_png(), cookie=me, expect=401,
                               headers={"X-Requested-With": "neuvo", "Content-Type": "image/png"})
            else:
                reply = c.call(method.upper(), template, path, body={} if method == "post" else None, headers=CSRF,
                               cookie=me, expect=401)
            assert reply.json()["error"]["code"] == "not_signed_in", reply
            checked.append(f"{method.upper()} {template}")
    assert len(checked) >= 19, checked


def _raw(server, request: bytes) -> Reply:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = [(k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:])]
    return Reply(status, headers, body)


ENGINE_CASES = [
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", 400, "malformed_request"),
    (b"POST /api/v1/conversations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411,
     "length_required"),
    (b"POST /api/v1/conversations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "transfer_coding"),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: something\r\n\r\n", 417, "expectation_failed"),
    (b"GET /healthz?" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(120)) + b"\r\n", 431,
     "too_many_headers"),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n\r\n", 413, "body_too_large"),
    (b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 505, "http_version"),
]


@pytest.mark.parametrize("request_bytes,status,code", ENGINE_CASES, ids=[str(c[1]) for c in ENGINE_CASES])
def test_engine_errors_match_document(server, request_bytes, status, code):
    reply = _raw(server, request_bytes)
    target = request_bytes.split(b" ")[0].decode(), request_bytes.split(b" ")[1].split(b"?")[0].decode()
    assert reply.status == status, reply
    check_documented(*target, reply)
    assert reply.json()["error"]["code"] == code, reply


def test_unknown_paths_and_methods_match_document(server):
    for method, path, status, name in (("PUT", "/healthz", 405, "MethodNotAllowed"),
                                       ("DELETE", "/api/v1/conversations", 405, "MethodNotAllowed"),
                                       ("GET", "/api/v1/nothing", 404, "NotFound")):
        reply = _raw(server, f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        assert reply.status == status, (method, path, reply)
        check_response(SPEC["components"]["responses"][name], _pointer("components", "responses", name), reply,
                       f"{method} {path}")


def test_405_lists_allowed_methods(server):
    """RFC 9110 §15.5.6: a 405 response MUST carry Allow with the path's methods."""
    failures = []
    for path, item in SPEC["paths"].items():
        concrete = path.replace("{id}", "0" * 32)
        declared = {m.upper() for m in METHODS if m in item}
        expected = declared | ({"HEAD"} if "GET" in declared else set())
        for method in sorted({"GET", "POST", "PUT", "PATCH", "DELETE"} - declared):
            reply = _raw(server, f"{method} {concrete} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            allow = reply.header("allow")
            allowed = {m.strip().upper() for m in (allow or "").split(",") if m.strip()}
            if reply.status != 405 or not declared <= allowed <= expected:
                failures.append(f"{method} {concrete} → {reply.status}, Allow: {allow!r} (want {sorted(declared)})")
    assert not failures, "405 answers without a correct Allow header:\n" + "\n".join(failures)


# --------------------------------------------------------------------------
# (d) schemathesis against the live server
# --------------------------------------------------------------------------


def _post(server, path: str, body, cookie: str | None = None) -> Reply:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    headers = dict(CSRF)
    if cookie:
        headers["Cookie"] = cookie
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    r = conn.getresponse()
    reply = Reply(r.status, r.getheaders(), r.read())
    conn.close()
    assert 200 <= reply.status < 300, (path, reply)
    return reply


SCHEMATHESIS_CONFIG = """\
# Generated by Tests/clients/test_openapi.py.

# Every check, but: the Allow header of 405 answers is checked by
# test_405_lists_allowed_methods; and a resident's conversation that is not the
# caller's answers 404, not 401/403, by design (the live flow checks the 401s
# of the professional and record-system routes).
[checks]
unsupported_method.enabled = false
ignored_auth.enabled = false
# A body over the route's limit is rightly refused with 413 (documented), whatever it holds.
negative_data_rejection.expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422",
                                             "428", "429", "5xx"]
[auth.openapi.residentCookie]
api_key = "{resident}"

[auth.openapi.professionalCookie]
api_key = "{professional}"

[auth.openapi.recordSystemKey]
bearer = "{api_key}"

# Signing out would end the professional session the other operations use.
[[operations]]
include-operation-id = "logout"
enabled = false

# Binary image bodies: schemathesis's generator fails internally on them; the
# live flow and the Swift photo tests drive these routes with real and broken images.
[[operations]]
include-operation-id = ["uploadPhoto", "uploadCasePhoto"]
enabled = false

# Feedback is accepted once per handled conversation; the live flow covers it.
[[operations]]
include-operation-id = "giveFeedback"
checks.positive_data_acceptance.enabled = false

# Path ids pinned to conversations that exist, so requests get past the 404;
# `after` pinned to 0 (there are events after it) so no long poll parks.
[[operations]]
include-operation-id = ["getConversation", "postMessage"]
parameters = {{ "path.id" = "{chat}" }}

[[operations]]
include-operation-id = "getEvents"
parameters = {{ "path.id" = "{chat}", "query.after" = 0 }}

[[operations]]
include-operation-id = "withdrawConversation"
parameters = {{ "path.id" = "{withdrawable}" }}

# Which answers are valid depends on the catalog, and which colleague ids on
# the accounts, not on the schema.
[[operations]]
include-operation-id = "submitPreQuestionnaire"
parameters = {{ "path.id" = "{triage}" }}
checks.positive_data_acceptance.enabled = false

[[operations]]
include-operation-id = "consultColleague"
parameters = {{ "path.id" = "{case}" }}
checks.positive_data_acceptance.enabled = false

[[operations]]
include-operation-id = "transferCase"
checks.positive_data_acceptance.enabled = false

# Which windows are offered depends on the catalog and the clock, not on the schema.
[[operations]]
include-operation-id = "requestCallBack"
checks.positive_data_acceptance.enabled = false

# Whether a number is a Finnish mobile one (not a landline or a service number) is not a schema's to say.
[[operations]]
include-operation-id = "setReplyText"
checks.positive_data_acceptance.enabled = false

# The 64-byte limit on usernames cannot be said in JSON Schema (maxLength counts characters).
[[operations]]
include-operation-id = "login"
checks.positive_data_acceptance.enabled = false

[[operations]]
include-operation-id = ["getCase", "postProfessionalMessage", "addNote"]
parameters = {{ "path.id" = "{case}" }}

[[operations]]
include-operation-id = ["getRecordExport", "acknowledgeRecordExport"]
parameters = {{ "path.id" = "{export}" }}

[[operations]]
include-operation-id = "getProfessionalEvents"
parameters = {{ "query.after" = 0 }}
"""


def test_schemathesis(server, tmp_path):
    # A resident with conversations in each state the operations need, and a
    # signed-in professional handling one of them.
    r = _post(server, "/api/v1/conversations", {})
    me = resident(r.cookie("neuvo_resident"))
    ids = {name: _post(server, "/api/v1/conversations", {}, me).json()["id"]
           for name in ("chat", "withdrawable", "triage", "case", "closed")}
    r = _post(server, "/api/v1/pro/login", {"username": PRO_USER, "password": PRO_PASSWORD})
    nurse_token = r.cookie("neuvo_pro")
    for name in ("closed", "case"):
        _post(server, f"/api/v1/conversations/{ids[name]}/pre-questionnaire", SKIN_ROUTINE, me)
        _post(server, "/api/v1/pro/pick", {"conversationId": ids[name]}, pro(nurse_token))
    _post(server, f"/api/v1/pro/cases/{ids['closed']}/close", {"outcome": "noCareNeed", "instructions": "Ok.",
                                                               "summary": "Ok."}, pro(nurse_token))
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/api/v1/record-exports?limit=500", headers={"Authorization": f"Bearer {server.api_key}"})
    exported = json.loads(conn.getresponse().read())["exports"]
    conn.close()
    ids["export"] = next(e["id"] for e in exported if e["conversationId"] == ids["closed"])

    config = tmp_path / "schemathesis.toml"
    config.write_text(SCHEMATHESIS_CONFIG.format(resident=me.split("=", 1)[1], professional=nurse_token,
                                                 api_key=server.api_key, **ids))
    cmd = [str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(config), "--no-color",
           "run", server.url("/openapi.json"),
           "--max-examples", str(SCHEMATHESIS_EXAMPLES),
           "--seed", SCHEMATHESIS_SEED,
           # One worker: with two threads, CPython 3.11's ast.parse (which Hypothesis calls to describe
           # filter lambdas) now and then fails with "AST constructor recursion depth mismatch".
           "--workers", "1",
           "--request-timeout", "10",
           "--report", "junit", "--report-dir", str(tmp_path / "report")]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120 + 4 * SCHEMATHESIS_EXAMPLES, cwd=tmp_path,
                       env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"})
    output = p.stdout + p.stderr
    assert p.returncode == 0, f"schemathesis found problems (exit {p.returncode}):\n{output[-30000:]}"
    assert re.search(r"\b\d+ generated\b", output), output[-3000:]
