// The child's personal identity code, offered only to a strongly identified resident who acts for a child:
// given, the summary is filed in the child's own health record, and the age may be left out (the server takes
// it from the code; a given age or birth date must agree). subject.js loads this module when first needed;
// its texts join the page's table here. The code's checksum is checked on the page before anything is sent.
import { $, h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { monthsSince } from "../shared/people.js";
import { S } from "./state.js";
import { STRINGS } from "./strings.js";

const CHILD_CODE_STRINGS = {
  fi: {
    childCode: "Lapsen henkilötunnus (vapaaehtoinen)",
    childCodeWhy: "Kun annat sen, yhteenveto asiasta tallentuu lapsen omiin potilastietoihin. Silloin ikää ei tarvitse antaa.",
    eChildCode: "Tämä ei ole kelvollinen henkilötunnus. Tarkista syntymäaika, välimerkki ja tarkistusmerkki.",
    eChildCodeAdult: "Henkilötunnuksen mukaan hän ei ole alle 18-vuotias lapsi.",
    eCodeAge: "Ikä ei vastaa henkilötunnuksen syntymäaikaa.", eCodeBirth: "Syntymäaika ei vastaa henkilötunnusta."
  },
  sv: {
    childCode: "Barnets personbeteckning (frivillig)",
    childCodeWhy: "Om du anger den sparas sammanfattningen av ärendet i barnets egna patientuppgifter. Då behöver du inte ange åldern.",
    eChildCode: "Det här är inte en giltig personbeteckning. Kontrollera födelsedatumet, skiljetecknet och kontrolltecknet.",
    eChildCodeAdult: "Enligt personbeteckningen är hen inte ett barn under 18 år.",
    eCodeAge: "Åldern stämmer inte med födelsedatumet i personbeteckningen.", eCodeBirth: "Födelsedatumet stämmer inte med personbeteckningen."
  },
  en: {
    childCode: "Child's personal identity code (optional)",
    childCodeWhy: "If you give it, the summary of this matter is filed in the child's own health record. You then need not give the age.",
    eChildCode: "This is not a valid personal identity code. Check the date, the century sign and the check character.",
    eChildCodeAdult: "By this identity code they are not a child under 18.",
    eCodeAge: "The age does not match the birth date in the identity code.", eCodeBirth: "The birth date does not match the identity code."
  }
};
for (const [l, table] of Object.entries(CHILD_CODE_STRINGS)) Object.assign(STRINGS[l], table);

const CENTURY = { "+": 1800, "-": 1900, Y: 1900, X: 1900, W: 1900, V: 1900, U: 1900, A: 2000, B: 2000, C: 2000, D: 2000, E: 2000, F: 2000 };
const CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY";

// The birth date (YYYY-MM-DD) of a valid Finnish personal identity code, else null.
export function birthOf(code) {
  const m = /^(\d\d)(\d\d)(\d\d)([-+A-FU-Y])(\d\d\d)([0-9A-Y])$/.exec(code);
  if (!m || Number(m[5]) < 2 || CHECK[Number(m[1] + m[2] + m[3] + m[5]) % 31] !== m[6]) return null;
  const y = CENTURY[m[4]] + Number(m[3]), date = new Date(Date.UTC(y, Number(m[2]) - 1, Number(m[1])));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== Number(m[2]) - 1 || date.getUTCDate() !== Number(m[1])) return null;
  return `${y}-${m[2]}-${m[1]}`;
}

function build() {
  const input = h("input", { id: "child-code", type: "text", class: "medium", maxlength: "11", autocomplete: "off",
    autocapitalize: "characters", spellcheck: "false", "aria-describedby": "child-code-why" });
  $("child-name").parentNode.after(h("div", { class: "field", id: "child-code-field" },
    h("label", { for: "child-code", dataset: { t: "childCode" }, text: t("childCode") }),
    h("p", { class: "hint", id: "child-code-why", dataset: { t: "childCodeWhy" }, text: t("childCodeWhy") }),
    h("p", { class: "error", id: "err-child-code", hidden: true }),
    input));
}

// Shown only while the resident is identified (the server takes a code from no one else).
export function syncChildCode() {
  if (!$("child-code-field")) build();
  $("child-code-field").hidden = !S.session?.identity;
}

// What was typed, if the field is in use ("" if not); a wrong code is reported through `fail`.
export function readChildCode(fail) {
  const input = $("child-code");
  if (!input || $("child-code-field").hidden) return "";
  const code = input.value.trim().toUpperCase();
  if (!code) return "";
  const born = birthOf(code), months = born ? monthsSince(born) : -1;
  if (!born) fail(input, "err-child-code", "eChildCode");
  else if (months < 0 || months >= 216) fail(input, "err-child-code", "eChildCodeAdult");
  return code;
}

// The code into the subject: the age comes from it, and an age or birth date also given must agree.
export function withCode(subject, code, fail) {
  const born = birthOf(code);
  if (!born) return;
  const months = monthsSince(born);
  if (subject.birthDate && subject.birthDate !== born) fail($("child-birth"), "err-child-birth", "eCodeBirth");
  if (subject.ageYears != null && subject.ageYears !== Math.floor(months / 12)) fail($("child-age"), "err-child-age", "eCodeAge");
  Object.assign(subject, { identityCode: code, months });
}
