// "Keep what they were told": after "start a new matter", this browser's earlier matters (read-only, from
// GET /api/v1/conversations) under the first step, each with its service, times, who handled it and the
// instructions, and a printable summary of a handled one (resident/print.css, linked when first printed).
// main.js loads this module when a new matter is started; its texts join the page's table here.
import { h } from "../shared/dom.js";
import { t, localized, lang } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { S } from "./state.js";
import { STRINGS } from "./strings.js";
import { needCatalog } from "./catalog.js";
import { localTitle } from "./titles.js";

const TEXTS = {
  fi: { erH: "Aiemmat asiasi", erStarted: "Aloitettu: {at}", erClosed: "Käsitelty: {at}", erBy: "Käsittelijä: {name}, {title}",
    erInstr: "Ohjeet", erPrint: "Tulosta yhteenveto", erSummary: "Yhteenveto asiastasi – Neuvo", erOpen: "Kesken" },
  sv: { erH: "Dina tidigare ärenden", erStarted: "Påbörjat: {at}", erClosed: "Behandlat: {at}", erBy: "Behandlat av: {name}, {title}",
    erInstr: "Anvisningar", erPrint: "Skriv ut sammanfattning", erSummary: "Sammanfattning av ditt ärende – Neuvo", erOpen: "Pågår" },
  en: { erH: "Your earlier matters", erStarted: "Started: {at}", erClosed: "Handled: {at}", erBy: "Handled by: {name}, {title}",
    erInstr: "Instructions", erPrint: "Print a summary", erSummary: "Summary of your matter – Neuvo", erOpen: "Not finished" },
};
for (const [l, table] of Object.entries(TEXTS)) Object.assign(STRINGS[l], table);

let matters = [];
const when = (at) => new Intl.DateTimeFormat(lang + "-FI", { day: "numeric", month: "numeric", year: "numeric", hour: "2-digit",
  minute: "2-digit", timeZone: "Europe/Helsinki" }).format(new Date(at));
// Its texts follow a language switch (main.js's own handler runs first).
for (const b of document.querySelectorAll(".lang")) b.addEventListener("click", () => render());

function findService(nodes, id) {
  for (const n of nodes) {
    if (n.id === id) return n;
    const found = findService(n.children || [], id);
    if (found) return found;
  }
  return null;
}

function item(m, i) {
  const svc = findService(S.catalog?.services || [], m.serviceId);
  const hid = "er-h-" + i;
  return h("li", { class: "earlier-item" },
    h("p", { class: "earlier-print-only", hidden: true, text: t("erSummary") }),
    h("h3", { id: hid, text: svc ? localized(svc.title) : t("erOpen") }),
    h("p", { class: "hint", text: t("erStarted", { at: when(m.createdAt) }) }),
    m.closedAt ? h("p", { class: "hint", text: t("erClosed", { at: when(m.closedAt) }) }) : h("p", { class: "hint", text: t("erOpen") }),
    m.handledBy ? h("p", { text: t("erBy", { name: m.handledBy.displayName, title: localTitle(m.handledBy.title) }) }) : null,
    m.instructions ? [h("h4", { text: t("erInstr") }), h("p", { class: "earlier-instructions", text: m.instructions })] : null,
    m.closedAt ? h("div", { class: "actions tight" },
      h("button", { type: "button", class: "secondary earlier-print", "aria-describedby": hid, text: t("erPrint"), onclick: (e) => print(e.target.closest("li")) })) : null);
}

function print(li) {
  if (!document.getElementById("print-css")) {
    document.head.append(h("link", { id: "print-css", rel: "stylesheet", media: "print", href: "/resident/print.css" }));
  }
  for (const x of document.querySelectorAll(".earlier-item.printing")) x.classList.remove("printing");
  li.classList.add("printing");
  const css = document.getElementById("print-css");
  if (css.sheet) window.print();
  else css.addEventListener("load", () => window.print(), { once: true });
}

function render() {
  document.getElementById("earlier")?.remove();
  if (!matters.length || S.step !== "subject") return;
  document.getElementById("subject-form").after(h("section", { id: "earlier", class: "earlier", "aria-labelledby": "h-earlier" },
    h("h2", { id: "h-earlier", text: t("erH") }),
    h("ul", { class: "services" }, matters.map(item))));
}

// Called on each new matter and on each language switch while the first step shows.
export async function showEarlier(fetchAgain = true) {
  if (fetchAgain) {
    const r = await request("GET", "/api/v1/conversations");
    matters = r.ok ? (r.data.conversations || []).filter((m) => m.id !== S.conv?.id) : [];
    if (matters.length && !S.catalog) await needCatalog();
  }
  render();
}
