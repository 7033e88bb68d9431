// The offer to be notified of a reply: shown once the matter waits or is being handled (the moment the
// resident may leave the page), never asked for on load. The browser asks only when the resident
// presses the button; what they chose is then said in its place.
import { $ } from "../../shared/dom.js";
import { t } from "../../shared/i18n.js";
import { S, terminal } from "../state.js";
import { views } from "../render.js";
import { notificationsSupported } from "./attention.js";

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
  views.notify = renderOffer;
  $("notify-ask").addEventListener("click", ask);
}
