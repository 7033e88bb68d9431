// The page toolkit both pages share: find and build elements, show and hide them, speak to screen readers.

export const $ = (id) => document.getElementById(id);

// An element from a tag, attributes and children. Attributes: `text` (its text), `class`, `dataset`,
// `on…` (a listener); any other is set as is, `true` as an empty attribute. A null, undefined or false
// attribute or child is left out, and arrays of children are spread, so optional parts read inline.
export function h(tag, attrs, ...kids) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat()) if (kid != null && kid !== false) node.append(kid);
  return node;
}

export function show(node, visible) { node.hidden = !visible; }

// The live region #announcer is cleared and filled a moment later, so that a repeated text is read
// again. The pages differ in one point, set once by `tuneAnnouncer`: the resident's page joins texts
// said in quick succession (a new status and the place in the queue both matter), the workspace says
// only the latest, and nothing at all while `quiet()` (its lock) holds.
const speech = { join: true, delay: 80, quiet: () => false, pending: "", timer: 0 };
export function tuneAnnouncer(options) { Object.assign(speech, options); }
export function announce(text) {
  if (speech.quiet()) return;
  if (speech.join) {
    if (!text || speech.pending.includes(text)) return;
    speech.pending = speech.pending ? speech.pending + " " + text : text;
  } else {
    speech.pending = text;
  }
  const node = $("announcer");
  node.textContent = "";
  clearTimeout(speech.timer);
  speech.timer = setTimeout(() => { node.textContent = speech.pending; speech.pending = ""; }, speech.delay);
}
// Forgets what was about to be said and empties the region.
export function hush() {
  clearTimeout(speech.timer);
  speech.pending = "";
  $("announcer").textContent = "";
}
