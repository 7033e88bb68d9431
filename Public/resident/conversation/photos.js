// Photos the resident sends into the conversation: checked here first (type, size, count), then sent
// one at a time; the server checks again and strips location and other metadata.
import { $, announce } from "../../shared/dom.js";
import { t } from "../../shared/i18n.js";
import { request, failure } from "../../shared/api.js";
import { newClientId } from "../../shared/ids.js";
import { sleepUntilOnline } from "../../shared/time.js";
import { PHOTO_MAX_COUNT, photoProblem } from "../../shared/photos.js";
import { S, addPhoto } from "../state.js";
import { views } from "../render.js";
import { showError, showServerError, PHOTO_PROBLEM_KEYS } from "../errors.js";
import { keepUpload, forgetUpload, keptUploads, UPLOAD_KEEP_MS } from "./uploads.js";

export function choosePhotos(e) {
  const files = [...e.target.files];
  e.target.value = "";
  queuePhotos(files);
}

export function queuePhotos(files) {
  if (!S.conv) return;
  showError("err-photo", "");
  for (const file of files) {
    const key = PHOTO_PROBLEM_KEYS[photoProblem(file)];
    if (key) { showError("err-photo", key, { name: file.name }); continue; }
    if (S.photos.size + S.uploads.filter((u) => u.conv === S.conv.id).length >= PHOTO_MAX_COUNT) {
      showError("err-photo", "ePhotoCount", { max: PHOTO_MAX_COUNT });
      break;
    }
    const item = { conv: S.conv.id, file, clientId: newClientId() };
    S.uploads.push(item);
    keepUpload(item);
  }
  renderUploads();
  pumpUploads();
}

// Puts back in line what an earlier page (or an earlier try) of this conversation left unsent, and
// forgets what belongs to no open matter (`conv` null: there is none) or has waited too long.
export async function resumeUploads(conv) {
  const kept = await keptUploads();
  if (!kept) return;
  const stale = kept.filter((k) => k.conv !== conv || !(Date.now() - (k.at || 0) < UPLOAD_KEEP_MS));
  for (const k of stale) forgetUpload(k);
  const mine = kept.filter((k) => !stale.includes(k) && k.file && !S.uploads.some((u) => u.clientId === k.clientId));
  if (!mine.length || S.conv?.id !== conv) return;
  for (const k of mine) S.uploads.push({ conv, file: k.file, clientId: k.clientId });
  renderUploads();
  pumpUploads();
}

export function renderUploads() {
  const n = S.uploads.filter((u) => u.conv === S.conv?.id).length;
  $("photo-status").textContent = n > 1 ? t("photosSending", { n }) : n ? t("photoSending") : "";
}

const PHOTO_ERRORS = { photo_too_large: "ePhotoSize", unsupported_photo: "ePhotoType", too_many_photos: "ePhotoCount", conversation_closed: "ePhotoEnded" };
async function pumpUploads() {
  if (S.uploading) return;
  S.uploading = true;
  try {
    while (S.uploads.length) {
      const item = S.uploads[0];
      renderUploads();
      try {
        const photo = await uploadPhoto(item);
        forgetUpload(item);
        if (S.conv?.id === item.conv) {
          addPhoto(photo);
          S.justSent = true;
          views.messages();
          announce(t("photoSent"));
        }
      } catch (err) {
        // Refused for good: forgotten. Not reached (offline for a minute): kept for the next try.
        if (err.status) forgetUpload(item);
        if (S.conv?.id === item.conv) {
          const key = PHOTO_ERRORS[err.code];
          if (key) showError("err-photo", key, { name: item.file.name, max: PHOTO_MAX_COUNT });
          else showServerError("err-photo", err);
        }
        // A full or ended conversation takes no more photos: the rest of its queue is dropped.
        if (err.code === "too_many_photos" || err.code === "conversation_closed") {
          for (const u of S.uploads) if (u !== item && u.conv === item.conv) forgetUpload(u);
          S.uploads = S.uploads.filter((u) => u === item || u.conv !== item.conv);
        }
      }
      S.uploads.shift();
    }
  } finally {
    S.uploading = false;
    renderUploads();
  }
}
// The body is the file itself. A network failure or a 5xx is retried with the same X-Client-Id, which
// the server answers with the photo already stored (200) if the first try did arrive.
async function uploadPhoto(item) {
  const started = Date.now();
  for (let delay = 1000; ; delay = Math.min(delay * 2, 5000)) {
    const r = await request("POST", `/api/v1/conversations/${encodeURIComponent(item.conv)}/photos`, null,
      { raw: item.file, type: item.file.type, headers: { "X-Client-Id": item.clientId } });
    if (r.ok) return r.data;
    if (r.status && r.status < 500 && r.status !== 429) throw failure(r);
    // Not reached for a minute: given up for now, as not reached (kept for the next try).
    if (Date.now() - started > 60000) throw failure({ ok: false, status: 0, message: "network" });
    await sleepUntilOnline(delay);
  }
}
