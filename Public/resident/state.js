// The resident page's state: one object that the page's modules read and change, and what is kept in
// localStorage. Only the conversation id, unsent texts, the language and "feedback given" are kept.

export const KEY_LANG = "neuvo.lang", KEY_CONV = "neuvo.conversation", KEY_OUTBOX = "neuvo.outbox", KEY_FEEDBACK = "neuvo.feedback.";
export const STEPS = ["subject", "service", "questions", "conversation"];

export const S = {
  catalog: null, step: "loading", path: [], service: null, answers: {},
  subject: null, conv: null, cursor: 0, messages: new Map(), outbox: [], failed: [], gen: 0, live: false,
  // The poll loop running (its generation), and whether the timeline should scroll to what was just sent.
  polling: null, justSent: false,
  // Photos: chosen in the pre-questions (by question id), being uploaded, and in the conversation (by photo id).
  drafts: {}, uploads: [], uploading: false, photos: new Map(), photoNodes: new Map(),
  // Lines of the timeline that are no one's message (the matter passed on), by event seq.
  notes: new Map(),
  // Message clientIds sent from this page: their echo in the stream is not announced.
  sentHere: new Set(),
  // GET /api/v1/session: identification state and whether the demo's test identification is offered.
  session: null
};

export const terminal = (status) => status === "closed" || status === "withdrawn";

// A photo of the conversation, from the stream (with its seq) or from its upload's answer.
export function addPhoto(d, seq) {
  const old = S.photos.get(d.id);
  S.photos.set(d.id, { id: d.id, author: d.author, mediaType: d.mediaType, width: d.width, height: d.height, size: d.size, at: d.at,
    seq: seq ?? old?.seq, professional: old ? old.professional : d.author === "resident" ? null : S.conv?.professional });
}

// The photos chosen for the pre-questions are let go (their object URLs too).
export function clearDrafts() {
  for (const list of Object.values(S.drafts)) for (const d of list) URL.revokeObjectURL(d.url);
  S.drafts = {};
}
