"""Every kind of record document, from the real binary: one closed case per variant (anonymous adult, identified
adult, child with a mandate-checked / guardian-stated / temporary / no code, other adult, consulted-transferred
with a consultant's note and Kanta's service event, photos), each passing test_fhir.py's validation, the fi-base
profile checker, and with every code of ours in the CodeSystem the server serves at its canonical URL.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from authz_callers import tiny_png
from conftest import NEUVO_BIN, REPO, require_binary, running_server
from fhir_profiles import check_bundle, load_profiles
from test_fhir import (CSRF, HETU_SYSTEM, SKIN_OTHER_ADULT, SKIN_SELF, Actor, entries, fhirkit_path, neuvo,
                       one, prepare_database, professional, resolve, resources, schema_validator, validate)  # noqa: F401 (schema_validator: a fixture)

PUBLIC = "https://neuvo.example.fi"
CS_BASE = PUBLIC + "/fhir/CodeSystem/"
ORG_OID = "1.2.246.10.2805557.10"
ORG_NAME = "Testin hyvinvointialue"
FI_BASE = "https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/"
PROFILES_DIR = Path(os.environ.get("NEUVO_FI_BASE", REPO.parent / "shared" / "fhir" / "fi-base"))
GUARDIAN = "131052-308T"
SERVICE_EVENT = "1.2.246.10.2805557.20.2026.1"
TERHIKKI, REGISTER_NUMBER = "urn:oid:1.2.246.537.26", "10012345678"  # Valvira's register (Terhikki), a register number
CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def pic(ddmmyy: str, century: str, individual: str) -> str:
    return f"{ddmmyy}{century}{individual}{CHARS[int(ddmmyy + individual) % 31]}"


CHILD = pic("150320", "A", "123")        # born 2020-03-15
CHILD_2 = pic("010721", "A", "246")      # born 2021-07-01
CHILD_TEMP = pic("240619", "A", "905")   # born 2019-06-24, a temporary code
ADULT = pic("050585", "-", "334")        # an identified adult of their own matter


def request(server, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
    finally:
        conn.close()


class Resident(Actor):
    """A resident behind the identification proxy: it adds the verified identity (and mandates) to each request."""

    def __init__(self, server, headers: dict[str, str] | None = None):
        super().__init__(server, "neuvo_resident")
        self.headers = headers or {}

    def call(self, method, path, body=None, expect=200, raw: bytes | None = None, content_type="application/json"):
        headers = {**CSRF, "Content-Type": content_type, **self.headers}
        if self.cookie:
            headers["Cookie"] = f"neuvo_resident={self.cookie}"
        data = raw if raw is not None else None if body is None else json.dumps(body).encode()
        status, got, reply = request(self.server, method, path, data, headers)
        assert status == expect, f"{method} {path}: expected {expect}, got {status}: {reply[:500]!r}"
        m = re.match(r"neuvo_resident=([^;]+)", got.get("set-cookie", ""))
        if m:
            self.cookie = m.group(1)
        return json.loads(reply) if reply else None


def open_case(server, pre: dict, text: str, headers: dict | None = None, expect: int = 200) -> tuple[Resident, str]:
    resident = Resident(server, headers)
    cid = resident.call("POST", "/api/v1/conversations", {}, expect=201)["id"]
    resident.answer = resident.call("POST", f"/api/v1/conversations/{cid}/pre-questionnaire", pre, expect=expect)
    if expect == 200:
        assert resident.answer["outcome"] == "queued", resident.answer
        resident.say(f"/api/v1/conversations/{cid}/messages", text)
    return resident, cid


def child(subject: dict) -> dict:
    return {"serviceId": "skin", "subject": {"kind": "child", **subject},
            "answers": {"duration": "hours", "breathing": False, "fever": False}}


def prepare(tmp: Path) -> tuple[Path, str]:
    db, where = prepare_database(tmp, register_number=REGISTER_NUMBER)
    return db, neuvo("apikey", "create", "potilastieto", *where).split()[-1]


def stored(db: Path) -> dict[str, tuple[str, dict]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT conversation_id, id, document FROM record_exports").fetchall()
    return {cid: (export_id, json.loads(doc)) for cid, export_id, doc in rows}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The closed documents by variant name, the server still running (for CodeSystems and photos), the API key."""
    require_binary()
    tmp = tmp_path_factory.mktemp("neuvo-fhir-documents")
    db, key = prepare(tmp)
    extra = ("--public-url", PUBLIC, "--secure-cookies", "off", "--trusted-proxy", "127.0.0.1",
             "--organization-oid", ORG_OID, "--organization-name", ORG_NAME)
    with running_server(tmp, db=db, extra=extra) as server:
        hanna, lauri = professional(server, "hanna"), professional(server, "lauri")
        lauri_id = lauri.call("GET", "/api/v1/pro/me")["id"]
        cases: dict[str, str] = {}

        def handle(name: str, pre: dict, headers: dict | None = None) -> None:
            resident, cid = open_case(server, pre, "Ihottumaa.", headers)
            hanna.call("POST", "/api/v1/pro/pick", {"conversationId": cid})
            hanna.say(f"/api/v1/pro/cases/{cid}/messages", "Kerro lisää.")
            resident.say(f"/api/v1/conversations/{cid}/messages", "Kutisee.")
            hanna.call("POST", f"/api/v1/pro/cases/{cid}/close",
                       {"outcome": "adviceGiven", "instructions": "Rasvaa iho.", "summary": "Ihottuma."})
            cases[name] = cid

        me = {"X-Neuvo-Identity": GUARDIAN}
        handle("anonymous-adult", SKIN_SELF)
        handle("identified-adult", SKIN_SELF, {"X-Neuvo-Identity": ADULT})
        handle("child-mandate", child({"firstName": "Aino", "identityCode": CHILD}),
               {**me, "X-Neuvo-Mandate": f"{CHILD_2}, {CHILD}"})
        handle("child-stated", child({"firstName": "Eetu", "identityCode": CHILD_2, "birthDate": "2021-07-01"}), me)
        handle("child-temporary", child({"firstName": "Onni", "identityCode": CHILD_TEMP}), me)
        handle("child-no-code", child({"firstName": "Venla", "birthDate": "2022-02-28"}), me)
        handle("other-adult", SKIN_OTHER_ADULT, me)

        # Consulted on (the consultant writes an internal note), transferred, closed with Kanta's service event.
        resident, cid = open_case(server, SKIN_SELF, "Ihottuma ei parane.", me)
        case = f"/api/v1/pro/cases/{cid}"
        hanna.call("POST", "/api/v1/pro/pick", {"conversationId": cid})
        hanna.call("POST", case + "/consult", {"professionalId": lauri_id}, expect=204)
        lauri.call("POST", case + "/notes", {"clientId": str(uuid.uuid4()), "text": "Konsultin huomio: kuvat tarpeen."}, expect=201)
        hanna.call("POST", case + "/notes", {"clientId": str(uuid.uuid4()), "text": "Oma muistiinpano."}, expect=201)
        hanna.call("POST", case + "/transfer", {"professionalId": lauri_id})
        lauri.say(case + "/messages", "Jatkan tästä.")
        lauri.call("POST", case + "/close", {"outcome": "referred", "instructions": "Ihotautien poliklinikalle.",
                                             "summary": "Lähete.", "serviceEvent": "urn:oid:" + SERVICE_EVENT})
        cases["consulted-transferred"] = cid

        # Photos from the resident and from the professional.
        resident, cid = open_case(server, SKIN_SELF, "Kuva ihottumasta.")
        resident.call("POST", f"/api/v1/conversations/{cid}/photos", raw=tiny_png(), content_type="image/png", expect=201)
        hanna.call("POST", "/api/v1/pro/pick", {"conversationId": cid})
        uploader = Resident(server, {"Cookie": f"neuvo_pro={hanna.cookie}"})  # the professional's own photo
        uploader.call("POST", f"/api/v1/pro/cases/{cid}/photos", raw=tiny_png(), content_type="image/png", expect=201)
        hanna.call("POST", f"/api/v1/pro/cases/{cid}/close", {"outcome": "adviceGiven", "instructions": "Rasvaa.",
                                                             "summary": "Kuvattu ihottuma."})
        cases["photos"] = cid

        rows = stored(db)
        assert set(cases.values()) <= set(rows), f"missing exports: {set(cases.values()) - set(rows)}"
        yield {"server": server, "key": key, "docs": {n: rows[c][1] for n, c in cases.items()},
               "export_ids": {n: rows[c][0] for n, c in cases.items()}}


