"""The record export's FHIR R4 documents, checked by independent validators.

The real binary serves a database prepared with the test catalog (extracted from
Tests/NeuvoTestSupport/TestCatalog.swift) and two professionals; the test drives
real cases over HTTP (a resident's own matter, a child's, another adult's, and a
case that was consulted on and transferred), closes them, and reads the stored
documents straight from SQLite. Each document, and each sample the Swift tests
wrote to TMPDIR/neuvo-fhir-samples, must pass:

  - HL7's FHIR R4 JSON schema (shared/fhir/fhir.r4.schema.json, draft 6),
  - the fhir.resources R4B models (R4B shares R4's structure for these resources),
  - fhirkit (R4 4.0.1 structure, types and cardinality),
  - the Bundle invariants bdl-7/9/10/11, well-formed XHTML narratives, and
    references that all resolve inside the Bundle,

and carry the codes that matter: Bundle.type document, a final Composition of
LOINC type 11488-4, Encounter.class VR, the Finnish personal identity code system.

Environment:
    NEUVO_BIN           server binary (default: REPO/.build/debug/neuvo)
    NEUVO_FHIR_SCHEMA   the schema (default: REPO/../shared/fhir/fhir.r4.schema.json)
"""

from __future__ import annotations

import glob
import http.client
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from fhir.resources.R4B.bundle import Bundle

from conftest import NEUVO_BIN, REPO, require_binary, running_server

SCHEMA_PATH = Path(os.environ.get("NEUVO_FHIR_SCHEMA", REPO.parent / "shared" / "fhir" / "fhir.r4.schema.json"))
SAMPLES = Path(tempfile.gettempdir()) / "neuvo-fhir-samples"
CSRF = {"X-Requested-With": "neuvo", "Content-Type": "application/json"}
PASSWORD = "fhir-test-Salasana-1"
HETU_SYSTEM = "urn:oid:1.2.246.21"
XHTML = "{http://www.w3.org/1999/xhtml}"

SKIN_SELF = {"serviceId": "skin", "subject": {"kind": "self"},
             "answers": {"duration": "days", "spreading": False, "breathing": False, "fever": True,
                         "temperature": 38.2}}
SKIN_CHILD = {"serviceId": "skin", "subject": {"kind": "child", "firstName": "Aino", "ageYears": 4},
              "answers": {"duration": "hours", "breathing": False, "fever": False, "notes": "Kutisee <paljon> & punoittaa"}}
SKIN_OTHER_ADULT = {"serviceId": "skin",
                    "subject": {"kind": "otherAdult", "name": "Matti Meikäläinen", "relation": "puoliso", "consent": True},
                    "answers": {"duration": "weeks", "spreading": True, "breathing": False, "fever": False}}


# --------------------------------------------------------------------------
# The server and the cases
# --------------------------------------------------------------------------


def catalog_json() -> str:
    source = (REPO / "Tests" / "NeuvoTestSupport" / "TestCatalog.swift").read_text(encoding="utf-8")
    m = re.search(r'testCatalogJSON\s*=\s*#"""\n(.*?)\n"""#', source, re.S)
    assert m, "testCatalogJSON not found in TestCatalog.swift"
    return m.group(1)


