// The call-back's times and numbers as the page says them. A window is Finnish wall-clock time, whatever the
// reader's own clock: its day ("Torstai 3.12.") and hours ("6.00–12.00", a window to midnight "18.00–24.00").
import { t, cap } from "../../shared/i18n.js";
import { weekdayName, clockOfDay } from "../../shared/time.js";

const HELSINKI = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Helsinki", year: "numeric", month: "numeric", day: "numeric",
  hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

// An instant in Finland: its date (key "2026-12-3"), weekday (Monday 0) and "HH:MM".
function finnish(at) {
  const p = Object.fromEntries(HELSINKI.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  const y = +p.year, m = +p.month, d = +p.day;
  return { key: `${y}-${m}-${d}`, y, m, d, weekday: (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7, hm: `${p.hour}:${p.minute}` };
}

export function dayText(at) {
  const f = finnish(at);
  const month = new Intl.DateTimeFormat("en-GB", { month: "long", timeZone: "UTC" }).format(new Date(Date.UTC(f.y, f.m - 1, 1)));
  return cap(t("cbDay", { weekday: weekdayName(f.weekday), d: f.d, m: f.m, month }));
}

// A window's first and last hour; one that ends at midnight ends at 24.00 of its day.
function hours(w) {
  const a = finnish(w.start), b = finnish(w.end);
  return [clockOfDay(a.hm), clockOfDay(b.hm === "00:00" && b.key !== a.key ? "24:00" : b.hm)];
}
export const hoursText = (w) => hours(w).join("–");

export function windowText(w) {
  const [from, to] = hours(w);
  return t("cbWhen", { day: dayText(w.start), from, to });
}

// The windows by their Finnish day, in order: [{ key, start, windows }].
export function windowsByDay(windows) {
  const days = [];
  for (const w of windows) {
    const key = finnish(w.start).key;
    if (days.at(-1)?.key !== key) days.push({ key, start: w.start, windows: [] });
    days.at(-1).windows.push(w);
  }
  return days;
}

// Whether a number as typed is a Finnish mobile one (04x, 050): the server decides, this only picks the words
// for its refusal when a text message was asked for.
export function looksMobile(text) {
  const national = text.replace(/[^\d+]/g, "").replace(/^(\+358|00358|0)/, "");
  return /^(4|50)/.test(national);
}

// The time of a try to call, Finnish time as the windows are: "10.12" (English "10:12").
export const clockText = (at) => clockOfDay(finnish(at).hm);