@pytest.fixture(scope="module")
def profiles() -> dict[str, dict]:
    assert PROFILES_DIR.is_dir(), f"fi-base profiles not found: {PROFILES_DIR} (set NEUVO_FI_BASE)"
    return load_profiles(PROFILES_DIR)


def codings(value):
    """Every Coding (a dict with a string system and code), anywhere."""
    if isinstance(value, dict):
        if isinstance(value.get("system"), str) and isinstance(value.get("code"), str):
            yield value
        for v in value.values():
            yield from codings(v)
    elif isinstance(value, list):
        for item in value:
            yield from codings(item)


def patient_of(bundle: dict) -> dict:
    patient = resolve(bundle, entries(bundle)[0]["resource"]["subject"])
    assert resolve(bundle, one(bundle, "Encounter")["subject"]) is patient
    return patient


def tags(resource: dict) -> list[str]:
    return [t["code"] for t in resource.get("meta", {}).get("tag", []) if t.get("system") == CS_BASE + "identification"]


def pic_identifiers(resource: dict) -> list[dict]:
    return [i for i in resource.get("identifier", []) if i.get("system") == HETU_SYSTEM]


def section(bundle: dict, title: str) -> dict | None:
    return next((s for s in entries(bundle)[0]["resource"]["section"] if s["title"] == title), None)


