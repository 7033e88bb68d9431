// The statistics page's words for what the server sends: numbers, shares and durations as the page's
// language writes them (a decimal comma in Finnish and Swedish), dates, and queue and service names.
import { t, lang, localized } from "../shared/i18n.js";
import { clockOfDay } from "../shared/time.js";
import { state } from "./state.js";

const locale = () => (lang === "en" ? "en-GB" : lang + "-FI");
const formats = new Map();
function format(key, options) {
  const id = locale() + key;
  if (!formats.has(id)) formats.set(id, new Intl.NumberFormat(locale(), options));
  return formats.get(id);
}

// A count: 1 234 in Finnish.
export function count(n) { return n == null ? t("none") : format("int", { maximumFractionDigits: 0 }).format(n); }
// Seconds as minutes with one decimal, without the unit: 12,5.
export function minutesValue(seconds) {
  return seconds == null ? t("none") : format("min", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(seconds / 60);
}
// The same with the unit: 12,5 min.
export function minutes(seconds) { return seconds == null ? t("none") : t("minutes", { n: minutesValue(seconds) }); }
// A share from 0 to 1: 12,5 %.
export function share(x) {
  return x == null ? t("none") : format("pct", { style: "percent", minimumFractionDigits: 0, maximumFractionDigits: 1 }).format(x);
}
// A net promoter score from -100 to 100, with its sign: +25, −10.
export function nps(score) {
  return score == null ? t("none") : format("nps", { maximumFractionDigits: 1, signDisplay: "exceptZero" }).format(score);
}
// A number for a chart's axis (counts, or minutes with at most one decimal).
export function axisNumber(n) { return format("axis", { maximumFractionDigits: 1 }).format(n); }

// A waiting time ticking by the second: 4 min 05 s, 1 h 02 min.
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h} h ${String(m).padStart(2, "0")} min` : `${m} min ${String(r).padStart(2, "0")} s`;
}

// A longer duration (a call-back's request → first call): under an hour in minutes as elsewhere (12,5 min),
// else hours and whole minutes (26 h 05 min).
export function hoursMinutes(seconds) {
  if (seconds == null || seconds < 3600) return minutes(seconds);
  const m = Math.round(seconds / 60);
  return `${count(Math.floor(m / 60))} h ${String(m % 60).padStart(2, "0")} min`;
}
// A call-back window of the day as the API names it ("08:00–10:00", Finnish time) in the page's language:
// 8.00–10.00; one that ends at midnight ("18:00–00:00") ends at 24.00, as the resident's page says it.
export function windowText(label) {
  const m = /^(\d\d:\d\d)–(\d\d:\d\d)$/.exec(label || "");
  return m ? `${clockOfDay(m[1])}–${clockOfDay(m[2] === "00:00" ? "24:00" : m[2])}` : label;
}

// YYYY-MM-DD as the language writes a date: 2.12.2026, or 2 Dec 2026 in English.
function date(iso, options) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Intl.DateTimeFormat(locale(), { timeZone: "UTC", ...options }).format(new Date(Date.UTC(y, m - 1, d)));
}
export function dateText(iso) { return date(iso, { day: "numeric", month: lang === "en" ? "short" : "numeric", year: "numeric" }); }
// A day on a chart's axis: 2.12. or 2 Dec.
export function dayText(iso) { return date(iso, { day: "numeric", month: lang === "en" ? "short" : "numeric" }); }
// A day in a table: with its weekday, ti 2.12.2026.
// A month on a long range's axis: 11.2025, or 11/2025 in English.
export function monthText(iso) { return date(iso, { month: "numeric", year: "numeric" }); }
export function dayWithWeekday(iso) { return date(iso, { weekday: "short", day: "numeric", month: "numeric", year: "numeric" }); }
export function rangeText(from, to) { return from === to ? dateText(from) : `${dateText(from)} – ${dateText(to)}`; }

// Monday first, as the API's keys.
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
export function weekdayText(key, style = "long") {
  const i = WEEKDAYS.indexOf(key);
  return new Intl.DateTimeFormat(locale(), { weekday: style, timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, 1 + i)));
}
// The hour 11 as 11–12.
export function hourText(h) { return `${String(h).padStart(2, "0")}–${String(h + 1).padStart(2, "0")}`; }
// A time of day: 9.05 in Finnish, 09:05 in English.
export function timeText(at) { return new Date(at).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" }); }

// Names from the catalog in the page's language; else what the server named it, else the id.
export function queueName(id, fallback) {
  const q = state.catalog && (state.catalog.queues || []).find((x) => x.id === id);
  return q ? localized(q.name) : fallback || id;
}
function findService(id, list) {
  for (const s of list || []) {
    if (s.id === id) return s;
    const found = findService(id, s.children);
    if (found) return found;
  }
  return null;
}
export function serviceName(id, fallback) {
  const s = findService(id, state.catalog && state.catalog.services);
  return s ? localized(s.title) : fallback || id;
}

// A failed API result in the page's words (status 0: the network).
export function errorText(result) {
  if (!result.status) return t("networkError");
  return t("genericError", { code: result.code || result.status });
}
