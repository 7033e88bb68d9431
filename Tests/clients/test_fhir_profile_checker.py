"""The fi-base profile checker (fhir_profiles.py) can both pass and fail.

No server is needed: every test builds a resource or Bundle by hand and checks it
against the StructureDefinitions in /work/shared/fhir/fi-base/.  Each failing case
differs from a passing one in exactly one thing, so a checker that always says
"conforms" (or always complains) cannot pass this file.
"""
from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fhir_profiles import FI_BASE_PREFIX, check_bundle, check_resource, load_profiles  # noqa: E402

FI_BASE = Path("/work/shared/fhir/fi-base")
PATIENT = FI_BASE_PREFIX + "fi-base-patient"
PRACTITIONER = FI_BASE_PREFIX + "fi-base-practitioner"
ENCOUNTER = FI_BASE_PREFIX + "fi-base-encounter"
CUSTODIAN_PUBLIC = FI_BASE_PREFIX + "fi-base-information-custodian-public"
SERVICE_EVENT = FI_BASE_PREFIX + "service-event"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"


@pytest.fixture(scope="module")
def profiles():
    return load_profiles(FI_BASE)


def test_profiles_are_keyed_by_canonical_url(profiles):
    assert PATIENT in profiles and CUSTODIAN_PUBLIC in profiles and SERVICE_EVENT in profiles
    assert all(url == sd["url"] for url, sd in profiles.items())


def test_derived_snapshots_already_carry_their_fi_base_parents(profiles):
    """Why checking the snapshot alone is enough for custodian-public -> custodian -> provenance."""
    derived = [sd for sd in profiles.values() if sd["baseDefinition"] in profiles]
    assert {sd["id"] for sd in derived} >= {"fi-base-information-custodian-public", "fi-base-information-custodian"}
    keys = ("min", "max", "slicing", "sliceName")
    for sd in derived:
        child = {e["id"]: e for e in sd["snapshot"]["element"]}
        for parent_el in profiles[sd["baseDefinition"]]["snapshot"]["element"]:
            mine = child[parent_el["id"]]
            for key in parent_el:
                if key in keys or key.startswith(("fixed", "pattern")):
                    assert mine.get(key) == parent_el[key], (sd["id"], parent_el["id"], key)
        assert all(d["id"] in child for d in sd["differential"]["element"])


# -- Patient -------------------------------------------------------------------

def pic(system="urn:oid:1.2.246.21", value="010101-123N"):
    return {"use": "official", "type": {"coding": [{"system": V2_0203, "code": "NNFIN"}]},
            "system": system, "value": value}


def patient(*identifiers):
    return {"resourceType": "Patient", "meta": {"profile": [PATIENT]}, "identifier": list(identifiers)}


def test_package_example_patient_conforms(profiles):
    example = json.loads((FI_BASE / "Patient-7257379.json").read_text(encoding="utf-8"))
    assert check_resource(example, PATIENT, profiles) == []


def test_patient_with_pic_conforms(profiles):
    assert check_resource(patient(pic()), PATIENT, profiles) == []


def test_patient_pic_with_wrong_system_fails_naming_the_slice(profiles):
    problems = check_resource(patient(pic(system="urn:oid:1.2.246.999")), PATIENT, profiles)
    assert problems and all("Patient.identifier:PIC" in p for p in problems), problems
    assert any("urn:oid:1.2.246.21" in p for p in problems)


def test_patient_with_two_official_pics_fails_slice_max(profiles):
    problems = check_resource(patient(pic(), pic(value="020202-456P")), PATIENT, profiles)
    assert any("Patient.identifier:PIC" in p and "max is 1" in p for p in problems), problems


def test_patient_of_another_resource_type_fails(profiles):
    assert check_resource({"resourceType": "Person"}, PATIENT, profiles)


# -- Practitioner ---------------------------------------------------------------

def practitioner(*values):
    return {"resourceType": "Practitioner", "meta": {"profile": [PRACTITIONER]},
            "identifier": [{"system": "urn:oid:1.2.246.537.26", "value": v} for v in values]}


def test_practitioner_with_one_terhikki_conforms(profiles):
    assert check_resource(practitioner("10100123"), PRACTITIONER, profiles) == []


def test_practitioner_with_two_terhikki_fails_slice_max(profiles):
    problems = check_resource(practitioner("10100123", "10100456"), PRACTITIONER, profiles)
    assert any("Practitioner.identifier:Terhikki" in p and "max is 1" in p for p in problems), problems


# -- Encounter and the service-event extension -------------------------------------

def encounter(**value):
    return {"resourceType": "Encounter", "meta": {"profile": [ENCOUNTER]}, "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "VR"},
            "extension": [{"url": SERVICE_EVENT, **value}]}


def test_encounter_with_service_event_oid_conforms(profiles):
    assert check_resource(encounter(valueOid="urn:oid:1.2.246.10.1234.5"), ENCOUNTER, profiles) == []


def test_encounter_with_service_event_string_fails(profiles):
    problems = check_resource(encounter(valueString="1.2.246.10.1234.5"), ENCOUNTER, profiles)
    assert any("Extension.value[x]" in p and "String" in p for p in problems), problems


def test_service_event_without_value_fails(profiles):
    problems = check_resource(encounter(), ENCOUNTER, profiles)
    assert any("Extension.value[x]" in p and "min is 1" in p for p in problems), problems


