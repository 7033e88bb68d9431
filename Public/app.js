"use strict";
// Shows whether the service answers; the resident's journey builds on this page.
(async () => {
  const status = document.getElementById("status");
  try {
    const response = await fetch("/healthz", { cache: "no-store" });
    status.textContent = response.ok ? "Palvelu on käytettävissä." : "Palvelussa on häiriö. Yritä hetken kuluttua uudelleen.";
  } catch {
    status.textContent = "Yhteys palveluun katkesi. Tarkista verkkoyhteys.";
  }
})();
