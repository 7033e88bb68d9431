// The catalog's branching rule, mirrored from the server (Sources/NeuvoClinic/Catalog/Condition.swift):
// which pre-questions are shown, and which answers count. The server decides again on what it receives;
// this copy only lets the page hide what the server would ignore. Change both together.

// Whether condition `c` holds for the answers so far and the subject (no condition: always).
export function holds(c, answers, subject) {
  if (!c) return true;
  if (c.all) return c.all.every((x) => holds(x, answers, subject));
  if (c.any) return c.any.some((x) => holds(x, answers, subject));
  if (c.not) return !holds(c.not, answers, subject);
  if ("subject" in c) return subject?.kind === c.subject;
  if ("childAgeUnderMonths" in c) return subject?.kind === "child" && subject.months < c.childAgeUnderMonths;
  const v = answers[c.question];
  if ("equals" in c) return typeof v === "string" ? v === c.equals : typeof v === "boolean" ? (v ? "yes" : "no") === c.equals : false;
  if ("in" in c) return typeof v === "string" && c.in.includes(v);
  if ("includes" in c) return Array.isArray(v) && v.includes(c.includes);
  if ("atLeast" in c) return typeof v === "number" && v >= c.atLeast;
  if ("atMost" in c) return typeof v === "number" && v <= c.atMost;
  if ("answered" in c) return v !== undefined;
  return false;
}

// A number as typed: a decimal comma and a typographic minus are fine; anything else is null.
export function parseNumber(raw) {
  const s = String(raw ?? "").trim().replace(",", ".").replace("−", "-");
  return s && /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : null;
}

// The answers as the server reads them: in order, only shown questions, only valid values.
// `raw` holds what the form has (a choice id, "yes"/"no", a list, typed text).
export function evaluate(questions, raw, subject) {
  const values = {}, shown = new Set();
  for (const q of questions || []) {
    if (!holds(q.showIf, values, subject)) continue;
    shown.add(q.id);
    const a = raw[q.id];
    if (q.type === "singleChoice" && a) values[q.id] = a;
    else if (q.type === "yesNo" && (a === "yes" || a === "no")) values[q.id] = a === "yes";
    else if (q.type === "multipleChoice" && a && a.length) values[q.id] = a.slice();
    else if (q.type === "text" && a && a.trim()) values[q.id] = a.trim();
    else if (q.type === "number") {
      const n = parseNumber(a);
      if (n !== null && !(q.min != null && n < q.min) && !(q.max != null && n > q.max) && !(q.integer && !Number.isInteger(n))) values[q.id] = n;
    }
  }
  return { values, shown };
}
