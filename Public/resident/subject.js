// Step 1: whose matter it is (the resident's own, a child's or another adult's), with the demo's
// test identification above it when the server offers one (identification.js). An identified resident acting
// for a child may give the child's identity code: child-code.js, loaded when first needed.
import { $ } from "../shared/dom.js";
import { childMonths } from "../shared/people.js";
import { todayFinland } from "../shared/time.js";
import { S } from "./state.js";
import { go, views } from "./render.js";
import { showError, markInvalid } from "./errors.js";
import { needCatalog } from "./catalog.js";

function subjectKind() { return document.querySelector("input[name=kind]:checked")?.value; }
let childCode = null, codePart = null;

export function syncSubjectFields() {
  const kind = subjectKind();
  $("child-fields").hidden = kind !== "child";
  $("other-fields").hidden = kind !== "otherAdult";
  const byDate = $("agemode-date").checked;
  $("age-years-field").hidden = byDate;
  $("birth-date-field").hidden = !byDate;
  if (kind === "child" && S.session?.identity) {
    codePart ||= import("./child-code.js").then((m) => { childCode = m; }, () => { codePart = null; });
    codePart.then(() => childCode?.syncChildCode());
  } else childCode?.syncChildCode();
}

// The subject as the server takes it, plus `months` (the child's age) for the questions' branching.
function readSubject() {
  const errs = [];
  const fail = (input, errId, key) => { showError(errId, key); markInvalid(input, errId, true); errs.push(input); };
  for (const id of ["err-kind", "err-child-name", "err-child-age", "err-child-birth", "err-child-code", "err-other-name", "err-other-relation", "err-other-consent"]) showError(id, "");
  for (const el of document.querySelectorAll("#subject-form input")) markInvalid(el, el.getAttribute("aria-describedby")?.match(/err-[\w-]+/)?.[0], false);
  const kind = subjectKind();
  if (!kind) { fail($("subject-self"), "err-kind", "eKind"); return { errs }; }
  if (kind === "self") return { subject: { kind: "self" }, errs };
  if (kind === "child") {
    const firstName = $("child-name").value.trim();
    if (!firstName) fail($("child-name"), "err-child-name", "eRequired");
    const subject = { kind: "child", firstName };
    // With the child's identity code the age is optional.
    const code = childCode?.readChildCode(fail) || "";
    if ($("agemode-date").checked) {
      const b = $("child-birth").value, m = /^\d{4}-\d{2}-\d{2}$/.test(b) ? childMonths({ birthDate: b }) : -1;
      if (b || !code) {
        if (m < 0 || m >= 216) fail($("child-birth"), "err-child-birth", "eBirth");
        subject.birthDate = b; subject.months = m;
      }
    } else {
      const a = $("child-age").value.trim();
      if (a || !code) {
        if (!/^\d{1,2}$/.test(a) || Number(a) > 17) fail($("child-age"), "err-child-age", "eAge");
        subject.ageYears = Number(a); subject.months = childMonths({ ageYears: Number(a) });
      }
    }
    if (code && !errs.length) childCode.withCode(subject, code, fail);
    return { subject, errs };
  }
  const name = $("other-name").value.trim(), relation = $("other-relation").value.trim();
  if (!name) fail($("other-name"), "err-other-name", "eRequired");
  if (!relation) fail($("other-relation"), "err-other-relation", "eRequired");
  if (!$("other-consent").checked) fail($("other-consent"), "err-other-consent", "eConsent");
  return { subject: { kind: "otherAdult", name, relation, consent: true }, errs };
}

export function startSubject() {
  // The catalog is fetched once the resident starts (or resumes), not for a mere visit.
  $("subject-form").addEventListener("focusin", needCatalog);
  $("subject-form").addEventListener("change", syncSubjectFields);
  $("subject-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const { subject, errs } = readSubject();
    if (errs.length) { errs[0].focus(); return; }
    S.subject = subject;
    S.path = [];
    if (!S.catalog) await needCatalog();
    go("service");
  });
  $("child-birth").max = todayFinland();
  views.identity = syncSubjectFields;
  syncSubjectFields();
}
