// Photos in the open case: one at full size in a dialog (scrollable, or fitted to the window), and
// attaching one to the conversation.
import { $, h, announce } from "../shared/dom.js";
import { t, lang } from "../shared/i18n.js";
import { request, serverNow } from "../shared/api.js";
import { newClientId } from "../shared/ids.js";
import { sleep, clockText } from "../shared/time.js";
import { photoProblem } from "../shared/photos.js";
import { state, currentHandledCase } from "./state.js";
import { views } from "./render.js";
import { errorText, photoUrl, dimensions, photoAlt } from "./words.js";
import { showAlert } from "./signal.js";
import { openDialog, returnFocusTo } from "./modal.js";
import { reloadCase, mergePhoto } from "./cases.js";

function bytesText(n) {
  if (typeof n !== "number") return "";
  const locale = lang === "en" ? "en-GB" : lang === "sv" ? "sv-FI" : "fi-FI";
  const [k, m] = lang === "fi" ? ["kt", "Mt"] : ["kB", "MB"];
  if (n < 1024 * 1024) return `${Math.max(1, Math.round(n / 1024)).toLocaleString(locale)} ${k}`;
  return `${(n / (1024 * 1024)).toLocaleString(locale, { maximumFractionDigits: 1 })} ${m}`;
}

function setPhotoFit(fit) {
  $("photo-frame").classList.toggle("fit", fit);
  $("photo-fit").setAttribute("aria-pressed", String(fit));
}

function openPhoto(caseId, photoId, opener) {
  const c = state.cases.get(caseId);
  const p = c && c.photos.get(photoId);
  if (!p) return;
  returnFocusTo(opener || document.activeElement);
  // A new image each time (an <img> without a source is not valid HTML).
  const img = h("img", { id: "photo-full", class: "photo-full" });
  img.addEventListener("error", () => {
    if (img !== $("photo-full") || !$("photo-dialog").open) return;
    img.hidden = true;
    const err = $("photo-load-error");
    err.textContent = t("photoLoadError");
    err.hidden = false;
  });
  $("photo-frame").replaceChildren(img);
  $("photo-load-error").hidden = true;
  img.alt = photoAlt(p);
  // The real size, so the layout (and the scroll to the middle) is right before it loads.
  img.width = p.width;
  img.height = p.height;
  img.src = photoUrl(caseId, p.id);
  $("photo-title").textContent = t(p.author === "professional" ? "photoTitlePro" : "photoTitleResident")
    + (p.at ? ` ${clockText(p.at)}` : "");
  $("photo-info").textContent = [dimensions(p), bytesText(p.size)].filter(Boolean).join(" · ");
  setPhotoFit(false);
  openDialog($("photo-dialog"));
  const frame = $("photo-frame");
  frame.scrollLeft = Math.max(0, (frame.scrollWidth - frame.clientWidth) / 2);
  frame.scrollTop = Math.max(0, (frame.scrollHeight - frame.clientHeight) / 2);
  frame.focus();
}

function showPhotoError(text) {
  const err = $("photo-error");
  err.textContent = text;
  err.hidden = !text;
}

function photoErrorText(r) {
  if (!r.status) return t("networkError");
  if (r.status === 413 || r.code === "photo_too_large") return t("photoTooLarge");
  if (r.status === 415 || r.code === "unsupported_photo" || r.code === "csrf") return t("photoUnsupported");
  if (r.code === "too_many_photos") return t("photoTooMany");
  if (r.code === "conversation_closed") return t("photoCaseClosed");
  if (r.status === 404) return t("caseGone");
  return errorText(r);
}

// Sends the file as it is (the server strips its metadata). Retries reuse the
// X-Client-Id, so a photo that did arrive is not added twice.
async function attachPhoto(file) {
  const c = currentHandledCase();
  if (!c) return;
  showPhotoError("");
  const rule = photoProblem(file);
  const problem = rule === "type" ? t("photoUnsupported")
    : file.size === 0 ? t("photoEmpty")
    : rule === "size" ? t("photoTooLarge") : null;
  if (problem) { showPhotoError(t("photoNotSent", { reason: problem })); return; }
  const generation = state.generation;
  const pending = { kind: "photo", pending: true, clientId: newClientId(), author: "professional", at: new Date(serverNow()).toISOString() };
  c.pendingPhotos.set(pending.clientId, pending);
  if (state.current === c.id) views.messages(c);
  let r = null;
  for (let attempt = 0; attempt < 4; attempt++) {
    r = await request("POST", `/api/v1/pro/cases/${encodeURIComponent(c.id)}/photos`, null,
                      { raw: file, type: file.type, headers: { "X-Client-Id": pending.clientId } });
    if (generation !== state.generation) return;
    if (r.status && r.status < 500 && r.status !== 408 && r.status !== 429) break;
    pending.retrying = true;
    if (state.current === c.id) views.messages(c);
    await sleep(1000 * (attempt + 1));
  }
  c.pendingPhotos.delete(pending.clientId);
  if (r.ok) {
    mergePhoto(c, Object.assign({ clientId: pending.clientId, mine: true }, r.data), false);
    if (state.current === c.id) views.messages(c);
    announce(t("photoAdded"));
    return;
  }
  if (state.current === c.id) views.messages(c);
  if (r.status === 401) return;
  if (state.current === c.id) showPhotoError(t("photoNotSent", { reason: photoErrorText(r) }));
  else showAlert(t("photoNotSent", { reason: photoErrorText(r) }));
  if (r.status === 404 || r.status === 409) reloadCase(c.id);
}

export function startPhotos() {
  views.openPhoto = openPhoto;
  $("photo-fit").addEventListener("click", () => setPhotoFit(!$("photo-frame").classList.contains("fit")));
  $("photo-dialog").addEventListener("close", () => { $("photo-frame").replaceChildren(); });
  $("photo-button").addEventListener("click", () => $("photo-input").click());
  $("photo-input").addEventListener("change", (e) => {
    const file = e.target.files && e.target.files[0];
    e.target.value = ""; // the same file can be chosen again
    if (file) attachPhoto(file);
  });
}
