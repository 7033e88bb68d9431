"""A small, honest checker of FHIR R4 resources against HL7 Finland's base profiles.

Neuvo's record documents (FHIR R4 document Bundles) declare profiles of
hl7.fhir.fi.base 2.0.0-rc2 in ``meta.profile``.  The StructureDefinitions live in
/work/shared/fhir/fi-base/.  This module walks a profile's ``snapshot.element``
list over a JSON resource and reports what it can check without a FHIR server.

What it checks
--------------
* cardinality (``min``/``max``) of every element the snapshot lists, per parent
  instance (``Provenance.agent.who`` is counted inside each agent);
* choice elements (``value[x]``): ``valueOid``, ``valueCoding`` ... must use one
  of the element's ``type`` codes;
* ``fixed[x]`` (exact equality) and ``pattern[x]`` (the instance contains the
  pattern: objects key by key, recursively; arrays: every pattern item is
  contained in some instance item);
* slicing with ``value``/``pattern`` discriminators (``use``, ``system``,
  ``type``, ``url``, ``coding.system``, ``$this`` ...): each item is assigned to
  the slice(s) whose discriminator value it matches; each slice's min/max and
  its own child constraints are checked on its members only; ``rules: closed``
  makes unmatched items errors.  The discriminator value is taken from the
  fixed/pattern of the slice's descendant at the discriminator path (possibly
  inside a re-slice), or for extensions from the slice's ``type.profile``;
* extensions whose profile is in the folder (service-event, municipality-code),
  both when a slice names that profile and when an instance extension's ``url``
  is such a profile (fi-base-encounter does not slice Encounter.extension, yet
  the service-event extension on it must still obey its own definition);
* ``Reference`` target profiles, when a ``resolve(reference) -> resource|None``
  callback is given: the target's resourceType must be allowed, and a fi-base
  target profile must be declared in the target's ``meta.profile``.  An
  unresolvable ``urn:uuid:`` reference is reported (inside a document it must
  resolve); other unresolved references are left alone.

What it does not check
----------------------
* constraints (FHIRPath invariants such as ele-1, bdl-7), terminology
  bindings, mustSupport;
* discriminators of type ``exists``, ``type`` or ``profile`` (slices using them
  match nothing), slices whose discriminator value cannot be found;
* elements the snapshot does not expand (inside datatypes such as
  ``Period.start``), unknown element names, primitive formats -- use the R4 JSON
  schema (/work/shared/fhir/fhir.r4.schema.json) for those;
* target profiles whose type is unknown here (fi-base-location is not in the
  folder): when only such profiles could match, nothing is reported.

Profiles derived from other fi-base profiles (information-custodian-public ->
information-custodian -> fi-base-provenance) need no merging: their snapshots
already carry every parent element with its slices, fixed values and patterns
(every parent snapshot element id is in the child snapshot with the same
min/max, slicing, fixed and pattern values, and every differential element is in
the snapshot; test_fhir_profile_checker.py checks that), so checking the snapshot
alone is enough.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Optional

BASE_PREFIX = "http://hl7.org/fhir/StructureDefinition/"
FI_BASE_PREFIX = "https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/"

Resolver = Callable[[dict], Optional[dict]]


def load_profiles(folder: Path) -> dict[str, dict]:
    """Every StructureDefinition-*.json in ``folder``, keyed by its canonical ``url``."""
    profiles = {}
    for path in sorted(Path(folder).glob("StructureDefinition-*.json")):
        sd = json.loads(path.read_text(encoding="utf-8"))
        profiles[sd["url"]] = sd
    return profiles


def _canonical(url: str) -> str:
    # meta.profile may carry a version ("url|2.0.0"); profiles are keyed without it.
    return url.split("|", 1)[0]


def _short(url: str) -> str:
    return url.rsplit("/", 1)[-1]


class _Tree:
    """The snapshot as a tree: element id -> {child name: {"base": id, "slices": [ids]}}.

    Ids carry slice names ("Provenance.agent:custodian.role:custodianRole"), so the
    parent of an element is its id minus the last dotted segment and a slice's base
    element is the sibling with the same name and no slice name.
    """

    def __init__(self, sd: dict):
        elements = sd["snapshot"]["element"]
        self.root = elements[0]["id"]
        self.el = {e["id"]: e for e in elements}
        self.children: dict[str, dict[str, dict]] = {}
        for e in elements[1:]:
            parent, _, last = e["id"].rpartition(".")
            name, _, slice_name = last.partition(":")
            group = self.children.setdefault(parent, {}).setdefault(name, {"base": None, "slices": []})
            if slice_name:
                group["slices"].append(e["id"])
            else:
                group["base"] = e["id"]

    def descendants(self, node_id: str):
        for group in self.children.get(node_id, {}).values():
            for child in ([group["base"]] if group["base"] else []) + group["slices"]:
                yield child
                yield from self.descendants(child)


def _fixed_or_pattern(el: dict) -> tuple[str, Any] | None:
    for key, value in el.items():
        if key.startswith("fixed"):
            return "fixed", value
        if key.startswith("pattern"):
            return "pattern", value
    return None


def _contains(instance: Any, pattern: Any) -> bool:
    """FHIR pattern semantics: the instance has at least what the pattern has."""
    if isinstance(pattern, dict):
        return isinstance(instance, dict) and all(
            k in instance and _contains(instance[k], v) for k, v in pattern.items())
    if isinstance(pattern, list):
        return isinstance(instance, list) and all(
            any(_contains(item, p) for item in instance) for p in pattern)
    return instance == pattern


def _matches(instance: Any, how: tuple[str, Any]) -> bool:
    kind, expected = how
    return instance == expected if kind == "fixed" else _contains(instance, expected)


def _walk(value: Any, path: str) -> list:
    """Values at a dotted discriminator path, flattening arrays on the way."""
    values = value if isinstance(value, list) else [value]
    if path == "$this":
        return values
    for step in path.split("."):
        nxt = []
        for v in values:
            if isinstance(v, dict) and step in v:
                nxt.extend(v[step] if isinstance(v[step], list) else [v[step]])
        values = nxt
    return values


class _Checker:
    def __init__(self, profiles: dict, resolve: Resolver | None):
        self.profiles = profiles
        self.resolve = resolve
        self.trees: dict[str, _Tree] = {}
        self.problems: list[str] = []

    def tree(self, url: str) -> _Tree:
        if url not in self.trees:
            self.trees[url] = _Tree(self.profiles[url])
        return self.trees[url]

    def problem(self, where: str, el_id: str, text: str):
        self.problems.append(f"{where} ({el_id}): {text}")

    # -- entry points -------------------------------------------------------

    def check(self, resource: Any, url: str, where: str):
        sd = self.profiles[url]
        tree = self.tree(url)
        if sd["kind"] == "resource" and (not isinstance(resource, dict)
                                         or resource.get("resourceType") != sd["type"]):
            got = resource.get("resourceType") if isinstance(resource, dict) else type(resource).__name__
            self.problem(where, tree.root, f"is {got}, profile {_short(url)} is for {sd['type']}")
            return
        self.values(tree, tree.root, [(where, resource, None)], None)

    # -- walking ------------------------------------------------------------

    def collect(self, parent: dict, name: str, where: str) -> list[tuple[str, Any, str | None]]:
        """(instance path, value, choice type suffix) for element ``name`` in ``parent``."""
        found = []
        if name.endswith("[x]"):
            stem = name[:-3]
            keys = [k for k in parent if k.startswith(stem) and len(k) > len(stem) and k[len(stem)].isupper()]
        else:
            keys = [name] if name in parent or f"_{name}" in parent else []
        for key in keys:
            suffix = key[len(name) - 3:] if name.endswith("[x]") else None
            raw = parent.get(key)
            if raw is None:  # only "_name": a primitive carrying just extensions still counts
                under = parent.get(f"_{key}")
                raw = [None] * len(under) if isinstance(under, list) else None
            if isinstance(raw, list):
                found.extend((f"{where}.{key}[{i}]", v, suffix) for i, v in enumerate(raw))
            else:
                found.append((f"{where}.{key}", raw, suffix))
        return found

    def group(self, tree: _Tree, parent: dict, name: str, group: dict, where: str):
        items = self.collect(parent, name, where)
        base = group["base"]
        if base:
            self.values(tree, base, items, f"{where}.{name}")
        if not group["slices"] or not base or "slicing" not in tree.el[base]:
            return
        slicing = tree.el[base]["slicing"]
        matched = set()
        for slice_id in group["slices"]:
            members = []
            for i, item in enumerate(items):
                if self.in_slice(tree, slice_id, slicing, item[1]):
                    members.append(item)
                    matched.add(i)
            # Slice cardinality and the slice's own children apply to its members only.
            self.cardinality(f"{where}.{name}", slice_id, tree.el[slice_id], len(members), "slice ")
            self.values(tree, slice_id, members, None)
        if slicing.get("rules") == "closed":
            for i, (path, _, _) in enumerate(items):
                if i not in matched:
                    self.problem(path, base, "matches no slice and the slicing is closed")

    def in_slice(self, tree: _Tree, slice_id: str, slicing: dict, value: Any) -> bool:
        discriminators = slicing.get("discriminator", [])
        if not discriminators:
            return False
        for disc in discriminators:
            if disc.get("type") not in ("value", "pattern"):
                return False  # exists/type/profile discriminators: not supported
            how = self.discriminator_value(tree, slice_id, disc["path"])
            if how is None or not any(_matches(v, how) for v in _walk(value, disc["path"])):
                return False
        return True

    def discriminator_value(self, tree: _Tree, slice_id: str, path: str) -> tuple[str, Any] | None:
        el = tree.el[slice_id]
        if path == "$this":
            return _fixed_or_pattern(el)
        wanted = f"{el['path']}.{path}"
        # The value may sit on a re-slice below the slice (custodianRole.coding:custodianRoleCoding.system).
        for desc in tree.descendants(slice_id):
            d = tree.el[desc]
            if d["path"] == wanted and _fixed_or_pattern(d):
                return _fixed_or_pattern(d)
        if path == "url":
            urls = [p for t in el.get("type", []) if t.get("code") == "Extension" for p in t.get("profile", [])]
            if urls:
                return "fixed", urls[0]
        return None

    def cardinality(self, where: str, el_id: str, el: dict, n: int, what: str = ""):
        lo, hi = el.get("min", 0), el.get("max", "*")
        if n < lo:
            self.problem(where, el_id, f"{what}has {n} item(s), min is {lo}")
        if hi != "*" and n > int(hi):
            self.problem(where, el_id, f"{what}has {n} item(s), max is {hi}")

    def values(self, tree: _Tree, el_id: str, items: list, count_at: str | None):
        """Check element ``el_id`` on its instances ``items``; count them at ``count_at`` unless None."""
        el = tree.el[el_id]
        if count_at is not None:
            self.cardinality(count_at, el_id, el, len(items))
        codes = [t.get("code", "") for t in el.get("type", [])]
        how = _fixed_or_pattern(el)
        for where, value, suffix in items:
            # Choice suffix "Oid" against type code "oid"; "Coding" against "Coding".
            if suffix is not None and suffix.lower() not in [c.rsplit(".", 1)[-1].lower() for c in codes]:
                self.problem(where, el_id, f"type {suffix} is not allowed here (allowed: {', '.join(codes)})")
            if how and not _matches(value, how):
                self.problem(where, el_id, f"{how[0]} value {json.dumps(how[1])} not matched"
                             f" by {json.dumps(value)}")
            if not isinstance(value, dict):
                continue
            if "Reference" in codes:
                self.reference(where, el_id, el, value)
            if "Extension" in codes:
                self.extension(where, el, value)
            for name, group in tree.children.get(el_id, {}).items():
                self.group(tree, value, name, group, where)

    def extension(self, where: str, el: dict, value: dict):
        named = [p for t in el.get("type", []) for p in t.get("profile", [])]
        for url in named or [value.get("url", "")]:
            url = _canonical(url)
            if url in self.profiles and self.profiles[url]["type"] == "Extension":
                self.check(value, url, where)

    def reference(self, where: str, el_id: str, el: dict, ref: dict):
        if self.resolve is None or "reference" not in ref:
            return
        targets = [p for t in el.get("type", []) if t.get("code") == "Reference" for p in t.get("targetProfile", [])]
        target = self.resolve(ref)
        if target is None:
            if ref["reference"].startswith("urn:uuid:"):
                self.problem(where, el_id, f"reference {ref['reference']} does not resolve")
            return
        kind = target.get("resourceType")
        declared = {_canonical(p) for p in target.get("meta", {}).get("profile", [])}
        unknown, wrong_profile = False, []
        for tp in targets or [BASE_PREFIX + "Resource"]:
            if tp in self.profiles:
                if self.profiles[tp]["type"] == kind:
                    if tp in declared:
                        return
                    wrong_profile.append(_short(tp))
            elif tp.startswith(BASE_PREFIX):
                if _short(tp) in (kind, "Resource"):
                    return
            else:
                unknown = True  # a profile we do not have: its type is not known here
        if wrong_profile:
            self.problem(where, el_id, f"references {kind} that does not declare "
                         f"{' or '.join(wrong_profile)} in meta.profile")
        elif not unknown:
            self.problem(where, el_id, f"references {kind}; allowed: {', '.join(_short(t) for t in targets)}")


def _dedupe(problems: list[str]) -> list[str]:
    # A base element and its slice (or a slice naming an extension profile and the
    # same extension's url) can report the very same thing; say it once.
    return list(dict.fromkeys(problems))


def check_resource(resource: dict, profile_url: str, profiles: dict[str, dict],
                   resolve: Resolver | None = None) -> list[str]:
    """Problems of ``resource`` against the profile ``profile_url`` (empty list = conforms).

    ``resolve`` (optional) turns a Reference dict into the referenced resource or
    None; with it, Reference target profiles are checked too.
    """
    url = _canonical(profile_url)
    if url not in profiles:
        return [f"unknown profile {profile_url}"]
    checker = _Checker(profiles, resolve)
    checker.check(resource, url, resource.get("resourceType", "?") if isinstance(resource, dict) else "?")
    return _dedupe(checker.problems)


def bundle_resolver(bundle: dict) -> Resolver:
    """A resolver for references inside ``bundle``: by ``fullUrl``, else by ``Type/id``."""
    by_full_url, by_type_id = {}, {}
    for entry in bundle.get("entry", []):
        resource = entry.get("resource") or {}
        if "fullUrl" in entry:
            by_full_url[entry["fullUrl"]] = resource
        if "resourceType" in resource and "id" in resource:
            by_type_id[f"{resource['resourceType']}/{resource['id']}"] = resource

    def resolve(ref: dict) -> dict | None:
        target = ref.get("reference", "")
        return by_full_url.get(target) or by_type_id.get(target)

    return resolve


def check_bundle(bundle: dict, profiles: dict[str, dict]) -> list[str]:
    """Problems of every entry of ``bundle`` against the profiles it declares.

    Each ``meta.profile`` must be a known fi-base profile (a base
    ``http://hl7.org/fhir/StructureDefinition/`` URL is accepted and not checked
    further); references are resolved inside the Bundle.  Problems are prefixed
    with ``<resourceType>[<entry index>]``.
    """
    resolve = bundle_resolver(bundle)
    problems = []
    for i, entry in enumerate(bundle.get("entry", [])):
        resource = entry.get("resource") or {}
        prefix = f"{resource.get('resourceType', '?')}[{i}]"
        for declared in resource.get("meta", {}).get("profile", []):
            url = _canonical(declared)
            if url in profiles:
                problems.extend(f"{prefix}: {p}" for p in check_resource(resource, url, profiles, resolve))
            elif not url.startswith(BASE_PREFIX):
                problems.append(f"{prefix}: declares unknown profile {declared}")
    return problems
