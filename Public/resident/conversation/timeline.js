// The conversation's timeline: messages, photos and "passed on" lines in event order, then what is
// still being sent (or could not be).
import { $, h } from "../../shared/dom.js";
import { t } from "../../shared/i18n.js";
import { timeOrDate } from "../../shared/time.js";
import { S } from "../state.js";
import { views } from "../render.js";
import { who, transferText } from "../words.js";

function renderMessages() {
  // Messages and photos in event order; one known only from its POST answer (no seq yet) goes last.
  const confirmed = [...S.messages.values(), ...S.photos.values(), ...S.notes.values()]
    .sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity) || String(a.at).localeCompare(String(b.at)));
  const items = confirmed.concat(S.outbox.concat(S.failed).filter((p) => p.conv === S.conv?.id && !confirmed.some((m) => m.clientId === p.clientId)));
  const box = $("messages-box");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  $("messages").replaceChildren(...items.map((m) => {
    if (m.mediaType) return photoItem(m);
    if (m.transfer) {
      return h("li", { class: "event", "data-event": "transferred" },
        h("p", { class: "meta" }, h("span", { class: "when", text: timeOrDate(m.at) })),
        h("p", { class: "text", text: transferText(m.transfer) }));
    }
    const mine = m.author ? m.author === "resident" : true;
    const name = mine ? t("you") : who(m.professional) || t("someone");
    const state = m.error ? t("msgFailed", { e: m.error }) : m.seq ? timeOrDate(m.at) : m.waiting ? t("msgWaiting") : t("msgSending");
    return h("li", { class: "msg " + (mine ? "mine" : "theirs") + (m.seq ? "" : " pending") + (m.waiting && !m.seq ? " waiting" : "") + (m.error ? " failed" : ""), "data-client-id": m.clientId, "data-id": m.id },
      h("p", { class: "meta" }, h("span", { class: "who", text: name }), " ", h("span", { class: "when", text: state })),
      h("p", { class: "text", text: m.text }));
  }));
  $("no-messages").hidden = items.length > 0;
  if (atBottom || S.justSent) box.scrollTop = box.scrollHeight;
  S.justSent = false;
}

// One element per photo, kept across renders, so the image is not fetched again.
function photoItem(p) {
  const mine = p.author === "resident";
  let li = S.photoNodes.get(p.id);
  if (!li) {
    const url = `/api/v1/conversations/${encodeURIComponent(S.conv.id)}/photos/${encodeURIComponent(p.id)}`;
    li = h("li", { class: "msg photo " + (mine ? "mine" : "theirs"), "data-photo-id": p.id },
      h("p", { class: "meta" }, h("span", { class: "who" }), " ", h("span", { class: "when" })),
      h("a", { class: "photo-link", href: url, target: "_blank", rel: "noopener" },
        h("img", { src: url, alt: "", ...fitBox(p.width, p.height) }),
        h("span", { class: "sr-only opens" })));
    S.photoNodes.set(p.id, li);
  }
  li.querySelector(".who").textContent = mine ? t("you") : who(p.professional) || t("someone");
  li.querySelector(".when").textContent = timeOrDate(p.at);
  li.querySelector("img").alt = t(mine ? "photoAltMine" : "photoAltTheirs");
  li.querySelector(".opens").textContent = " " + t("opensNew");
  return li;
}
// The shown size (the photo's own, scaled down to fit 240×300): reserves the space before the image loads.
function fitBox(width, height) {
  if (!(width > 0 && height > 0)) return {};
  const scale = Math.min(1, 240 / width, 300 / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export function startTimeline() { views.messages = renderMessages; }