NOTES = "Ammattilaisten sisäiset muistiinpanot ja konsultaatiot"
VARIANTS = ["anonymous-adult", "identified-adult", "child-mandate", "child-stated", "child-temporary", "child-no-code",
            "other-adult", "consulted-transferred", "photos"]


@pytest.mark.parametrize("name", VARIANTS)
def test_document_is_valid_fhir_and_fi_base(world, name, schema_validator, profiles, tmp_path):
    bundle = world["docs"][name]
    validate(bundle, schema_validator, tmp_path, name)
    problems = check_bundle(bundle, profiles)
    assert not problems, f"{name}: fi-base: " + "\n".join(problems)
    declared = {p for e in entries(bundle) for p in e["resource"].get("meta", {}).get("profile", [])}
    for kind in ("patient", "encounter", "practitioner", "practitioner-role", "organization", "provenance",
                 "information-custodian-public"):
        assert FI_BASE + "fi-base-" + kind in declared or FI_BASE + kind in declared, (name, kind, declared)


@pytest.mark.parametrize("name", VARIANTS)
def test_every_code_of_ours_is_in_the_served_code_system(world, name):
    server, served = world["server"], world.setdefault("codesystems", {})
    ours = [c for c in codings(world["docs"][name]) if c["system"].startswith(CS_BASE)]
    assert any(c["system"] == CS_BASE + "urgency" for c in ours) and any(c["system"] == CS_BASE + "work-queue" for c in ours)
    for coding in ours:
        system = coding["system"]
        if system not in served:
            status, headers, body = request(server, "GET", "/fhir/CodeSystem/" + system[len(CS_BASE):])
            assert status == 200, f"{name}: {system} answers {status}"
            assert headers.get("content-type", "").startswith("application/fhir+json"), headers.get("content-type")
            cs = json.loads(body)
            assert cs["resourceType"] == "CodeSystem" and cs["url"] == system, (system, cs.get("url"))
            served[system] = {c["code"] for c in cs.get("concept", [])}
        assert coding["code"] in served[system], f"{name}: {coding['code']!r} not in {system}: {sorted(served[system])}"
    assert request(server, "GET", "/fhir/CodeSystem/no-such-system")[0] == 404


