// Identification: the session's state, and demo mode's clearly marked test identification.
import { $, announce } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { S } from "./state.js";
import { views } from "./render.js";
import { showError, showServerError, markInvalid } from "./errors.js";

export function renderIdentity() {
  const s = S.session, id = s?.identity;
  $("ident-status").hidden = !id;
  $("ident-status").textContent = id ? t(id.method === "demo" ? "identifiedDemo" : "identified", { name: id.name || id.code }) : "";
  // Offered only when the server says so (demo mode), and only until identified.
  $("demo-ident").hidden = !(s?.demoIdentification && !id);
  views.identity();
}
async function loadSession() {
  const r = await request("GET", "/api/v1/session");
  if (!r.ok) return; // no identification shown
  S.session = r.data;
  renderIdentity();
}
async function demoIdentify(e) {
  e.preventDefault();
  const input = $("demo-code"), button = $("demo-submit"), code = input.value.trim();
  showError("err-demo", "");
  markInvalid(input, "err-demo", false);
  if (!code) { showError("err-demo", "eRequired"); markInvalid(input, "err-demo", true); input.focus(); return; }
  if (button.disabled) return;
  button.disabled = true;
  const r = await request("POST", "/api/v1/identification/demo", { personalIdentityCode: code });
  if (r.ok) {
    S.session = { ...(S.session || {}), identified: true, identity: r.data.identity };
    input.value = "";
    renderIdentity();
    $("ident-status").focus();
    announce($("ident-status").textContent);
  } else {
    const key = { invalid_personalIdentityCode: "eDemoCode", identity_mismatch: "eDemoOther" }[r.code];
    if (key) showError("err-demo", key); else showServerError("err-demo", r);
    markInvalid(input, "err-demo", true);
    input.focus();
  }
  button.disabled = false;
}

export function startIdentification() {
  $("demo-form").addEventListener("submit", demoIdentify);
  loadSession();
}
