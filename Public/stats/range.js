// Date ranges in Finland's calendar (YYYY-MM-DD, both ends included): the presets and date arithmetic.

export const PRESETS = ["today", "week", "month", "lastMonth"];

function parse(iso) { const [y, m, d] = iso.split("-").map(Number); return new Date(Date.UTC(y, m - 1, d)); }
function iso(date) { return date.toISOString().slice(0, 10); }
export function addDays(day, n) { const d = parse(day); d.setUTCDate(d.getUTCDate() + n); return iso(d); }
export function isDate(s) { return /^\d{4}-\d{2}-\d{2}$/.test(s || "") && iso(parse(s)) === s; }

// A preset's range on `today`: today; the last 7 days with today; this month so far; the whole last month.
export function presetRange(name, today) {
  const d = parse(today);
  switch (name) {
    case "week": return { from: addDays(today, -6), to: today };
    case "month": return { from: iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1))), to: today };
    case "lastMonth": return {
      from: iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1))),
      to: iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 0))),
    };
    default: return { from: today, to: today };
  }
}

// The preset a range is, or "custom".
export function presetOf(from, to, today) {
  return PRESETS.find((name) => { const r = presetRange(name, today); return r.from === from && r.to === to; }) || "custom";
}
