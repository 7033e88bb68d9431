// The access log's words: when (Finnish time, to the second), who read (a professional's name, username
// and role, or the record system by its API key's name), what they did and why, and what a search of the
// log asked for.
import { t, lang } from "../shared/i18n.js";
import { count, dateText } from "./words.js";
import { isDate } from "./range.js";

const locale = () => (lang === "en" ? "en-GB" : lang + "-FI");

// An RFC 3339 instant in Finland's time: 2.12.2026 klo 12.16.38.
export function logTime(at) {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at || t("none");
  return new Intl.DateTimeFormat(locale(), {
    timeZone: "Europe/Helsinki", day: "numeric", month: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).format(d);
}

const ROLES = { professional: "roleProfessional", admin: "roleAdmin", manager: "roleManager" };

export function readerText(reader) {
  if (!reader) return t("none");
  if (reader.kind === "recordSystem") return t("readerSystem", { name: reader.name });
  const role = ROLES[reader.role] ? t(ROLES[reader.role]) : reader.role || "";
  return t("readerPro", { name: reader.displayName || reader.name, username: reader.name, role });
}

const CRITERIA = { identityCode: "critIdentityCode", conversation: "critConversation", professional: "critProfessional",
                   from: "critFrom", to: "critTo" };

// A search's criteria in words: "henkilötunnus 131052-308T, alkaen 1.12.2026". `criteria` is what the log
// keeps ("identityCode=131052-308T from=2026-12-01") or the page's own query (URLSearchParams); a name the
// page does not know is shown as the log has it.
export function criteriaText(criteria) {
  const pairs = typeof criteria === "string"
    ? criteria.split(" ").filter(Boolean).map((p) => (p.includes("=") ? [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)] : [p, ""]))
    : [...(criteria || [])];
  return pairs.map(([name, value]) => {
    if (!CRITERIA[name]) return value ? `${name}=${value}` : name;
    return `${t(CRITERIA[name])} ${(name === "from" || name === "to") && isDate(value) ? dateText(value) : value}`;
  }).join(", ");
}

const REASONS = { picked: "reasonPicked", transferred: "reasonTransferred", consulted: "reasonConsulted", admin: "reasonAdmin" };
const RECORD_SYSTEM = { pulled: "actPulled", photo: "actPhoto", acknowledged: "actAcknowledged" };

// What the reader did: opened the case (and why), read or acknowledged its record export, or searched the log.
export function actionText(entry) {
  if (entry.action === "opened") {
    if (REASONS[entry.reason]) return t("actOpened", { reason: t(REASONS[entry.reason]) });
    return entry.reason && entry.reason !== "opened" ? `${t("actOpenedPlain")} (${entry.reason})` : t("actOpenedPlain");
  }
  if (RECORD_SYSTEM[entry.action]) return t(RECORD_SYSTEM[entry.action], { export: entry.exportId || t("none") });
  if (entry.action === "searchedLog") return t("actSearched", { criteria: criteriaText(entry.criteria || ""), n: count(entry.results) });
  return [entry.action, entry.reason].filter(Boolean).join(" ");
}