def neuvo(*args: str, env: dict[str, str] | None = None) -> str:
    p = subprocess.run([str(NEUVO_BIN), *args], capture_output=True, text=True, timeout=60,
                       env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, f"neuvo {' '.join(args)} failed ({p.returncode}): {p.stdout}{p.stderr}"
    return p.stdout


class Actor:
    """One party speaking to the server, with its own cookie."""

    def __init__(self, server, cookie_name: str):
        self.server = server
        self.cookie_name = cookie_name
        self.cookie: str | None = None

    def call(self, method: str, path: str, body=None, expect: int = 200):
        headers = dict(CSRF)
        if self.cookie:
            headers["Cookie"] = f"{self.cookie_name}={self.cookie}"
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            conn.request(method, path, body=None if body is None else json.dumps(body).encode(), headers=headers)
            r = conn.getresponse()
            data = r.read()
            set_cookie = r.getheader("set-cookie") or ""
        finally:
            conn.close()
        assert r.status == expect, f"{method} {path}: expected {expect}, got {r.status}: {data[:500]!r}"
        m = re.match(rf"{self.cookie_name}=([^;]+)", set_cookie)
        if m:
            self.cookie = m.group(1)
        return json.loads(data) if data else None

    def say(self, path: str, text: str) -> None:
        self.call("POST", path, {"clientId": str(uuid.uuid4()), "text": text}, expect=201)


def professional(server, username: str) -> Actor:
    pro = Actor(server, "neuvo_pro")
    pro.call("POST", "/api/v1/pro/login", {"username": username, "password": PASSWORD})
    return pro


def open_case(server, pre_questionnaire: dict, first_message: str) -> tuple[Actor, str]:
    resident = Actor(server, "neuvo_resident")
    cid = resident.call("POST", "/api/v1/conversations", {}, expect=201)["id"]
    queued = resident.call("POST", f"/api/v1/conversations/{cid}/pre-questionnaire", pre_questionnaire)
    assert queued["outcome"] == "queued", queued
    resident.say(f"/api/v1/conversations/{cid}/messages", first_message)
    return resident, cid


def prepare_database(tmp: Path, register_number: str | None = None) -> tuple[Path, list[str]]:
    """A database in `tmp` with the test catalog and two professionals: hanna (nurse, child-health)
    and lauri (nurse; with Valvira's `register_number` when given). Returns it and its CLI options."""
    db = tmp / "neuvo.sqlite"
    where = ["--db", str(db), "--migrations", str(REPO / "Migrations")]
    catalog = tmp / "catalog.json"
    catalog.write_text(catalog_json(), encoding="utf-8")
    neuvo("catalog", "import", str(catalog), *where)
    neuvo("user", "add", "hanna", "--name", "Hanna Hoitaja", "--title", "sairaanhoitaja",
          "--queues", "nurse,child-health", *where, env={"NEUVO_PASSWORD": PASSWORD})
    registered = ["--register-number", register_number] if register_number else []
    neuvo("user", "add", "lauri", "--name", "Lauri Lääkäri", "--title", "lääkäri", "--queues", "nurse",
          *registered, *where, env={"NEUVO_PASSWORD": PASSWORD})
    return db, where


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, dict]:
    """The stored documents of four closed cases, by name."""
    require_binary()
    tmp = tmp_path_factory.mktemp("neuvo-fhir")
    db, _ = prepare_database(tmp)

    cases: dict[str, str] = {}
    with running_server(tmp, db=db, extra=("--public-url", "https://neuvo.example.fi", "--secure-cookies", "off")) as server:
        hanna = professional(server, "hanna")
        lauri = professional(server, "lauri")
        lauri_id = lauri.call("GET", "/api/v1/pro/me")["id"]

        def pick(pro: Actor, cid: str) -> str:
            pro.call("POST", "/api/v1/pro/pick", {"conversationId": cid})
            return f"/api/v1/pro/cases/{cid}"

        # The resident's own matter.
        resident, cid = open_case(server, SKIN_SELF, "Ihottuma käsivarressa.\nKutiaa öisin.")
        case = pick(hanna, cid)
        hanna.say(case + "/messages", "Onko ihottuma levinnyt?")
        resident.say(f"/api/v1/conversations/{cid}/messages", "Ei ole.")
        hanna.call("POST", case + "/close", {
            "outcome": "adviceGiven", "instructions": "Rasvaa iho kahdesti päivässä.\nOta yhteyttä, jos pahenee.",
            "summary": "Paikallinen ihottuma, lievä kuume. <script>alert('x')</script> & muuta."})
        cases["self"] = cid

        # A child's matter.
        resident, cid = open_case(server, SKIN_CHILD, "Lapsella on ihottumaa.")
        case = pick(hanna, cid)
        hanna.call("POST", case + "/close", {"outcome": "appointmentArranged",
                                             "instructions": "Aika varattu huomiseksi.", "summary": "Lapsen ihottuma."})
        cases["child"] = cid

        # Another adult's matter, with their consent.
        resident, cid = open_case(server, SKIN_OTHER_ADULT, "Asioin puolisoni puolesta.")
        case = pick(hanna, cid)
        hanna.call("POST", case + "/close", {"outcome": "noCareNeed", "instructions": "Seurataan.",
                                             "summary": "Ei hoidon tarvetta."})
        cases["other-adult"] = cid

        # Consulted on, then transferred to a colleague who closes it.
        resident, cid = open_case(server, SKIN_SELF, "Ihottuma ei parane.")
        case = pick(hanna, cid)
        hanna.call("POST", case + "/consult", {"professionalId": lauri_id}, expect=204)
        hanna.call("POST", case + "/transfer", {"professionalId": lauri_id})
        lauri.say(case + "/messages", "Jatkan tästä.")
        lauri.call("POST", case + "/close", {"outcome": "referred", "instructions": "Ihotautien poliklinikalle.",
                                             "summary": "Lähete erikoissairaanhoitoon."})
        cases["transferred"] = cid

        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            rows = dict(conn.execute("SELECT conversation_id, document FROM record_exports").fetchall())
    assert set(cases.values()) <= set(rows), f"missing exports: {set(cases.values()) - set(rows)}"
    return {name: json.loads(rows[cid]) for name, cid in cases.items()}


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema_validator() -> jsonschema.Draft6Validator:
    assert SCHEMA_PATH.is_file(), f"FHIR R4 schema not found: {SCHEMA_PATH} (set NEUVO_FHIR_SCHEMA)"
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema.get("$schema", "").startswith("http://json-schema.org/draft-06/"), schema.get("$schema")
    return jsonschema.Draft6Validator(schema)


