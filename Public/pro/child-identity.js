// A child's identity as the case shows it: the personal identity code and birth date when the resident gave
// them, and whether the code was checked against a mandate (Suomi.fi or the population register) or is as the
// guardian stated it. case-view.js loads this module for the first case that has them; its texts join the
// page's table here.
import { h } from "../shared/dom.js";
import { t, lang } from "../shared/i18n.js";
import { STRINGS } from "./strings.js";

const CHILD_IDENTITY_STRINGS = {
  fi: { ciCode: "Henkilötunnus {code}", ciBorn: "syntynyt {date}", ciMandate: "tarkistettu valtuutuksesta", ciGuardian: "huoltajan ilmoittama" },
  sv: { ciCode: "Personbeteckning {code}", ciBorn: "född {date}", ciMandate: "kontrollerad mot fullmakt", ciGuardian: "uppgiven av vårdnadshavaren" },
  en: { ciCode: "Identity code {code}", ciBorn: "born {date}", ciMandate: "checked against a mandate", ciGuardian: "stated by the guardian" }
};
for (const [l, table] of Object.entries(CHILD_IDENTITY_STRINGS)) Object.assign(STRINGS[l], table);

const LOCALES = { fi: "fi-FI", sv: "sv-FI", en: "en-GB" };
// 1.1.2018 / 1.1.2018 / 1 January 2018: the birth date as a calendar date, whatever the reader's time zone.
function dateText(date) {
  const [y, m, d] = date.split("-").map(Number);
  return new Intl.DateTimeFormat(LOCALES[lang] || "fi-FI", { day: "numeric", month: lang === "en" ? "long" : "numeric", year: "numeric", timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

// "Henkilötunnus 010118A244X, syntynyt 1.1.2018 – huoltajan ilmoittama", or null when there is neither.
export function childIdentity(subject) {
  const { identityCode: code, birthDate, identitySource: source } = subject || {};
  if (!code && !birthDate) return null;
  const parts = [code ? t("ciCode", { code }) : "", birthDate ? t("ciBorn", { date: dateText(birthDate) }) : ""].filter(Boolean);
  const checked = code && source ? ` – ${t(source === "mandate" ? "ciMandate" : "ciGuardian")}` : "";
  return h("span", { id: "case-child-identity", class: source === "mandate" ? "tag ok" : "tag" }, parts.join(", ") + checked);
}
