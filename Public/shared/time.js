// Dates and times as the pages show them. Opening hours, a child's age and "today" are Finnish time
// (Europe/Helsinki), as the server counts them; a message's time is the reader's own clock.
import { lang } from "./i18n.js";
import { serverNow } from "./api.js";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Like sleep, but over at once when the browser says the network is back.
export function sleepUntilOnline(ms) {
  return new Promise((r) => {
    const done = () => { clearTimeout(timer); window.removeEventListener("online", done); r(); };
    const timer = setTimeout(done, ms);
    window.addEventListener("online", done);
  });
}

// Today's date in Finland (YYYY-MM-DD): in UTC it is still yesterday between midnight and 02:00/03:00,
// and a baby born today could not be entered.
export function todayFinland() {
  try { return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Helsinki", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date()); }
  catch { return new Date().toISOString().slice(0, 10); }
}

// The resident's page: the time, with the date unless it is today.
export function timeOrDate(at) {
  const d = new Date(at);
  if (isNaN(d)) return "";
  const same = d.toDateString() === new Date().toDateString();
  return new Intl.DateTimeFormat(lang + "-FI", same ? { hour: "2-digit", minute: "2-digit" } : { day: "numeric", month: "numeric", hour: "2-digit", minute: "2-digit" }).format(d);
}
// When a closed queue opens: weekday, date and time in Finland.
export function finnishWeekdayTime(at) {
  return new Intl.DateTimeFormat(lang + "-FI", { weekday: "long", day: "numeric", month: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Helsinki" }).format(new Date(at));
}
// Monday is 0. (1 January 2024 was a Monday.)
export function weekdayName(i) {
  return new Intl.DateTimeFormat(lang + "-FI", { weekday: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, 1 + i)));
}
// "08:00" of the catalog's opening hours as the language writes it: 8.00, or 08:00 in English.
export function clockOfDay(hm) {
  const [hh, mm] = hm.split(":");
  return lang === "en" ? `${hh}:${mm}` : `${Number(hh)}.${mm}`;
}

// The workspace: hours and minutes.
export function clockText(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleTimeString(lang === "en" ? "en-GB" : lang === "sv" ? "sv-FI" : "fi-FI", { hour: "2-digit", minute: "2-digit" });
}
// How long a case has waited, by the server's clock, in whole minutes.
export function waitedMinutes(since) {
  return Math.floor(Math.max(0, serverNow() - Date.parse(since)) / 60000);
}
