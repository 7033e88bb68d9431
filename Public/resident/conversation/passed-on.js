// Withdrawing a matter passed on after a pick: it waits for a colleague, not in the queue, so the confirmation
// speaks of no queue. main.js loads this module once a picked matter is back in a queue; its texts join the
// page's table here, and it swaps the confirmation's texts (kept on a language switch) on each status redraw.
import { $ } from "../../shared/dom.js";
import { t } from "../../shared/i18n.js";
import { S } from "../state.js";
import { STRINGS } from "../strings.js";
import { views } from "../render.js";

const TEXTS = {
  fi: { withdrawQPassed: "Haluatko perua asiasi? Sitä ei silloin käsitellä loppuun.", withdrawNoPassed: "Ei, älä peru asiaa" },
  sv: { withdrawQPassed: "Vill du återkalla ditt ärende? Det behandlas då inte färdigt.", withdrawNoPassed: "Nej, behåll ärendet" },
  en: { withdrawQPassed: "Do you want to withdraw your matter? It will then not be dealt with any further.", withdrawNoPassed: "No, keep my matter" }
};

function render() {
  const c = S.conv, passed = c?.status === "queued" && c.picked;
  for (const [id, key] of [["withdraw-q", "withdrawQ"], ["withdraw-no", "withdrawNo"]]) {
    const el = $(id), want = passed ? key + "Passed" : key;
    if (el.dataset.t !== want) { el.dataset.t = want; el.textContent = t(want); }
  }
}

export function startPassedOn() {
  for (const [l, table] of Object.entries(TEXTS)) Object.assign(STRINGS[l], table);
  const status = views.status;
  views.status = () => { status(); render(); };
  render();
}
