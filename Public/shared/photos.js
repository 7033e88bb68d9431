// The server's rule for a photo, checked first on the page so a wrong file is explained at once
// (the server checks again by the bytes, and strips location and other metadata).

export const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"];
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
export const PHOTO_MAX_COUNT = 10; // per conversation

// "type", "size", or "" when the file may be sent.
export function photoProblem(file) {
  if (!PHOTO_TYPES.includes(file.type)) return "type";
  if (file.size > PHOTO_MAX_BYTES) return "size";
  return "";
}
