"""Who may call what: every operation of Public/openapi.json × every kind of caller, against one real server.

Each documented operation has a row in ROWS saying, for each caller kind in
`authz_callers.KINDS`, whether the request must reach the operation (any answer
but 401/403/404 and 5xx; a 409 or 422 from the operation itself still counts)
or be refused with an exact status and error code. An operation in the file
without a row, or a row for an operation not in it, fails
`test_every_documented_operation_has_a_row`, so no route is added without
deciding who may call it.

The callers are real: resident sessions from opening conversations, professionals
signed in with the password the CLI gave them, API keys the CLI created (one of
them revoked), and the metrics token (the server takes /metrics only from
192.0.2.1 or that token, so this machine's address opens nothing here). Path
ids are the owner's objects: a conversation the former handler picked and passed
to the handler, who consulted the consultant; so "other resident" and
"professional not in the queue" meet an object that exists. Operations whose
success changes their object get a fresh one for every cell.

Every request carries `X-Requested-With: neuvo` and its body type, so a refusal
seen is the authorisation, not the CSRF rule; `test_csrf` then sends each
state-changing operation without it as each allowed caller (403 `csrf` for the
browsers' routes; the API-key routes need no such header). A refusal must leave
everything as it was: the database (every table but session last-seen times,
key last-used times and sign-in throttles), the owner's view of the
conversation, and the caller's own sign-in.

A known hole is listed in HOLES: its cells assert the right behaviour and are
expected to fail (strictly, so fixing the server makes them pass loudly).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass

import pytest

from authz_callers import ACCOUNTS, ANSWERS, CLOSING, KINDS, World, started_world, tiny_png
from conftest import REPO

SPEC = json.loads((REPO / "Public" / "openapi.json").read_text(encoding="utf-8"))
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
TODAY = time.strftime("%Y-%m-%d", time.gmtime())

# --------------------------------------------------------------------------
# Who may call
# --------------------------------------------------------------------------

OK = "reaches the operation"
NOT_FOUND, NOT_SIGNED_IN, BAD_KEY = (404, "not_found"), (401, "not_signed_in"), (401, "invalid_api_key")
NOT_FOR_MANAGERS, ADMIN_ONLY = (403, "not_for_managers"), (403, "admin_only")
PROS = ("handler", "pro_in_queue", "pro_not_in_queue", "consultant", "former_handler", "admin")


def rule(allowed, rest, *, pros=None, manager=None) -> dict:
    """`allowed` reach the operation; the other professionals (admin included) get `pros`,
    the manager `manager`, and everyone else `rest`."""
    table = {kind: rest for kind in KINDS}
    for kind in PROS:
        table[kind] = pros or rest
    table["manager"] = manager or rest
    table.update({kind: OK for kind in allowed})
    return table


ANYONE = rule(KINDS, None)
RESIDENT = rule(["owner"], NOT_FOUND)               # anyone else: 404, so ids cannot be probed
ACCOUNT = rule(PROS + ("manager",), NOT_SIGNED_IN)  # any signed-in account, a manager's too
PRO = rule(PROS, NOT_SIGNED_IN, manager=NOT_FOR_MANAGERS)


def case(*allowed) -> dict:
    """A case's (or queue's) own professionals; other professionals 404, a manager 403, the rest 401."""
    return rule(allowed, NOT_SIGNED_IN, pros=NOT_FOUND, manager=NOT_FOR_MANAGERS)


QUEUE = case("handler", "pro_in_queue", "former_handler")  # members of the nurse queue
ADMIN = rule(["admin"], NOT_SIGNED_IN, pros=ADMIN_ONLY, manager=ADMIN_ONLY)
STATS = rule(["admin", "manager"], NOT_FOUND)
AUDIT = rule(["admin"], NOT_FOUND)
RECORDS = rule(["record_key"], BAD_KEY)
SMS = rule(["sms_key"], BAD_KEY)
METRICS = rule(["metrics_reader"], NOT_FOUND)
PNG = "an image/png body"


@dataclass(frozen=True)
class Row:
    rule: dict
    build: str | None = None       # the World builder whose object the path names
    fresh: bool = False            # a new object for every cell: the allowed call changes it
    path: str | None = None        # the request target, formatted with the object's ids (default: the template)
    body: object = None            # a JSON body, PNG, or a function (world, object) → body
    own_session: bool = False      # each professional (and resident) caller gets a session anew (ending it ends it)
    api_key: bool = False          # called with a key, not by a browser: no CSRF rule


def message(w, s):
    return {"clientId": str(uuid.uuid4()), "text": "Hei"}


C, P = "/api/v1/conversations/{id}", "/api/v1/pro/cases/{id}"
ROWS: dict[str, Row] = {
    "GET /healthz": Row(ANYONE),
    "GET /api/v1/catalog": Row(ANYONE),
    "GET /fhir/CodeSystem/{id}": Row(ANYONE, path="/fhir/CodeSystem/case-outcome"),
    "GET /fhir/Questionnaire/{id}": Row(ANYONE, path="/fhir/Questionnaire/skin"),
    "GET /fhir/StructureDefinition/{id}": Row(ANYONE, path="/fhir/StructureDefinition/case-outcome"),
    "GET /api/v1/session": Row(ANYONE),
    "POST /api/v1/identification/demo": Row(ANYONE, body={"personalIdentityCode": "not-a-code"}),  # 422: demo mode
    "POST /api/v1/conversations": Row(ANYONE, body={}),
    # Any resident session reaches its own list (another's is simply not in it); no session: 404.
    "GET /api/v1/conversations": Row(rule(["owner", "other_resident"], NOT_FOUND)),
    "GET /api/v1/conversations/{id}": Row(RESIDENT, "active"),
    "POST /api/v1/conversations/{id}/pre-questionnaire": Row(RESIDENT, "open", fresh=True, body=ANSWERS),
    "POST /api/v1/conversations/{id}/withdraw": Row(RESIDENT, "queued", fresh=True, body={}),
    "POST /api/v1/conversations/{id}/retriage": Row(RESIDENT, "queued", fresh=True, body=lambda w, s: {"answers": ANSWERS["answers"]}),
    "POST /api/v1/conversations/{id}/messages": Row(RESIDENT, "active", body=message),
    "GET /api/v1/conversations/{id}/events": Row(RESIDENT, "active", path=C + "/events?after=0"),
    "POST /api/v1/conversations/{id}/photos": Row(RESIDENT, "active", body=PNG),
    "GET /api/v1/conversations/{id}/photos/{photoId}": Row(RESIDENT, "active", path=C + "/photos/{photo}"),
    "POST /api/v1/conversations/{id}/feedback": Row(RESIDENT, "closed", fresh=True, body={"score": 9, "comment": "Kiitos"}),
    "GET /api/v1/conversations/{id}/call-back": Row(RESIDENT, "queued"),
    "POST /api/v1/conversations/{id}/call-back": Row(RESIDENT, "queued", fresh=True, body=lambda w, s: {
        "phone": f"050 2{next(w.phones):06d}", "windowStart": s["window"]}),
    "POST /api/v1/conversations/{id}/call-back/cancel": Row(RESIDENT, "callback", fresh=True, body={}),
    "GET /api/v1/conversations/{id}/reply-text": Row(RESIDENT, "active"),
    "POST /api/v1/conversations/{id}/reply-text": Row(RESIDENT, "queued", fresh=True, body=lambda w, s: {
        "phone": f"050 3{next(w.phones):06d}", "language": "fi"}),
    "POST /api/v1/conversations/{id}/reply-text/remove": Row(RESIDENT, "texting", fresh=True, body={}),
    "POST /api/v1/pro/login": Row(ANYONE, body={}),  # 422: no credentials given
    "POST /api/v1/pro/logout": Row(ACCOUNT, body={}, own_session=True),
    # Any resident ends their own session (a shared computer); no session: 404.
    "POST /api/v1/session/end": Row(rule(["owner", "other_resident"], NOT_FOUND), body={}, own_session=True),
    "GET /api/v1/pro/me": Row(ACCOUNT),
    "POST /api/v1/pro/shifts": Row(QUEUE, body={"queueId": "nurse", "onShift": True}),
    "GET /api/v1/pro/queue": Row(PRO),
    "GET /api/v1/pro/events": Row(PRO, path="/api/v1/pro/events?after=0"),
    "GET /api/v1/pro/colleagues": Row(PRO),
    "GET /api/v1/pro/cases": Row(PRO),
    "POST /api/v1/pro/pick": Row(QUEUE, "queued", fresh=True, body=lambda w, s: {"conversationId": s["id"]}),
    "GET /api/v1/pro/cases/{id}": Row(case("handler", "consultant"), "active"),
    "POST /api/v1/pro/cases/{id}/messages": Row(case("handler"), "active", body=message),
    "POST /api/v1/pro/cases/{id}/notes": Row(case("handler", "consultant"), "active", body=message),
    "POST /api/v1/pro/cases/{id}/transfer": Row(case("handler"), "active", fresh=True, body={"queueId": "nurse"}),
    "POST /api/v1/pro/cases/{id}/consult": Row(case("handler"), "active", fresh=True,
                                               body=lambda w, s: {"professionalId": w.ids["pro_in_queue"]}),
    "POST /api/v1/pro/cases/{id}/close": Row(case("handler"), "active", fresh=True, body=CLOSING),
    "POST /api/v1/pro/cases/{id}/photos": Row(case("handler"), "active", body=PNG),
    "GET /api/v1/pro/cases/{id}/photos/{photoId}": Row(case("handler", "consultant"), "active", path=P + "/photos/{photo}"),
    "GET /api/v1/pro/call-backs": Row(PRO),
    "POST /api/v1/pro/call-backs/{id}/pick": Row(QUEUE, "callback", fresh=True, path="/api/v1/pro/call-backs/{cb}/pick",
                                                 body={}),
    "POST /api/v1/pro/call-backs/{id}/attempts": Row(case("handler"), "called", fresh=True,
                                                     path="/api/v1/pro/call-backs/{cb}/attempts", body={"result": "noAnswer"}),
    "GET /api/v1/pro/admin/professionals": Row(ADMIN),
    "POST /api/v1/pro/admin/professionals/{username}/queues": Row(
        ADMIN, path="/api/v1/pro/admin/professionals/" + ACCOUNTS["pro_in_queue"][0] + "/queues",
        body={"queues": ["nurse", "child-health"]}),
    "GET /api/v1/pro/admin/cases/{id}": Row(ADMIN, "closed", path="/api/v1/pro/admin/cases/{id}"),
    "GET /api/v1/stats": Row(STATS, path="/api/v1/stats?from=" + TODAY),
    "GET /api/v1/stats/csv/{table}": Row(STATS, path="/api/v1/stats/csv/summary?from=" + TODAY),
    "GET /api/v1/stats/live": Row(STATS),
    "GET /api/v1/audit": Row(AUDIT, path="/api/v1/audit?from=" + TODAY),
    "GET /api/v1/audit/csv": Row(AUDIT, path="/api/v1/audit/csv?from=" + TODAY),
    "GET /metrics": Row(METRICS),
    "GET /api/v1/record-exports": Row(RECORDS, api_key=True),
    "GET /api/v1/record-exports/{id}": Row(RECORDS, "closed", path="/api/v1/record-exports/{export}", api_key=True),
    "POST /api/v1/record-exports/{id}/ack": Row(RECORDS, "closed", fresh=True, path="/api/v1/record-exports/{export}/ack",
                                                api_key=True),
    "GET /api/v1/record-exports/{id}/photos/{photoId}": Row(RECORDS, "closed", api_key=True,
                                                            path="/api/v1/record-exports/{export}/photos/{photo}"),
    "GET /api/v1/notifications": Row(SMS, api_key=True),
    "POST /api/v1/notifications/{id}/ack": Row(SMS, "callback", fresh=True, path="/api/v1/notifications/{notification}/ack",
                                               api_key=True),
}

# Cells where the server is known to answer otherwise: (operation, kind) → what it does instead.
# None now: the call-back attempts hole this matrix found (a picked call-back stayed with whoever
# picked it after the case was passed on) is fixed; the call follows the case's handler.
HOLES: dict[tuple[str, str], str] = {}


def documented() -> list[str]:
    return [f"{m.upper()} {path}" for path, item in SPEC["paths"].items() for m in METHODS if m in item]


def test_every_documented_operation_has_a_row():
    missing = [op for op in documented() if op not in ROWS]
    stale = sorted(set(ROWS) - set(documented()))
    assert not missing and not stale, (
        "the authorisation matrix is out of date with Public/openapi.json:\n"
        f"  operations without a row (decide who may call them): {missing}\n"
        f"  rows for operations not in the file: {stale}")


def test_every_row_decides_every_caller_as_the_contract_allows():
    """Each row decides every kind, and each refusal it expects is one the operation documents."""
    for op, row in ROWS.items():
        assert set(row.rule) == set(KINDS), f"{op}: no decision for {sorted(set(KINDS) - set(row.rule))}"
        method, template = op.split(" ", 1)
        responses = SPEC["paths"].get(template, {}).get(method.lower(), {}).get("responses", {})
        for kind, expected in row.rule.items():
            assert expected == OK or expected[0] in (401, 403, 404), f"{op} × {kind}: {expected!r}"
            assert expected == OK or not responses or str(expected[0]) in responses, (
                f"{op} × {kind}: refused with {expected[0]}, which the operation does not document")


# --------------------------------------------------------------------------
# The server and the requests
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with started_world(tmp_path_factory.mktemp("neuvo-authz")) as (srv, world):
        srv.world = world
        srv.shared = {}
        yield srv


@pytest.fixture(scope="module")
def world(server) -> World:
    return server.world


def target(server, row: Row) -> dict:
    """The object the cell's path names: a fresh one, or the module's shared one of that state."""
    if row.build is None:
        return {}
    if row.fresh:
        return getattr(server.world, row.build)()
    if row.build not in server.shared:
        server.shared[row.build] = getattr(server.world, row.build)()
    return server.shared[row.build]


def send(w: World, op: str, row: Row, s: dict, kind: str, auth: dict | None, csrf: bool = True):
    method, template = op.split(" ", 1)
    path = (row.path or template).format(**{"photoId": s.get("photo"), "table": "summary", **s})
    body = row.body(w, s) if callable(row.body) else row.body
    if body == PNG:
        return w.call(method, path, kind, raw=tiny_png(), ctype="image/png", csrf=csrf, auth=auth)
    return w.call(method, path, kind, body=body, csrf=csrf, auth=auth)


def snapshot(w: World, s: dict, auth: dict) -> dict:
    """What a refusal must not change: the database, the owner's view, the caller's own sign-in."""
    return {"database": w.fingerprint(), "owner's view": w.owner_view(s.get("id")),
            "caller's /pro/me": w.call("GET", "/api/v1/pro/me", None, auth=auth).status}


def assert_unchanged(before: dict, after: dict, what: str) -> None:
    if before == after:
        return
    changed = [t for t in before["database"] if before["database"][t] != after["database"].get(t)]
    changed += sorted(set(after["database"]) - set(before["database"]))
    others = {k: (before[k], after[k]) for k in ("owner's view", "caller's /pro/me") if before[k] != after[k]}
    raise AssertionError(f"{what} changed something: tables {changed}; before → after: {others}")


def caller_auth(w: World, row: Row, kind: str) -> dict:
    if row.own_session and kind in ACCOUNTS:
        return w.login(ACCOUNTS[kind][0])
    if row.own_session and kind in ("owner", "other_resident"):
        return {"Cookie": "neuvo_resident=" + w.ok(w.call("POST", "/api/v1/conversations", None, body={}), 201).cookie("neuvo_resident")}
    return w.auth[kind]


# --------------------------------------------------------------------------
# The CSRF rule, before the matrix (which changes some objects it shares)
# --------------------------------------------------------------------------


def csrf_cells():
    for op in documented():
        row = ROWS.get(op)
        if row and op.startswith("POST "):
            for kind in (k for k in KINDS if row.rule[k] == OK):
                yield pytest.param(op, kind, id=f"{op} x {kind} without X-Requested-With")


@pytest.mark.parametrize("op,kind", list(csrf_cells()))
def test_csrf(server, world, op, kind):
    row = ROWS[op]
    s = target(server, row)
    auth = caller_auth(world, row, kind)
    before = snapshot(world, s, auth)
    reply = send(world, op, row, s, kind, auth, csrf=False)
    if row.api_key:  # not a browser: the key is the proof, no header needed
        assert reply.status not in (401, 403, 404) and reply.status < 500, f"{kind} without the header: {reply!r}"
        assert snapshot(world, s, auth) != before, "the acknowledgement changed nothing: is the fingerprint blind?"
        return
    assert (reply.status, reply.code()) == (403, "csrf"), f"{op} without X-Requested-With as {kind}: {reply!r}"
    assert_unchanged(before, snapshot(world, s, auth), f"{op} without X-Requested-With as {kind}")


# --------------------------------------------------------------------------
# The matrix
# --------------------------------------------------------------------------


def cells():
    for op in documented():
        row = ROWS.get(op)
        if row is None:
            continue  # test_every_documented_operation_has_a_row names it
        refused_first = sorted(KINDS, key=lambda k: row.rule[k] == OK)
        for kind in refused_first:
            hole = HOLES.get((op, kind))
            marks = [pytest.mark.xfail(strict=True, reason=hole)] if hole else []
            yield pytest.param(op, kind, id=f"{op} x {kind}", marks=marks)


@pytest.mark.parametrize("op,kind", list(cells()))
def test_cell(server, world, op, kind):
    row = ROWS[op]
    expected = row.rule[kind]
    s = target(server, row)
    auth = caller_auth(world, row, kind)
    before = snapshot(world, s, auth) if expected != OK else None
    reply = send(world, op, row, s, kind, auth)
    if expected == OK:
        assert reply.status not in (401, 403, 404) and reply.status < 500, f"{kind} should reach {op}, got {reply!r}"
        return
    assert reply.status == expected[0] and reply.code() == expected[1], (
        f"{op} as {kind}: expected {expected[0]} {expected[1]}, got {reply!r}")
    assert_unchanged(before, snapshot(world, s, auth), f"{op} refused to {kind}")
