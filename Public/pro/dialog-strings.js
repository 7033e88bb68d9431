// The case dialogs' extra words (the current queue, who is on shift, the note for the receiver, what the
// close dialog adds to the summary, Kanta's service event) in Finnish, Swedish and English, loaded with dialog-more.js, which adds them to the page's table.

export const DIALOG_STRINGS = {
  fi: {
    dmCurrent: "(nykyinen jono)", dmOnShift: "vuorossa: {queues}", dmOffShift: "ei vuorossa",
    dmNote: "Viesti vastaanottajalle (sisäinen)",
    dmNoteHint: "Tallentuu asian sisäiseksi muistiinpanoksi. Asiakas ei näe tätä.",
    dmAddNote: "Lisää konsultin viimeisin muistiinpano", dmAddMessages: "Lisää viimeiset viestit",
    dmConsultNote: "Konsultin muistiinpano", dmAdded: "Lisätty yhteenvetoon.",
    dmServiceEvent: "Palvelutapahtuman tunniste (Kanta, valinnainen)",
    dmServiceEventHint: "Potilastietojärjestelmän palvelutapahtuman OID, esim. 1.2.246.10.12345678.20.2026.1. Yhteenveto kirjataan siihen.",
    dmServiceEventInvalid: "Tunniste ei kelpaa. Anna palvelutapahtuman OID, esim. 1.2.246.10.12345678.20.2026.1.",
  },
  sv: {
    dmCurrent: "(nuvarande kö)", dmOnShift: "i tjänst: {queues}", dmOffShift: "inte i tjänst",
    dmNote: "Meddelande till mottagaren (internt)",
    dmNoteHint: "Sparas som en intern anteckning i ärendet. Klienten ser den inte.",
    dmAddNote: "Lägg till konsultens senaste anteckning", dmAddMessages: "Lägg till de senaste meddelandena",
    dmConsultNote: "Konsultens anteckning", dmAdded: "Tillagt i sammanfattningen.",
    dmServiceEvent: "Servicehändelsens identifierare (Kanta, valfri)",
    dmServiceEventHint: "Servicehändelsens OID i patientdatasystemet, t.ex. 1.2.246.10.12345678.20.2026.1. Sammanfattningen registreras i den.",
    dmServiceEventInvalid: "Identifieraren duger inte. Ange servicehändelsens OID, t.ex. 1.2.246.10.12345678.20.2026.1.",
  },
  en: {
    dmCurrent: "(current queue)", dmOnShift: "on shift: {queues}", dmOffShift: "not on shift",
    dmNote: "Message to the receiver (internal)",
    dmNoteHint: "Saved as an internal note on the case. The client does not see it.",
    dmAddNote: "Add the consultant's latest note", dmAddMessages: "Add the latest messages",
    dmConsultNote: "Consultant's note", dmAdded: "Added to the summary.",
    dmServiceEvent: "Service event identifier (Kanta, optional)",
    dmServiceEventHint: "The service event's OID in the patient record system, e.g. 1.2.246.10.12345678.20.2026.1. The summary is filed under it.",
    dmServiceEventInvalid: "This identifier will not do. Give the service event's OID, e.g. 1.2.246.10.12345678.20.2026.1.",
  },
};