@pytest.mark.parametrize("name", VARIANTS)
def test_provenances_and_encounter(world, name):
    bundle = world["docs"][name]
    composition = entries(bundle)[0]["resource"]
    encounter = one(bundle, "Encounter")
    closer = "Lauri Lääkäri" if name == "consulted-transferred" else "Hanna Hoitaja"
    organization = one(bundle, "Organization")
    assert {"system": "urn:ietf:rfc:3986", "value": "urn:oid:" + ORG_OID} in organization["identifier"] and organization["name"] == ORG_NAME
    assert resolve(bundle, encounter["serviceProvider"]) is organization
    assert encounter["priority"]["coding"][0]["system"] == CS_BASE + "urgency"
    assert encounter["reasonCode"][0]["coding"][0] ["system"] == CS_BASE + "service"
    work_queue = encounter["serviceType"]["coding"][0]
    assert work_queue["system"] == CS_BASE + "work-queue" and "version" not in work_queue, work_queue  # the served system spans versions

    by_profile = {p: r for r in resources(bundle, "Provenance") for p in r["meta"]["profile"]}
    handler = by_profile[FI_BASE + "fi-base-provenance"]
    assert {resolve(bundle, t)["resourceType"] for t in handler["target"]} == {"Composition", "Encounter"}
    assert handler["recorded"] == encounter["period"]["end"], (handler["recorded"], encounter["period"])
    [agent] = handler["agent"]
    role = resolve(bundle, agent["who"])
    assert role["resourceType"] == "PractitionerRole" and FI_BASE + "fi-base-practitioner-role" in role["meta"]["profile"]
    practitioner = resolve(bundle, role["practitioner"])
    assert practitioner["name"][0]["text"] == closer
    assert resolve(bundle, role["organization"]) is organization
    terhikki = [i["value"] for i in practitioner["identifier"] if i["system"] == TERHIKKI]
    assert terhikki == ([REGISTER_NUMBER] if closer == "Lauri Lääkäri" else []), practitioner["identifier"]
    assert len(resources(bundle, "PractitionerRole")) == 1

    [cst] = by_profile[FI_BASE + "fi-base-information-custodian-public"]["agent"]
    assert any(c["code"] == "CST" for c in cst["type"]["coding"]), cst["type"]
    assert any((c["system"], c["code"]) == ("urn:oid:1.2.246.537.5.40172", "1") for r in cst["role"] for c in r["coding"])
    assert (cst["who"]["identifier"]["system"], cst["who"]["identifier"]["value"]) == ("urn:oid:1.2.246.537.6.40174", ORG_OID)
    assert resolve(bundle, cst["who"]) is organization

    transcript = section(bundle, "Keskustelu")  # the whole matter by default
    assert transcript and "Asiakas" in transcript["text"]["div"], [s["title"] for s in composition["section"]]


