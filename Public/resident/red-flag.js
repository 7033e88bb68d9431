// The answers hit a red flag: the matter was not queued, and the page says whom to call now.
import { $ } from "../shared/dom.js";
import { t, localized } from "../shared/i18n.js";
import { S } from "./state.js";
import { views } from "./render.js";

function renderRedFlag() {
  const rf = S.conv?.redFlag;
  if (!rf) return;
  const is112 = rf.action === "call112";
  $("h-redflag").textContent = t(is112 ? "rf112" : "rf116");
  $("redflag-message").textContent = localized(rf.message);
  const call = $("redflag-call");
  call.href = is112 ? "tel:112" : "tel:116117";
  call.textContent = t(is112 ? "call112" : "call116");
}

export function startRedFlag() { views.redflag = renderRedFlag; }
