// Professionals' titles are free Finnish text from their account. The resident page shows a known one in the
// page's language (Swedish or English; matched trimmed and in any case), any other as written. main.js loads
// this module once a matter is shown (words.js then words titles through it); earlier.js imports it.
import { lang } from "../shared/i18n.js";

// Finnish → [Swedish, English].
const TITLES = {
  "sairaanhoitaja": ["sjukskötare", "nurse"],
  "terveydenhoitaja": ["hälsovårdare", "public health nurse"],
  "lääkäri": ["läkare", "doctor"],
  "sosiaaliohjaaja": ["socialhandledare", "social counsellor"],
  "sosiaalityöntekijä": ["socialarbetare", "social worker"],
  "fysioterapeutti": ["fysioterapeut", "physiotherapist"],
  "erikoislääkäri": ["specialistläkare", "specialist"],
  "kätilö": ["barnmorska", "midwife"],
  "lähihoitaja": ["närvårdare", "practical nurse"],
  "psykiatrinen sairaanhoitaja": ["psykiatrisk sjukskötare", "psychiatric nurse"],
};

export function localTitle(title) {
  const known = TITLES[String(title ?? "").trim().replace(/\s+/g, " ").toLocaleLowerCase("fi")];
  const i = { sv: 0, en: 1 }[lang];
  return known && i !== undefined ? known[i] : title;
}
