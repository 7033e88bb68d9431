// The offer to be notified of a reply: shown once the matter waits or is being handled (the moment the
// resident may leave the page), never asked for on load. The browser asks only when the resident
// presses the button; what they chose is then said in its place. main.js loads this module the first time such
// a matter shows; its texts join the page's table here.
import { $ } from "../../shared/dom.js";
import { t } from "../../shared/i18n.js";
import { S, terminal } from "../state.js";
import { STRINGS } from "../strings.js";
import { views } from "../render.js";
import { notificationsSupported } from "./attention.js";

const TEXTS = {
  fi: {
    notifyWhy: "Saat ilmoituksen myös silloin, kun tämä välilehti on taustalla. Selain kysyy lupaa.",
    notifyOn: "Saat ilmoituksen, kun ammattilainen ottaa asiasi tai vastaa ja tämä välilehti on taustalla.",
    notifyBlocked: "Ilmoitukset on estetty selaimen asetuksissa. Tämän välilehden otsikko näyttää silti uudet viestit."
  },
  sv: {
    notifyWhy: "Du får ett meddelande också när den här fliken är i bakgrunden. Webbläsaren ber om lov.",
    notifyOn: "Du får ett meddelande när en yrkesperson tar ditt ärende eller svarar och den här fliken är i bakgrunden.",
    notifyBlocked: "Meddelanden är blockerade i webbläsarens inställningar. Flikens rubrik visar ändå nya meddelanden."
  },
  en: {
    notifyWhy: "You are notified also when this tab is in the background. Your browser asks for permission.",
    notifyOn: "You will be notified when a professional takes up your matter or replies while this tab is in the background.",
    notifyBlocked: "Notifications are blocked in your browser settings. This tab's title still shows new messages."
  }
};

let askedHere = false;

function renderOffer() {
  const c = S.conv;
  const show = !!c && notificationsSupported() && (c.status === "queued" || c.status === "active") && !terminal(c.status);
  $("notify-offer").hidden = !show;
  if (!show) return;
  const permission = Notification.permission;
  $("notify-ask").hidden = permission !== "default";
  const key = permission === "granted" ? "notifyOn" : permission === "denied" && askedHere ? "notifyBlocked" : "notifyWhy";
  $("notify-state").textContent = t(key);
}

async function ask() {
  askedHere = true;
  try { await Notification.requestPermission(); } catch { /* an old browser's callback form: nothing to wait for */ }
  renderOffer();
  $("notify-state").focus();
}

export function startNotifyOffer() {
  for (const [l, table] of Object.entries(TEXTS)) Object.assign(STRINGS[l], table);
  views.notify = renderOffer;
  $("notify-ask").addEventListener("click", ask);
  renderOffer();
}
