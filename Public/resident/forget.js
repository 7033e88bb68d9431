// "Forget this device", for a shared computer: after a confirmation (a native <dialog>), the resident's session
// ends on the server (POST /api/v1/session/end drops the cookie, and the old one opens nothing), and what this
// page keeps for the resident on this device goes too: the open matter's id, unsent texts and "feedback given"
// (localStorage), photos waiting to be sent (IndexedDB), and what the page drew of the matters. Only the language
// choice stays. The matters stay with the professionals. "Start a new matter" then loads the page afresh.
// main.js loads this module when the control is first used; its texts join the page's table here.
import { $, h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { S, KEY_CONV, KEY_OUTBOX, KEY_FEEDBACK, terminal, clearDrafts } from "./state.js";
import { STRINGS } from "./strings.js";
import { go } from "./render.js";
import { setConversation } from "./conversation/poll.js";
import { updateTitle } from "./conversation/attention.js";

const TEXTS = {
  fi: { fgH: "Unohdetaanko tämä laite?",
    fgText: "Aiemmat asiasi ja saamasi ohjeet eivät sen jälkeen näy tällä laitteella. Ammattilaisilla ne säilyvät.",
    fgOpen: "Asiasi on vielä kesken. Et näe tällä laitteella vastauksia, jotka siihen vielä tulevat.",
    fgYes: "Unohda laite", fgNo: "Peruuta", fgFail: "Laitetta ei voitu unohtaa. Tarkista yhteys ja yritä uudelleen.",
    fgDone: "Tämä laite on unohdettu.",
    fgDoneText: "Asiasi ja ohjeet eivät enää näy tällä laitteella. Ammattilaisilla ne säilyvät." },
  sv: { fgH: "Glömma den här enheten?",
    fgText: "Dina tidigare ärenden och anvisningarna du fått visas sedan inte längre på den här enheten. Yrkespersonerna har dem kvar.",
    fgOpen: "Ditt ärende pågår ännu. Svar som kommer till det ser du inte på den här enheten.",
    fgYes: "Glöm enheten", fgNo: "Avbryt", fgFail: "Enheten kunde inte glömmas. Kontrollera anslutningen och försök igen.",
    fgDone: "Den här enheten har glömts.",
    fgDoneText: "Dina ärenden och anvisningar visas inte längre på den här enheten. Yrkespersonerna har dem kvar." },
  en: { fgH: "Forget this device?",
    fgText: "Your earlier matters and the instructions you were given will then no longer show on this device. The professionals keep them.",
    fgOpen: "Your matter is still open. Replies that still come to it will not show on this device.",
    fgYes: "Forget the device", fgNo: "Cancel", fgFail: "The device could not be forgotten. Check the connection and try again.",
    fgDone: "This device has been forgotten.",
    fgDoneText: "Your matters and instructions no longer show on this device. The professionals keep them." },
};
for (const [l, table] of Object.entries(TEXTS)) Object.assign(STRINGS[l], table);

// The page's style-src allows no inline styles; a constructed sheet is not inline.
const CSS = `.fg-dialog { max-width: min(32rem, calc(100% - 2rem)); border: 0; border-radius: .75rem; padding: .25rem 1.25rem .75rem; color: var(--ink); }
.fg-dialog::backdrop { background: rgb(10 20 30 / .55); }
.fg-dialog h2 { margin-top: .75rem; }
.fg-open { font-weight: 600; border-left: .3rem solid #8a6d00; background: #fffaf0; padding: .35rem .75rem; }`;

const RESIDENT_KEY = (k) => k === KEY_CONV || k === KEY_OUTBOX || k.startsWith(KEY_FEEDBACK);
let dialog = null;

// Texts by data-t, as the page's static ones: main.js's language switch words them again.
function word(root) { for (const n of root.querySelectorAll("[data-t]")) n.textContent = t(n.dataset.t); }

function build() {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch { /* the browser's own dialog look */ }
  dialog = h("dialog", { id: "fg-dialog", class: "fg-dialog", "aria-labelledby": "fg-h" },
    h("h2", { id: "fg-h", "data-t": "fgH" }),
    h("p", { id: "fg-text", "data-t": "fgText" }),
    h("p", { id: "fg-open", class: "fg-open", "data-t": "fgOpen", hidden: true }),
    h("p", { id: "err-forget", class: "error", role: "alert", hidden: true }),
    h("div", { class: "actions" },
      h("button", { type: "button", id: "fg-yes", class: "danger", "data-t": "fgYes", onclick: confirm }),
      h("button", { type: "button", id: "fg-no", class: "secondary", "data-t": "fgNo", autofocus: true, onclick: () => dialog.close() })));
  dialog.addEventListener("close", () => { if (!$("step-forgotten")) $("forget").focus(); });
  document.body.append(dialog);
}

// A matter still waiting or being handled: this page's own, or one the server lists for this session.
async function openMatter() {
  const live = (s) => s && s !== "open" && !terminal(s);
  if (live(S.conv?.status)) return true;
  const r = await request("GET", "/api/v1/conversations");
  return r.ok && (r.data.conversations || []).some((m) => live(m.status));
}

let asking = false;
export async function forget() {
  if (!dialog) build();
  if (dialog.open || asking) return;
  asking = true;
  const open = await openMatter().finally(() => { asking = false; });
  word(dialog);
  $("fg-open").hidden = !open;
  dialog.setAttribute("aria-describedby", open ? "fg-text fg-open" : "fg-text");
  $("err-forget").hidden = true;
  dialog.showModal();
  $("fg-no").focus();
}

async function confirm() {
  const yes = $("fg-yes"), err = $("err-forget");
  yes.disabled = true;
  err.hidden = true;
  const r = await request("POST", "/api/v1/session/end", {});
  yes.disabled = false;
  // 404: there was no session left to end; what this device keeps still goes.
  if (!r.ok && r.status !== 404) {
    err.textContent = t("fgFail");
    err.hidden = false;
    return;
  }
  wipe();
  dialog.close(); // first: closing gives focus back to where it was, and the confirmation takes it
  showDone();
}

function wipe() {
  setConversation(null); // the poll stops, the kept conversation id goes
  S.outbox = []; S.failed = []; S.uploads = []; S.session = null;
  clearDrafts();
  for (const name of ["localStorage", "sessionStorage"]) {
    try {
      const kept = window[name];
      for (const k of Object.keys(kept)) if (RESIDENT_KEY(k)) kept.removeItem(k);
    } catch { /* nothing kept there */ }
  }
  try { indexedDB.deleteDatabase("neuvo-uploads"); } catch { /* no IndexedDB */ }
  // What the page drew of the matters goes too (the page is loaded afresh for a new matter).
  $("earlier")?.remove();
  $("messages").replaceChildren();
  $("conv-instructions-text").textContent = "";
  for (const id of ["chat-text", "feedback-comment"]) $(id).value = "";
  $("ident-status").hidden = true;
  $("ident-status").textContent = "";
  updateTitle();
}

function showDone() {
  const control = $("forget").parentElement;
  const done = h("section", { id: "step-forgotten", class: "step", "aria-labelledby": "h-forgotten" },
    h("h1", { id: "h-forgotten", tabindex: "-1", "data-t": "fgDone" }),
    h("p", { "data-t": "fgDoneText" }),
    h("div", { class: "actions" },
      h("button", { type: "button", id: "fg-new", class: "primary", "data-t": "newMatter", onclick: () => location.replace("/") })));
  word(done);
  control.before(done);
  control.hidden = true;
  go("forgotten");
}
