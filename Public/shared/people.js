// Whose matter it is, and how old a child is: one rule for both pages.
import { todayFinland } from "./time.js";

// A subject is "self", "child" or "otherAdult"; anything else reads as the resident's own matter.
export function whose(kind) { return kind === "child" || kind === "otherAdult" ? kind : "self"; }

// Whole months from a birth date (YYYY-MM-DD) to today in Finland; -1 for a date still to come.
export function monthsSince(date) {
  const [y, m, d] = date.split("-").map(Number), [ty, tm, td] = todayFinland().split("-").map(Number);
  if (ty < y || (ty === y && (tm < m || (tm === m && td < d)))) return -1;
  return (ty - y) * 12 + (tm - m) - (td < d ? 1 : 0);
}
// A child's age in months: from the birth date when there is one, else whole years as 12 months each.
export function childMonths({ birthDate, ageYears }) {
  return birthDate ? monthsSince(birthDate) : ageYears * 12;
}

// A child's age for the professional: months below two years, then whole years (as the server's draft
// summary writes it: "18 kk", "4 v"). `units` are the page's words for them.
export function ageText(months, units) {
  if (typeof months !== "number") return "";
  return months < 24 ? `${months} ${units.months}` : `${Math.floor(months / 12)} ${units.years}`;
}
