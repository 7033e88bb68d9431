// One way to call Neuvo's API, with one error contract.
//
// `request` never throws: every call ends in a result
//   { ok, status, data, code, message, field }
// where `status` 0 means the server was not reached (no network, or the call was aborted) and `code`,
// `message` and `field` are the server's `{"error": {...}}`, when it sent one. `requestData` is the
// same call for code that reads better with exceptions: it resolves to `data`, or throws the failed
// result as an Error with those same fields.

let clockOffset = 0; // the server's clock minus ours, ms, from the Date header
let signedOut = null;

// The server's time now: waiting times count from its timestamps, not from a wrong local clock.
export function serverNow() { return Date.now() + clockOffset; }

// Called when the server says the professional's session has ended (401 not_signed_in).
export function whenSignedOut(handler) { signedOut = handler; }

// `body` is sent as JSON on anything but GET; `raw` (a Blob, a photo) is sent as it is, with `type`.
// State-changing calls carry the CSRF header the server requires.
export async function request(method, path, body, { signal, raw = null, type = null, headers = null } = {}) {
  const init = { method, credentials: "same-origin", cache: "no-store", signal, headers: { ...headers } };
  if (method !== "GET") {
    init.headers["X-Requested-With"] = "neuvo";
    init.headers["Content-Type"] = raw ? type : "application/json";
    init.body = raw || JSON.stringify(body ?? {});
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    return { ok: false, status: 0, data: null, code: undefined, message: "network", field: undefined };
  }
  const date = Date.parse(response.headers.get("date") || "");
  if (!Number.isNaN(date)) {
    const offset = date - Date.now();
    // The Date header has whole seconds: a smaller difference is its rounding, not a wrong clock.
    clockOffset = Math.abs(offset) > 2000 ? offset : 0;
  }
  let data = null;
  const text = await response.text().catch(() => "");
  if (text) { try { data = JSON.parse(text); } catch { data = null; } }
  const error = data?.error || null;
  if (response.status === 401 && error?.code === "not_signed_in" && !path.endsWith("/login")) signedOut?.();
  return { ok: response.ok, status: response.status, data, code: error?.code, message: error?.message, field: error?.field };
}

export async function requestData(method, path, body, options) {
  const result = await request(method, path, body, options);
  if (result.ok) return result.data;
  throw failure(result);
}

// A failed result as an Error (message: the server's, else the status), to throw.
export function failure(result) {
  const { message, ...rest } = result;
  return Object.assign(new Error(message || "HTTP " + result.status), rest);
}