def test_anonymous_and_identified_adult(world):
    anonymous = patient_of(world["docs"]["anonymous-adult"])
    assert "identifier" not in anonymous and tags(anonymous) == ["unidentified"], anonymous
    identified = patient_of(world["docs"]["identified-adult"])
    assert pic_identifiers(identified) == [{"use": "official", "system": HETU_SYSTEM, "value": ADULT, "type": {
        "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "NNFIN"}]}}], identified
    assert identified["birthDate"] == "1985-05-05" and tags(identified) == ["identified"], identified
    assert not resources(world["docs"]["identified-adult"], "RelatedPerson")


def assert_child(bundle: dict, given: str, code: str | None, birth: str, tag: str, use: str | None) -> None:
    patient = patient_of(bundle)
    assert patient["name"][0]["given"] == [given], patient["name"]
    assert patient["birthDate"] == birth
    if code and use == "temp":
        # A temporary code is not the population register's: no national system or type, outside the PIC slice.
        [identifier] = [i for i in patient.get("identifier", []) if i.get("use") == "temp"]
        assert identifier["value"] == code and "system" not in identifier and not pic_identifiers(patient), patient
    elif code:
        [identifier] = pic_identifiers(patient)
        assert identifier["value"] == code and identifier["use"] == use, identifier
        assert identifier["type"]["coding"][0] == {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "NNFIN"}
    else:
        assert not pic_identifiers(patient), patient
    assert tags(patient) == [tag], patient.get("meta")
    guardian = one(bundle, "RelatedPerson")
    assert resolve(bundle, guardian["patient"]) is patient and guardian["relationship"][0]["coding"][0]["code"] == "GUARD"
    assert [i["value"] for i in pic_identifiers(guardian)] == [GUARDIAN], guardian
    assert GUARDIAN not in json.dumps(patient) and (code is None or code not in json.dumps(guardian))


@pytest.mark.parametrize("name, given, code, birth, tag, use", [
    ("child-mandate", "Aino", CHILD, "2020-03-15", "mandate", "official"),
    ("child-stated", "Eetu", CHILD_2, "2021-07-01", "stated-by-guardian", "official"),
    ("child-temporary", "Onni", CHILD_TEMP, "2019-06-24", "stated-by-guardian", "temp"),
    ("child-no-code", "Venla", None, "2022-02-28", "unidentified", None)])
def test_the_child_is_the_patient_and_the_guardian_a_related_person(world, name, given, code, birth, tag, use):
    assert_child(world["docs"][name], given, code, birth, tag, use)


def test_other_adult(world):
    bundle = world["docs"]["other-adult"]
    assert patient_of(bundle)["name"] == [{"text": "Matti Meikäläinen"}]
    related = one(bundle, "RelatedPerson")  # the one acting is identified; the other adult is not
    assert related["relationship"][0]["text"].startswith("puoliso") and [i["value"] for i in pic_identifiers(related)] == [GUARDIAN]
    assert not pic_identifiers(patient_of(bundle)) and GUARDIAN not in json.dumps(patient_of(bundle))


def test_consulted_transferred_case_with_service_event_and_the_consultants_note(world):
    bundle = world["docs"]["consulted-transferred"]
    encounter = one(bundle, "Encounter")
    assert encounter["extension"] == [{"url": FI_BASE + "service-event", "valueOid": "urn:oid:" + SERVICE_EVENT}]
    assert {"use": "official", "system": "urn:ietf:rfc:3986", "value": "urn:oid:" + SERVICE_EVENT}.items() <= next(
        i for i in encounter["identifier"] if i.get("value") == "urn:oid:" + SERVICE_EVENT).items()
    notes = section(bundle, NOTES)
    assert notes and "Konsultin huomio: kuvat tarpeen." in notes["text"]["div"] and "Oma muistiinpano." in notes["text"]["div"]
    assert "Jatkan tästä." in section(bundle, "Keskustelu")["text"]["div"]
    assert not section(world["docs"]["anonymous-adult"], NOTES), "no notes section without notes"


def test_photos_link_to_the_public_url_and_fetch_with_the_api_key(world):
    bundle, server = world["docs"]["photos"], world["server"]
    assert len(photos := resources(bundle, "DocumentReference")) == 2
    prefix = f"{PUBLIC}/api/v1/record-exports/{world['export_ids']['photos']}/photos/"
    for photo in photos:
        attachment = photo["content"][0]["attachment"]
        assert attachment["url"].startswith(prefix), attachment["url"]
        assert resolve(bundle, photo["subject"]) is patient_of(bundle)
        path = attachment["url"][len(PUBLIC):]
        status, headers, body = request(server, "GET", path, headers={"Authorization": f"Bearer {world['key']}"})
        assert status == 200 and headers["content-type"].startswith("image/") and body[:4] == b"\x89PNG", (status, headers)
        assert request(server, "GET", path)[0] in (401, 403, 404)
        assert attachment["contentType"] == "image/png" and attachment["size"] > 0, attachment
    # Who sent each: the resident's photo is theirs, the professional's names the professional.
    senders = sorted((resolve(bundle, photo["author"][0])["resourceType"], photo["description"].split()[0]) for photo in photos)
    assert senders == [("Patient", "Asiakkaan"), ("Practitioner", "Ammattilaisen")], senders
    listed = request(server, "GET", "/api/v1/record-exports?limit=100", headers={"Authorization": f"Bearer {world['key']}"})
    assert listed[0] == 200 and world["export_ids"]["photos"] in listed[2].decode()


def test_a_child_code_needs_a_strongly_identified_guardian(world):
    server = world["server"]
    resident, _ = open_case(server, child({"firstName": "Aino", "identityCode": CHILD}), "", expect=422)
    assert resident.answer["error"]["code"] == "invalid_subject", resident.answer
    # A mandate without an identity is refused even from the proxy's address.
    resident, _ = open_case(server, child({"firstName": "Aino", "ageYears": 4}), "", {"X-Neuvo-Mandate": CHILD}, expect=403)
    assert resident.answer["error"]["code"] == "untrusted_identity", resident.answer


def test_export_transcript_off_and_untrusted_identity_headers(tmp_path_factory, schema_validator, profiles, tmp_path):
    tmp = tmp_path_factory.mktemp("neuvo-no-transcript")
    db, _ = prepare(tmp)
    with running_server(tmp, db=db, extra=("--public-url", PUBLIC, "--export-transcript", "off",
                                           "--secure-cookies", "off")) as server:
        # No trusted proxy here: identity and mandate headers from 127.0.0.1 are impersonation attempts.
        stranger = Resident(server)
        cid = stranger.call("POST", "/api/v1/conversations", {}, expect=201)["id"]
        stranger.headers = {"X-Neuvo-Identity": GUARDIAN, "X-Neuvo-Mandate": CHILD}
        refused = stranger.call("POST", f"/api/v1/conversations/{cid}/pre-questionnaire",
                                child({"firstName": "Aino", "identityCode": CHILD}), expect=403)
        assert refused["error"]["code"] == "untrusted_identity", refused
        hanna, lauri = professional(server, "hanna"), professional(server, "lauri")
        resident, cid = open_case(server, SKIN_SELF, "Ihottumaa.")
        hanna.call("POST", "/api/v1/pro/pick", {"conversationId": cid})
        hanna.say(f"/api/v1/pro/cases/{cid}/messages", "Kerro lisää.")
        lauri_id = lauri.call("GET", "/api/v1/pro/me")["id"]
        hanna.call("POST", f"/api/v1/pro/cases/{cid}/consult", {"professionalId": lauri_id}, expect=204)
        lauri.call("POST", f"/api/v1/pro/cases/{cid}/notes", {"clientId": str(uuid.uuid4()), "text": "Huomio."}, expect=201)
        hanna.call("POST", f"/api/v1/pro/cases/{cid}/close", {"outcome": "adviceGiven", "instructions": "Rasvaa.", "summary": "Ihottuma."})
        bundle = stored(db)[cid][1]
    validate(bundle, schema_validator, tmp_path, "no-transcript")
    assert not check_bundle(bundle, profiles), check_bundle(bundle, profiles)
    titles = [s["title"] for s in entries(bundle)[0]["resource"]["section"]]
    assert "Keskustelu" not in titles and NOTES not in titles, titles
    text = json.dumps(bundle, ensure_ascii=False)
    assert "Kerro lisää." not in text and "Huomio." not in text


def test_serve_refuses_to_start_without_a_public_url(tmp_path):
    require_binary()
    env = {k: v for k, v in os.environ.items() if k not in ("NEUVO_PUBLIC_URL", "NEUVO_FHIR_BASE")}
    p = subprocess.run([str(NEUVO_BIN), "serve", "--host", "127.0.0.1", "--port", "0", "--db", str(tmp_path / "n.sqlite"),
                        "--migrations", str(REPO / "Migrations"), "--public", str(REPO / "Public")],
                       capture_output=True, text=True, timeout=30, env=env, stdin=subprocess.DEVNULL)
    assert p.returncode != 0, p.stdout
    assert "serve needs --public-url" in p.stdout + p.stderr, p.stdout + p.stderr
    assert "listening on" not in p.stdout


def test_a_childs_code_needs_the_identity_on_that_very_request_and_stays_with_the_professional(world, schema_validator, tmp_path):
    server = world["server"]
    # Identified when the browser opened the matter, but not on the request that names the child (a days-old
    # cookie on a shared computer): the code is refused.
    later = Resident(server, {"X-Neuvo-Identity": GUARDIAN})
    cid = later.call("POST", "/api/v1/conversations", {}, expect=201)["id"]
    later.headers = {}
    refused = later.call("POST", f"/api/v1/conversations/{cid}/pre-questionnaire",
                         child({"firstName": "Aino", "identityCode": CHILD}), expect=422)
    assert refused["error"]["code"] == "invalid_subject", refused
    # Given with the identity: the resident's own views say only that a code was given.
    resident, cid = open_case(server, child({"firstName": "Aino", "identityCode": CHILD}), "Hei.", {"X-Neuvo-Identity": GUARDIAN})
    mine = resident.call("GET", f"/api/v1/conversations/{cid}")
    listed = resident.call("GET", "/api/v1/conversations")
    assert CHILD not in json.dumps(mine) and CHILD not in json.dumps(listed), (mine, listed)
    assert mine["subject"]["identityCodeGiven"] is True, mine
    # The definitions behind the documents' canonicals answer, and are valid R4.
    for path in ("/fhir/Questionnaire/skin", "/fhir/StructureDefinition/case-outcome", "/fhir/CodeSystem/urgency"):
        status, headers, body = request(server, "GET", path)
        assert status == 200 and headers["content-type"] == "application/fhir+json", (path, status)
        schema_validator.validate(json.loads(body))
    questionnaire = json.loads(request(server, "GET", "/fhir/Questionnaire/skin")[2])
    assert questionnaire["url"] == f"{PUBLIC}/fhir/Questionnaire/skin"
    duration = next(i for i in questionnaire["item"] if i["linkId"] == "duration")
    assert duration["type"] == "choice" and duration["answerOption"][0]["valueCoding"]["system"] == f"{PUBLIC}/fhir/CodeSystem/skin.duration"
    # A question's condition is its enableWhen: asked when the rash has lasted days or weeks, or when there is a fever.
    items = {i["linkId"]: i for i in questionnaire["item"]}
    spreading, temperature = items["spreading"], items["temperature"]
    assert spreading["enableBehavior"] == "any", spreading
    assert [(w["question"], w["operator"], w["answerCoding"]["code"]) for w in spreading["enableWhen"]] \
        == [("duration", "=", "days"), ("duration", "=", "weeks")], spreading
    codes = {c["code"] for c in json.loads(request(server, "GET", "/fhir/CodeSystem/skin.duration")[2])["concept"]}
    assert {w["answerCoding"]["code"] for w in spreading["enableWhen"]} <= codes
    assert all(w["answerCoding"]["system"] == f"{PUBLIC}/fhir/CodeSystem/skin.duration" for w in spreading["enableWhen"])
    assert temperature["enableWhen"] == [{"question": "fever", "operator": "=", "answerBoolean": True}], temperature
    assert "enableWhen" not in items["duration"]
    path = tmp_path / "questionnaire.json"
    path.write_text(json.dumps(questionnaire, ensure_ascii=False), encoding="utf-8")
    checked = subprocess.run([fhirkit_path(), "validate", str(path)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, f"fhirkit: {checked.stdout}{checked.stderr}"
