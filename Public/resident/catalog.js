// The service catalog, fetched once when the resident starts (or resumes) a matter, and tried again
// until the server has one.
import { t } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { sleep } from "../shared/time.js";
import { S } from "./state.js";
import { views } from "./render.js";
import { notice } from "./errors.js";

async function loadCatalog() {
  for (let delay = 1000; ; delay = Math.min(delay * 2, 10000)) {
    const r = await request("GET", "/api/v1/catalog");
    if (r.ok) {
      S.catalog = r.data;
      notice("");
      if (S.step === "conversation") views.status();
      return;
    }
    notice(r.code === "no_catalog" ? t("noCatalog") : t("offline"));
    await sleep(delay);
  }
}
let catalogReady = null;
export const needCatalog = () => (catalogReady ||= loadCatalog());