@pytest.mark.parametrize("missing", ["status", "class"])
def test_encounter_without_required_element_fails(profiles, missing):
    resource = encounter(valueOid="urn:oid:1.2.246.10.1234.5")
    del resource[missing]
    problems = check_resource(resource, ENCOUNTER, profiles)
    assert any(f"Encounter.{missing}" in p and "min is 1" in p for p in problems), problems


# -- Provenance: information custodian (public) ------------------------------------

def custodian_agent(role_code="1", identifier_system="urn:oid:1.2.246.537.6.40174"):
    return {
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                             "code": "CST"}]},
        "role": [{"coding": [{"system": "urn:oid:1.2.246.537.5.40172", "code": role_code}]}],
        "who": {"identifier": {"type": {"coding": [{"system": V2_0203, "code": "PRN"}]},
                               "system": identifier_system, "value": "1.2.246.10.2805557.10"}},
    }


def provenance(*agents):
    return {"resourceType": "Provenance", "meta": {"profile": [CUSTODIAN_PUBLIC]},
            "target": [{"reference": "urn:uuid:11111111-1111-4111-8111-111111111111"}],
            "recorded": "2026-01-02T03:04:05.000Z", "agent": list(agents)}


def test_public_custodian_provenance_conforms(profiles):
    assert check_resource(provenance(custodian_agent()), CUSTODIAN_PUBLIC, profiles) == []


def test_provenance_without_custodian_agent_fails(profiles):
    agent = custodian_agent()
    agent["type"]["coding"][0]["code"] = "AUT"
    problems = check_resource(provenance(agent), CUSTODIAN_PUBLIC, profiles)
    assert any("Provenance.agent:custodian" in p and "min is 1" in p for p in problems), problems


def test_provenance_with_role_code_2_fails(profiles):
    problems = check_resource(provenance(custodian_agent(role_code="2")), CUSTODIAN_PUBLIC, profiles)
    assert any("role[0].coding[0].code" in p and '"1"' in p for p in problems), problems


def test_provenance_with_wrong_custodian_identifier_system_fails(profiles):
    agent = custodian_agent(identifier_system="urn:oid:1.2.246.537.6.99999")
    problems = check_resource(provenance(agent), CUSTODIAN_PUBLIC, profiles)
    assert any("who.identifier.system" in p and "40174" in p for p in problems), problems


def test_provenance_without_recorded_fails(profiles):
    resource = provenance(custodian_agent())
    del resource["recorded"]
    assert any("Provenance.recorded" in p for p in check_resource(resource, CUSTODIAN_PUBLIC, profiles))


# -- Bundles: declared profiles and reference targets -------------------------------

def bundle(*resources):
    entries = [{"fullUrl": f"urn:uuid:00000000-0000-4000-8000-{i:012d}", "resource": r}
               for i, r in enumerate(resources)]
    return {"resourceType": "Bundle", "type": "document", "entry": entries}


def encounter_about(subject_index):
    resource = encounter(valueOid="urn:oid:1.2.246.10.1234.5")
    resource["subject"] = {"reference": f"urn:uuid:00000000-0000-4000-8000-{subject_index:012d}"}
    return resource


def test_bundle_encounter_about_fi_base_patient_conforms(profiles):
    assert check_bundle(bundle(encounter_about(1), patient(pic())), profiles) == []


def test_bundle_encounter_about_related_person_fails(profiles):
    related = {"resourceType": "RelatedPerson", "patient": {"reference": "urn:uuid:x"}}
    problems = check_bundle(bundle(encounter_about(1), related), profiles)
    assert any(p.startswith("Encounter[0]") and "Encounter.subject" in p and "RelatedPerson" in p
               for p in problems), problems


def test_bundle_encounter_about_patient_without_fi_base_profile_fails(profiles):
    bare = patient(pic())
    del bare["meta"]
    problems = check_bundle(bundle(encounter_about(1), bare), profiles)
    assert any(p.startswith("Encounter[0]") and "fi-base-patient" in p for p in problems), problems


def test_bundle_dangling_reference_fails(profiles):
    problems = check_bundle(bundle(encounter_about(5), patient(pic())), profiles)
    assert any("does not resolve" in p for p in problems), problems


def test_bundle_unknown_profile_fails_but_base_profile_is_accepted(profiles):
    odd = copy.deepcopy(patient(pic()))
    odd["meta"]["profile"].append(FI_BASE_PREFIX + "fi-base-nonexistent")
    odd["meta"]["profile"].append("http://hl7.org/fhir/StructureDefinition/Patient")
    problems = check_bundle(bundle(odd), profiles)
    assert problems == [f"Patient[0]: declares unknown profile {FI_BASE_PREFIX}fi-base-nonexistent"]


def test_bundle_problems_name_the_entry(profiles):
    problems = check_bundle(bundle(patient(pic()), practitioner("1", "2")), profiles)
    assert problems and all(p.startswith("Practitioner[1]: ") for p in problems), problems


def test_closed_slicing_rejects_unmatched_items(profiles):
    """No fi-base profile here closes a slicing, so close Patient.identifier in a copy."""
    closed = copy.deepcopy(profiles)
    for el in closed[PATIENT]["snapshot"]["element"]:
        if el["id"] == "Patient.identifier":
            el["slicing"]["rules"] = "closed"
    usual = {"use": "usual", "system": "urn:oid:1.2.246.10.1", "value": "42"}
    assert check_resource(patient(pic(), usual), PATIENT, profiles) == []
    problems = check_resource(patient(pic(), usual), PATIENT, closed)
    assert problems == ["Patient.identifier[1] (Patient.identifier): matches no slice and the slicing is closed"]