def fhirkit_path() -> str:
    near = Path(sys.executable).parent / "fhirkit"
    found = str(near) if near.is_file() else shutil.which("fhirkit")
    assert found, "fhirkit (PyPI fhirkit-rs) is not installed: run bash .ci/setup"
    return found


def entries(bundle: dict) -> list[dict]:
    return bundle.get("entry", [])


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in entries(bundle) if e["resource"]["resourceType"] == kind]


def one(bundle: dict, kind: str) -> dict:
    found = resources(bundle, kind)
    assert len(found) == 1, f"expected one {kind}, got {len(found)}"
    return found[0]


def walk(value, key: str):
    """Every value stored under `key`, anywhere."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == key:
                yield v
            yield from walk(v, key)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, key)


def resolve(bundle: dict, ref: dict | None) -> dict | None:
    url = (ref or {}).get("reference")
    return next((e["resource"] for e in entries(bundle) if e["fullUrl"] == url), None)


def validate(bundle: dict, validator: jsonschema.Draft6Validator, tmp: Path, name: str) -> None:
    # 1. HL7's JSON schema.
    errors = sorted(validator.iter_errors(bundle), key=lambda e: list(e.absolute_path))
    assert not errors, f"{name}: schema: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:5])
    # 2. The fhir.resources models (R4B).
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "document"
    # 3. fhirkit: R4 structure, types and cardinality.
    path = tmp / f"{name}.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    p = subprocess.run([fhirkit_path(), "validate", str(path)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, f"{name}: fhirkit: {p.stdout}{p.stderr}"

    # 4. The document rules and the codes that matter.
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "document"
    assert bundle["identifier"]["system"] and bundle["identifier"]["value"], "bdl-9"
    assert bundle["timestamp"], "bdl-10"
    assert entries(bundle)[0]["resource"]["resourceType"] == "Composition", "bdl-11: the Composition comes first"
    full_urls = [e["fullUrl"] for e in entries(bundle)]
    assert len(set(full_urls)) == len(full_urls), "bdl-7: fullUrls are unique"
    for e in entries(bundle):
        assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", e["fullUrl"]), e["fullUrl"]
        assert e["fullUrl"] == "urn:uuid:" + e["resource"]["id"]
    references = list(walk(bundle, "reference"))
    assert references
    for ref in references:
        assert ref in full_urls, f"{name}: reference {ref} does not resolve inside the Bundle"

    composition = entries(bundle)[0]["resource"]
    assert composition["status"] == "final"
    assert composition["type"]["coding"][0] == {"system": "http://loinc.org", "code": "11488-4", "display": "Consult note"}
    assert resolve(bundle, composition["subject"])["resourceType"] == "Patient"
    assert resolve(bundle, composition["encounter"])["resourceType"] == "Encounter"
    assert composition["author"] and composition["title"] and composition["date"]
    for section in composition["section"]:
        assert section["text"]["status"] == "generated", section["title"]
    for div in walk(bundle, "div"):
        root = ET.fromstring(div)  # well-formed: everything the people typed is escaped
        assert root.tag == XHTML + "div"
        assert not list(root.iter(XHTML + "script"))
        assert "".join(root.itertext()).strip(), "a narrative has text"

    encounter = one(bundle, "Encounter")
    assert encounter["status"] == "finished"
    assert encounter["class"] == {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "VR",
                                  "display": "virtual"}
    for participant in encounter.get("participant", []):
        assert resolve(bundle, participant["individual"])["resourceType"] == "Practitioner"
    for practitioner in resources(bundle, "Practitioner"):
        systems = [i["system"] for i in practitioner["identifier"]]
        assert any(s.endswith("/fhir/sid/professional") for s in systems), systems
        # HL7 Finland's fi-base Practitioner, with the Terhikki slice (0..1) when the register number is known.
        assert practitioner["meta"]["profile"] == ["https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/fi-base-practitioner"]
        assert systems.count("urn:oid:1.2.246.537.26") <= 1, systems
    for identifier in walk(bundle, "identifier"):
        for item in identifier if isinstance(identifier, list) else [identifier]:
            if "1.2.246.21" in json.dumps(item):
                assert item["system"] == HETU_SYSTEM
                assert re.fullmatch(r"\d{6}[-+A-FYXWVU]\d{3}[0-9A-Y]", item["value"]), item
    for photo in resources(bundle, "DocumentReference"):
        attachment = photo["content"][0]["attachment"]
        assert "data" not in attachment and "/api/v1/record-exports/" in attachment["url"]


def test_stored_documents_are_valid_fhir(exports, schema_validator, tmp_path):
    assert set(exports) == {"self", "child", "other-adult", "transferred"}
    for name, bundle in exports.items():
        validate(bundle, schema_validator, tmp_path, name)


def test_own_matter(exports):
    bundle = exports["self"]
    patient = one(bundle, "Patient")
    # The sign-in does not (yet) carry an identity code: an anonymous client, said so.
    assert "identifier" not in patient and "name" not in patient
    assert patient["meta"]["tag"][0]["code"] == "unidentified"
    assert "Tunnistamaton asiakas" in patient["text"]["div"]
    assert not resources(bundle, "RelatedPerson")

    composition = entries(bundle)[0]["resource"]
    titles = [s["title"] for s in composition["section"]]
    assert titles == ["Yhteydenoton syy ja esitiedot", "Yhteenveto", "Ohjeet asiakkaalle", "Lopputulos", "Keskustelu"]
    summary = composition["section"][1]["text"]["div"]
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; muuta." in summary and "<script" not in summary
    outcome = composition["section"][3]
    assert outcome["extension"][0]["valueCoding"]["code"] == "adviceGiven"
    assert "adviceGiven" in outcome["text"]["div"]
    assert "Keskustelu" in titles, "the whole matter by default"

    response = one(bundle, "QuestionnaireResponse")
    assert response["status"] == "completed"
    assert response["questionnaire"] == "https://neuvo.example.fi/fhir/Questionnaire/skin|test-1"
    assert resolve(bundle, response["subject"])["resourceType"] == "Patient"
    assert resolve(bundle, response["encounter"])["resourceType"] == "Encounter"
    answers = {item["linkId"]: item["answer"] for item in response["item"]}
    assert answers["duration"] == [{"valueCoding": {"system": "https://neuvo.example.fi/fhir/CodeSystem/skin.duration",
                                                    "code": "days", "display": "Päiviä"}}]
    assert answers["spreading"] == [{"valueBoolean": False}]
    assert answers["fever"] == [{"valueBoolean": True}]
    assert answers["temperature"] == [{"valueDecimal": 38.2}]

    encounter = one(bundle, "Encounter")
    assert encounter["serviceType"]["text"] == "Hoitajat"
    assert encounter["period"]["start"] <= encounter["period"]["end"] == bundle["timestamp"]
    [participant] = encounter["participant"]
    assert participant["type"][0]["coding"][0]["code"] == "PPRF"
    practitioner = one(bundle, "Practitioner")
    assert practitioner["name"][0]["text"] == "Hanna Hoitaja"
    assert practitioner["qualification"][0]["code"]["text"] == "sairaanhoitaja"


def test_child_matter(exports):
    bundle = exports["child"]
    patient = one(bundle, "Patient")
    assert patient["name"] == [{"use": "usual", "given": ["Aino"]}]
    assert "identifier" not in patient
    related = one(bundle, "RelatedPerson")
    assert resolve(bundle, related["patient"]) is patient
    assert related["relationship"][0]["coding"][0]["code"] == "GUARD"
    assert resolve(bundle, one(bundle, "QuestionnaireResponse")["source"]) is related
    assert one(bundle, "Encounter")["serviceType"]["text"] == "Lasten terveys"
    answers = {item["linkId"]: item["answer"] for item in one(bundle, "QuestionnaireResponse")["item"]}
    assert answers["notes"] == [{"valueString": "Kutisee <paljon> & punoittaa"}]


def test_other_adult_matter(exports):
    bundle = exports["other-adult"]
    assert one(bundle, "Patient")["name"] == [{"text": "Matti Meikäläinen"}]
    related = one(bundle, "RelatedPerson")
    assert related["relationship"][0]["text"].startswith("puoliso")
    assert "identifier" not in related


def test_transferred_case(exports):
    bundle = exports["transferred"]
    encounter = one(bundle, "Encounter")
    roles = {resolve(bundle, p["individual"])["name"][0]["text"]: [t["coding"][0]["code"] for t in p["type"]]
             for p in encounter["participant"]}
    assert roles == {"Hanna Hoitaja": ["PPRF"], "Lauri Lääkäri": ["SPRF", "CON"]}, roles
    authors = [resolve(bundle, a)["name"][0]["text"] for a in entries(bundle)[0]["resource"]["author"]]
    assert authors == ["Hanna Hoitaja", "Lauri Lääkäri"]
    outcome = entries(bundle)[0]["resource"]["section"][3]
    assert outcome["extension"][0]["valueCoding"]["code"] == "referred"


def test_swift_samples_are_valid_fhir(schema_validator, tmp_path):
    samples = sorted(glob.glob(str(SAMPLES / "*.json")))
    if not samples:
        pytest.skip(f"no samples in {SAMPLES}: run `swift test --filter FHIRDocument` first")
    for path in samples:
        bundle = json.loads(Path(path).read_text(encoding="utf-8"))
        validate(bundle, schema_validator, tmp_path, Path(path).stem)
    names = {Path(p).stem for p in samples}
    if "identified-adult" in names:
        bundle = json.loads((SAMPLES / "identified-adult.json").read_text(encoding="utf-8"))
        # HL7 Finland's fi-base Patient PIC slice: use official, type NNFIN, system urn:oid:1.2.246.21.
        assert one(bundle, "Patient")["identifier"] == [{"use": "official", "system": HETU_SYSTEM, "value": "131052-308T",
                                                         "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                                                                              "code": "NNFIN"}]}}]


def test_the_validators_catch_mistakes(exports, schema_validator, tmp_path):
    """A broken document fails each validator, so the passes above mean something."""
    broken = json.loads(json.dumps(exports["self"]))
    encounter = one(broken, "Encounter")
    encounter["class"] = {"coding": [encounter["class"]]}  # a CodeableConcept where R4 has a Coding
    del encounter["status"]
    assert list(schema_validator.iter_errors(broken)), "the schema accepted a broken Encounter"
    with pytest.raises(Exception):
        Bundle.model_validate(broken)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    p = subprocess.run([fhirkit_path(), "validate", str(path)], capture_output=True, text=True, timeout=60)
    assert p.returncode != 0 and "status" in p.stdout, p.stdout
    dangling = json.loads(json.dumps(exports["self"]))
    entries(dangling)[0]["resource"]["subject"]["reference"] = "urn:uuid:00000000-0000-5000-8000-000000000000"
    with pytest.raises(AssertionError, match="does not resolve"):
        validate(dangling, schema_validator, tmp_path, "dangling")
