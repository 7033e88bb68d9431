// The workspace's words for what the server sends: queue and service names from the catalog, urgency,
// whose matter, and why a call failed.
import { t, localized, lang } from "../shared/i18n.js";
import { whose, ageText } from "../shared/people.js";
import { clockOfDay } from "../shared/time.js";
import { state } from "./state.js";

export function queueName(id) {
  const q = state.catalog && (state.catalog.queues || []).find((x) => x.id === id);
  return q ? localized(q.name) : id;
}
// (No default for `list`: a leaf's missing `children` must end the search, not restart it.)
export function findService(id, list) {
  for (const s of list || []) {
    if (s.id === id) return s;
    const found = findService(id, s.children || []);
    if (found) return found;
  }
  return null;
}
export function serviceTitle(id) {
  if (!id) return t("unknownService");
  const s = findService(id, state.catalog && state.catalog.services);
  return s ? localized(s.title) : id;
}
// A count or an amount as the page's language writes it (1 234 in Finnish, 1,234 in English).
export function numberText(n, digits = 1) {
  return new Intl.NumberFormat(lang === "en" ? "en-GB" : lang + "-FI", { maximumFractionDigits: digits }).format(n);
}
// The queue's target for a first reply, in minutes (the catalog's), or null.
export function queueTarget(id) {
  const q = state.catalog && (state.catalog.queues || []).find((x) => x.id === id);
  return q && q.targetFirstResponseMinutes ? q.targetFirstResponseMinutes : null;
}
export function urgencyLabel(u) { return t(u === "urgent" ? "urgent" : u === "soon" ? "soon" : "normal"); }

const KIND_LABELS = { self: "subjectSelf", child: "subjectChild", otherAdult: "subjectOtherAdult" };
export function subjectKindLabel(kind) { return t(KIND_LABELS[whose(kind)]); }
// "Lapsi: Aino, 4 v" / "Toisen puolesta: Matti (isä)" / "Asiakas itse"
export function subjectText(subject) {
  const kind = whose(subject?.kind);
  if (kind === "child") {
    const parts = [subject.firstName, ageText(subject.ageMonths, { months: t("months"), years: t("years") })].filter(Boolean);
    return `${t("childLabel")}: ${parts.join(", ")}`;
  }
  if (kind === "otherAdult") {
    return `${t("otherAdultLabel")}: ${subject.name || ""}${subject.relation ? ` (${subject.relation})` : ""}`;
  }
  return t("selfLabel");
}

// In the page's language from the catalog: the case view's own title is in the
// language it was read in, and only the open case is read again on a switch.
export function caseServiceTitle(view) {
  const id = view.conversation && view.conversation.serviceId;
  if (id && findService(id, state.catalog && state.catalog.services)) return serviceTitle(id);
  return view.service ? view.service.title : serviceTitle(id);
}
export function caseLabel(c) {
  if (!c.view) return "…";
  return `${caseServiceTitle(c.view)} – ${subjectText(c.view.conversation.subject)}`;
}

// A call-back's window in Finnish wall-clock time, whatever the reader's own clock: "ke 2.12. 10.00–12.00"
// ("ons 2.12. 10.00–12.00", "Wed 2 Dec 10:00–12:00"); one that ends at midnight ends at 24.00 of its day.
const FINLAND = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Helsinki", year: "numeric", month: "numeric", day: "numeric",
  hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
function inFinland(at) {
  const p = Object.fromEntries(FINLAND.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return { day: `${p.year}-${p.month}-${p.day}`, d: Number(p.day), m: Number(p.month), hm: `${p.hour}:${p.minute}` };
}
export function callWindowText(w) {
  if (!w || Number.isNaN(Date.parse(w.start)) || Number.isNaN(Date.parse(w.end))) return "";
  const a = inFinland(w.start), b = inFinland(w.end);
  const locale = lang === "en" ? "en-GB" : lang + "-FI";
  const zone = { timeZone: "Europe/Helsinki" };
  const weekday = new Intl.DateTimeFormat(locale, { weekday: "short", ...zone }).format(new Date(w.start));
  const date = lang === "en" ? new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", ...zone }).format(new Date(w.start))
    : `${a.d}.${a.m}.`;
  const to = b.hm === "00:00" && b.day !== a.day ? "24:00" : b.hm;
  return `${weekday} ${date} ${clockOfDay(a.hm)}–${clockOfDay(to)}`;
}
// A call-back as said and as a button's name: its window, urgency and service.
export function callBackLabel(b) {
  return `${callWindowText(b.window)}, ${urgencyLabel(b.urgency)}, ${serviceTitle(b.serviceId)}`;
}
// A number as a tel: link dials it: "+358 40 1234567" → "tel:+358401234567".
export const telHref = (phone) => "tel:" + String(phone).replace(/[^\d+]/g, "");

// "Hanna Hoitaja, sairaanhoitaja"
export const nameAndTitle = (p) => `${p.displayName}, ${p.title}`;

// A failed API result in the page's words (status 0: the network).
export function errorText(result) {
  if (!result.status) return t("networkError");
  return t("genericError", { code: result.code || result.status });
}

// A photo: where it is, its size, and its text alternative.
export function photoUrl(caseId, photoId) {
  return `/api/v1/pro/cases/${encodeURIComponent(caseId)}/photos/${encodeURIComponent(photoId)}`;
}
export function dimensions(p) { return `${p.width} × ${p.height} px`; }
export function photoAlt(p) {
  return t(p.author === "professional" ? "photoAltPro" : "photoAltResident", { size: dimensions(p) });
}
