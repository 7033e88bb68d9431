"use strict";
// Neuvo – the professional's workspace (/pro/).
//
// Plain DOM, no framework. Text from the server is only ever put in with
// textContent. One long poll (GET /api/v1/pro/events) drives everything live:
// queue changes re-fetch the queue, messages, photos and notes are merged into
// the open cases (deduplicated by id and clientId). Admins also get the
// "users and queues" view (#admin).
(() => {

// ---------------------------------------------------------------- strings

const STRINGS = {
  fi: {
    appSubtitle: "ammattilaisen työtila", language: "Kieli", skipToCase: "Siirry käsiteltävään asiaan",
    signOut: "Kirjaudu ulos", signInTitle: "Kirjaudu työtilaan",
    lockTitle: "Työtila on lukittu",
    lockIntro: "Työtila lukittiin, koska sitä ei käytetty 30 minuuttiin. Jonoa seurataan edelleen, ja uudesta asiasta tulee merkki. Avaa työtila salasanallasi.",
    lockQueue: "Jonossa odottaa {n} asiaa.", unlock: "Avaa työtila",
    signInIntro: "Sosiaali- ja terveydenhuollon ammattilaisille.", username: "Käyttäjätunnus", password: "Salasana",
    signIn: "Kirjaudu", signingIn: "Kirjaudutaan…", invalidCredentials: "Käyttäjätunnus tai salasana on väärin.",
    throttled: "Liian monta epäonnistunutta kirjautumista. Odota 15 minuuttia tai ota yhteys pääkäyttäjään.",
    missingCredentials: "Anna käyttäjätunnus ja salasana.", signedOut: "Olet kirjautunut ulos.",
    sessionEnded: "Istunto on päättynyt. Kirjaudu uudelleen.",
    onShiftIn: "Vuorossa jonoissa", soundToggle: "Äänimerkki, kun tyhjään jonoon tulee asia",
    queueTitle: "Jono", pickNext: "Ota seuraava", queueEmpty: "Jonossa ei ole odottavia asioita.",
    myCases: "Omat asiat", myCasesEmpty: "Ei käsittelyssä olevia asioita.",
    shortcutsTitle: "Pikanäppäimet", scPick: "Ota seuraava asia jonosta",
    scSend: "Lähetä viesti / tallenna muistiinpano", scClose: "Päätä asia (avaa päättämisikkunan)",
    scTransfer: "Siirrä asia", scConsult: "Konsultoi kollegaa", scMessage: "Siirry viestikenttään",
    scNote: "Siirry sisäiseen muistiinpanoon", scQueue: "Siirry jonoon", scSwitch: "Vaihda omien asioiden välillä",
    scEsc: "Sulje avoin ikkuna", scDialogSubmit: "Ikkunassa: vahvista (päätä, siirrä, konsultoi)",
    noCaseTitle: "Ei avointa asiaa", noCaseHelp: "Ota asia jonosta painikkeella ”Ota seuraava” tai pikanäppäimellä Alt+N.",
    transfer: "Siirrä", consult: "Konsultoi", closeCase: "Päätä asia",
    answersTitle: "Esitiedot", routingReason: "Ohjauksen syy", chatTitle: "Keskustelu", chatEmpty: "Ei vielä viestejä.",
    cannedReplies: "Valmiit vastaukset", messageLabel: "Viesti asiakkaalle", messageHint: "Ctrl+Enter lähettää",
    send: "Lähetä", consultantHint: "Olet konsultoitavana: voit lukea asian ja kirjoittaa sisäisiä muistiinpanoja.",
    notesTitle: "Sisäinen muistiinpano – asiakas ei näe", notesEmpty: "Ei muistiinpanoja.",
    noteLabel: "Uusi sisäinen muistiinpano", addNote: "Tallenna muistiinpano",
    closeTitle: "Päätä asia", outcome: "Lopputulos", outcomeAdviceGiven: "Neuvonta annettu",
    outcomeAppointmentArranged: "Aika varattu", outcomeReferred: "Ohjattu muualle", outcomeNoCareNeed: "Ei hoidon tarvetta",
    instructions: "Ohjeet asiakkaalle", instructionsHint: "Asiakas näkee nämä ohjeet.",
    summary: "Yhteenveto potilaskertomukseen", summaryHint: "Esitäytetty esitiedoista – muokkaa tarvittaessa. Asiakas ei näe tätä.",
    cancel: "Peruuta", closeConfirm: "Päätä asia", chooseOutcome: "Valitse lopputulos.",
    instructionsRequired: "Kirjoita ohjeet asiakkaalle.", summaryRequired: "Kirjoita yhteenveto.",
    transferTitle: "Siirrä asia", transferToQueue: "Takaisin jonoon", transferToColleague: "Suoraan kollegalle",
    transferConfirm: "Siirrä", chooseTarget: "Valitse jono tai kollega.", noColleagues: "Ei muita ammattilaisia.",
    consultTitle: "Konsultoi kollegaa", consultHelp: "Kollega voi lukea asian ja kirjoittaa sisäisiä muistiinpanoja.",
    colleague: "Kollega", consultConfirm: "Pyydä konsultaatio", chooseColleague: "Valitse kollega.",
    urgent: "Kiireellinen", soon: "Puolikiireellinen", normal: "Kiireetön",
    identityProxy: "Tunnistettu: {name} {code}", identityDemo: "Demon testitunnistus (ei varmennettu): {name} {code}",
    identified: "Tunnistettu", anonymous: "Tunnistamaton", offeredToMe: "Tarjottu sinulle ensin (aiempi asiakkaasi)",
    queueMore: "Näytetään {shown} ensimmäistä, jonossa yhteensä {total}.",
    earlierRedFlags: "Samalla käynnillä saman henkilön esitiedot pysähtyivät hälytysmerkkiin. Asiakkaalle näytettiin:",
    subjectSelf: "Oma asia", subjectChild: "Lapsen asia", subjectOtherAdult: "Toisen aikuisen asia",
    childLabel: "Lapsi", otherAdultLabel: "Toisen puolesta", selfLabel: "Asiakas itse",
    years: "v", months: "kk", waiting: "Odottanut", queuedAt: "Jonoon", pick: "Ota",
    pickCase: "Ota käsittelyyn: {what}", client: "Asiakas", you: "Sinä", sending: "Lähetetään…",
    sendFailed: "Lähetys ei onnistunut – yritetään uudelleen…", notSent: "Ei lähetetty: {reason}",
    caseTaken: "Toinen ammattilainen ehti ottaa tämän asian. Jono päivitettiin.",
    queueEmptyPick: "Jonossa ei ole odottavia asioita.", picked: "Otit asian: {what}",
    newCase: "Uusi asia jonossa: {what}", newCaseTitle: "Uusi asia!",
    newMessageIn: "Uusi viesti asiakkaalta: {what}", newMessageTitle: "Uusi viesti",
    noteAdded: "Sisäinen muistiinpano tallennettu.", closed: "Asia päätetty: {what}",
    transferred: "Asia siirretty: {what}", consulted: "Konsultaatiopyyntö lähetetty: {who}",
    caseClosedStatus: "Päätetty", caseGone: "Asia ei ole enää käsittelyssäsi.",
    connectionLost: "Yhteys katkesi – yritetään uudelleen…", connectionBack: "Yhteys palautui.",
    genericError: "Toiminto ei onnistunut ({code}). Yritä uudelleen.", networkError: "Verkkoyhteys ei toimi. Yritä uudelleen.",
    shiftOn: "Olet nyt vuorossa jonossa {queue}.", shiftOff: "Et ole enää vuorossa jonossa {queue}.",
    consultantBadge: "Konsultaatio", unread: "uusia viestejä",
    caseReceived: "Sinulle siirrettiin asia: {what}", consultReceived: "Sinua pyydettiin konsultoimaan: {what}",
    caseReceivedTitle: "Uusi asia sinulle",
    titleSuffix: "Neuvo", unknownService: "Palvelu ei tiedossa",
    professional: "Ammattilainen", attachPhoto: "Liitä kuva", photoHint: "Kuva: JPEG, PNG tai WebP, enintään 10 Mt.",
    photoAltResident: "Asiakkaan lähettämä kuva, {size}", photoAltPro: "Ammattilaisen lähettämä kuva, {size}",
    openFullSize: "avaa täysikokoisena", photoTitleResident: "Asiakkaan kuva", photoTitlePro: "Ammattilaisen kuva",
    photoFit: "Sovita ikkunaan", close: "Sulje", photoLoadError: "Kuvaa ei voitu näyttää.",
    photoSending: "Lähetetään kuvaa…", photoAdded: "Kuva liitetty keskusteluun.", newPhotoIn: "Uusi kuva asiakkaalta: {what}",
    photoTooLarge: "Kuva on liian suuri. Suurin sallittu koko on 10 Mt.",
    photoUnsupported: "Tiedosto ei ole kelvollinen JPEG-, PNG- tai WebP-kuva.",
    photoTooMany: "Asiaan voi liittää enintään 10 kuvaa.", photoCaseClosed: "Asia on päättynyt, joten kuvaa ei voi liittää.",
    photoNotSent: "Kuvaa ei liitetty. {reason}", photoEmpty: "Tiedosto on tyhjä.",
    navLabel: "Näkymä", navWorkspace: "Työtila", navAdmin: "Käyttäjät ja jonot",
    adminTitle: "Käyttäjät ja jonot",
    adminIntro: "Valitse, missä jonoissa kukin ammattilainen työskentelee, ja tallenna rivi kerrallaan. Jonosta poistaminen päättää myös vuoron siinä jonossa.",
    adminCaption: "Ammattilaiset ja heidän jononsa", adminProfessional: "Ammattilainen", adminSaveColumn: "Tallennus",
    adminSave: "Tallenna", adminSaving: "Tallennetaan…", adminSaved: "Tallennettu", adminUnsaved: "Tallentamatta",
    adminSavedAnnounce: "{who}: jonot tallennettu.", adminOnShift: "vuorossa", adminRoleAdmin: "pääkäyttäjä",
    adminDisabled: "ei käytössä", adminOnly: "Vain pääkäyttäjä voi muuttaa jonoja.",
    adminInvalidQueues: "Jotakin valittua jonoa ei ole palveluvalikoimassa. Lataa lista uudelleen.",
    adminUserGone: "Käyttäjää ei löytynyt.", adminLoadFailed: "Käyttäjälistaa ei voitu ladata.", adminLoading: "Ladataan…",
    adminNoQueues: "Palveluvalikoimassa ei ole jonoja.",
  },
  sv: {
    appSubtitle: "arbetsvy för yrkespersoner", language: "Språk", skipToCase: "Gå till ärendet",
    signOut: "Logga ut", signInTitle: "Logga in i arbetsvyn",
    lockTitle: "Arbetsvyn är låst",
    lockIntro: "Arbetsvyn låstes eftersom den inte använts på 30 minuter. Kön följs fortfarande, och ett nytt ärende signaleras. Öppna arbetsvyn med ditt lösenord.",
    lockQueue: "{n} ärenden väntar i kön.", unlock: "Öppna arbetsvyn",
    signInIntro: "För yrkespersoner inom social- och hälsovården.", username: "Användarnamn", password: "Lösenord",
    signIn: "Logga in", signingIn: "Loggar in…", invalidCredentials: "Användarnamnet eller lösenordet är fel.",
    throttled: "För många misslyckade inloggningar. Vänta 15 minuter eller kontakta administratören.",
    missingCredentials: "Ange användarnamn och lösenord.", signedOut: "Du har loggat ut.",
    sessionEnded: "Sessionen har gått ut. Logga in igen.",
    onShiftIn: "I tjänst i köerna", soundToggle: "Ljudsignal när ett ärende kommer till en tom kö",
    queueTitle: "Kö", pickNext: "Ta nästa", queueEmpty: "Inga ärenden väntar i kön.",
    myCases: "Mina ärenden", myCasesEmpty: "Inga ärenden under behandling.",
    shortcutsTitle: "Kortkommandon", scPick: "Ta nästa ärende från kön",
    scSend: "Skicka meddelande / spara anteckning", scClose: "Avsluta ärendet (öppnar avslutningsfönstret)",
    scTransfer: "Överför ärendet", scConsult: "Konsultera en kollega", scMessage: "Gå till meddelandefältet",
    scNote: "Gå till intern anteckning", scQueue: "Gå till kön", scSwitch: "Växla mellan mina ärenden",
    scEsc: "Stäng öppet fönster", scDialogSubmit: "I ett fönster: bekräfta (avsluta, överför, konsultera)",
    noCaseTitle: "Inget öppet ärende", noCaseHelp: "Ta ett ärende från kön med knappen ”Ta nästa” eller kortkommandot Alt+N.",
    transfer: "Överför", consult: "Konsultera", closeCase: "Avsluta ärendet",
    answersTitle: "Förhandsuppgifter", routingReason: "Orsak till dirigering", chatTitle: "Samtal", chatEmpty: "Inga meddelanden än.",
    cannedReplies: "Färdiga svar", messageLabel: "Meddelande till klienten", messageHint: "Ctrl+Enter skickar",
    send: "Skicka", consultantHint: "Du konsulteras: du kan läsa ärendet och skriva interna anteckningar.",
    notesTitle: "Intern anteckning – klienten ser inte", notesEmpty: "Inga anteckningar.",
    noteLabel: "Ny intern anteckning", addNote: "Spara anteckning",
    closeTitle: "Avsluta ärendet", outcome: "Resultat", outcomeAdviceGiven: "Rådgivning given",
    outcomeAppointmentArranged: "Tid bokad", outcomeReferred: "Hänvisad vidare", outcomeNoCareNeed: "Inget vårdbehov",
    instructions: "Anvisningar till klienten", instructionsHint: "Klienten ser dessa anvisningar.",
    summary: "Sammanfattning till journalen", summaryHint: "Förifylld från förhandsuppgifterna – redigera vid behov. Klienten ser inte detta.",
    cancel: "Avbryt", closeConfirm: "Avsluta ärendet", chooseOutcome: "Välj resultat.",
    instructionsRequired: "Skriv anvisningar till klienten.", summaryRequired: "Skriv en sammanfattning.",
    transferTitle: "Överför ärendet", transferToQueue: "Tillbaka till kö", transferToColleague: "Direkt till en kollega",
    transferConfirm: "Överför", chooseTarget: "Välj kö eller kollega.", noColleagues: "Inga andra yrkespersoner.",
    consultTitle: "Konsultera en kollega", consultHelp: "Kollegan kan läsa ärendet och skriva interna anteckningar.",
    colleague: "Kollega", consultConfirm: "Begär konsultation", chooseColleague: "Välj en kollega.",
    urgent: "Brådskande", soon: "Snart", normal: "Icke brådskande",
    identityProxy: "Identifierad: {name} {code}", identityDemo: "Demons testidentifiering (ej verifierad): {name} {code}",
    identified: "Identifierad", anonymous: "Oidentifierad", offeredToMe: "Erbjuds dig först (din tidigare klient)",
    queueMore: "De första {shown} visas, totalt {total} i kön.",
    earlierRedFlags: "Under samma besök stoppades samma persons förhandsuppgifter av ett varningstecken. Klienten fick se:",
    subjectSelf: "Eget ärende", subjectChild: "Barnets ärende", subjectOtherAdult: "Annan vuxens ärende",
    childLabel: "Barn", otherAdultLabel: "För annans räkning", selfLabel: "Klienten själv",
    years: "år", months: "mån", waiting: "Väntat", queuedAt: "I kö", pick: "Ta",
    pickCase: "Ta för behandling: {what}", client: "Klient", you: "Du", sending: "Skickas…",
    sendFailed: "Det gick inte att skicka – försöker igen…", notSent: "Inte skickat: {reason}",
    caseTaken: "En annan yrkesperson hann ta ärendet. Kön uppdaterades.",
    queueEmptyPick: "Inga ärenden väntar i kön.", picked: "Du tog ärendet: {what}",
    newCase: "Nytt ärende i kön: {what}", newCaseTitle: "Nytt ärende!",
    newMessageIn: "Nytt meddelande från klienten: {what}", newMessageTitle: "Nytt meddelande",
    noteAdded: "Intern anteckning sparad.", closed: "Ärendet avslutat: {what}",
    transferred: "Ärendet överfört: {what}", consulted: "Konsultationsbegäran skickad: {who}",
    caseClosedStatus: "Avslutat", caseGone: "Ärendet är inte längre under din behandling.",
    connectionLost: "Förbindelsen bröts – försöker igen…", connectionBack: "Förbindelsen är tillbaka.",
    genericError: "Åtgärden misslyckades ({code}). Försök igen.", networkError: "Nätverket fungerar inte. Försök igen.",
    shiftOn: "Du är nu i tjänst i kön {queue}.", shiftOff: "Du är inte längre i tjänst i kön {queue}.",
    consultantBadge: "Konsultation", unread: "nya meddelanden",
    caseReceived: "Ett ärende överfördes till dig: {what}", consultReceived: "Du ombads konsultera: {what}",
    caseReceivedTitle: "Nytt ärende till dig",
    titleSuffix: "Neuvo", unknownService: "Okänd tjänst",
    professional: "Yrkesperson", attachPhoto: "Bifoga bild", photoHint: "Bild: JPEG, PNG eller WebP, högst 10 MB.",
    photoAltResident: "Bild från klienten, {size}", photoAltPro: "Bild från yrkespersonen, {size}",
    openFullSize: "öppna i full storlek", photoTitleResident: "Klientens bild", photoTitlePro: "Yrkespersonens bild",
    photoFit: "Anpassa till fönstret", close: "Stäng", photoLoadError: "Bilden kunde inte visas.",
    photoSending: "Bilden skickas…", photoAdded: "Bilden har bifogats till samtalet.", newPhotoIn: "Ny bild från klienten: {what}",
    photoTooLarge: "Bilden är för stor. Den största tillåtna storleken är 10 MB.",
    photoUnsupported: "Filen är inte en giltig JPEG-, PNG- eller WebP-bild.",
    photoTooMany: "Högst 10 bilder kan bifogas till ett ärende.", photoCaseClosed: "Ärendet har avslutats, så bilder kan inte bifogas.",
    photoNotSent: "Bilden bifogades inte. {reason}", photoEmpty: "Filen är tom.",
    navLabel: "Vy", navWorkspace: "Arbetsvy", navAdmin: "Användare och köer",
    adminTitle: "Användare och köer",
    adminIntro: "Välj i vilka köer varje yrkesperson arbetar och spara en rad i taget. Att ta bort en kö avslutar också tjänstgöringen i den kön.",
    adminCaption: "Yrkespersoner och deras köer", adminProfessional: "Yrkesperson", adminSaveColumn: "Spara",
    adminSave: "Spara", adminSaving: "Sparar…", adminSaved: "Sparat", adminUnsaved: "Inte sparat",
    adminSavedAnnounce: "{who}: köerna sparade.", adminOnShift: "i tjänst", adminRoleAdmin: "administratör",
    adminDisabled: "inaktiverad", adminOnly: "Endast en administratör kan ändra köer.",
    adminInvalidQueues: "Någon vald kö finns inte i tjänsteutbudet. Ladda listan på nytt.",
    adminUserGone: "Användaren hittades inte.", adminLoadFailed: "Användarlistan kunde inte laddas.", adminLoading: "Laddar…",
    adminNoQueues: "Tjänsteutbudet har inga köer.",
  },
  en: {
    appSubtitle: "professional workspace", language: "Language", skipToCase: "Skip to the case",
    signOut: "Sign out", signInTitle: "Sign in to the workspace",
    lockTitle: "The workspace is locked",
    lockIntro: "The workspace was locked after 30 minutes without use. The queue is still followed, and a new case is signalled. Open the workspace with your password.",
    lockQueue: "{n} cases waiting in the queue.", unlock: "Open the workspace",
    signInIntro: "For social and health care professionals.", username: "Username", password: "Password",
    signIn: "Sign in", signingIn: "Signing in…", invalidCredentials: "The username or password is wrong.",
    throttled: "Too many failed sign-ins. Wait 15 minutes or ask an administrator.",
    missingCredentials: "Enter your username and password.", signedOut: "You have signed out.",
    sessionEnded: "Your session has ended. Please sign in again.",
    onShiftIn: "On shift in queues", soundToggle: "Sound when a case arrives in an empty queue",
    queueTitle: "Queue", pickNext: "Pick next", queueEmpty: "No cases are waiting.",
    myCases: "My cases", myCasesEmpty: "No cases in progress.",
    shortcutsTitle: "Keyboard shortcuts", scPick: "Pick the next case from the queue",
    scSend: "Send message / save note", scClose: "Close the case (opens the closing dialog)",
    scTransfer: "Transfer the case", scConsult: "Consult a colleague", scMessage: "Go to the message box",
    scNote: "Go to the internal note", scQueue: "Go to the queue", scSwitch: "Switch between my cases",
    scEsc: "Close an open dialog", scDialogSubmit: "In a dialog: confirm (close, transfer, consult)",
    noCaseTitle: "No case open", noCaseHelp: "Pick a case from the queue with “Pick next” or the shortcut Alt+N.",
    transfer: "Transfer", consult: "Consult", closeCase: "Close case",
    answersTitle: "Pre-question answers", routingReason: "Routing reason", chatTitle: "Conversation", chatEmpty: "No messages yet.",
    cannedReplies: "Ready replies", messageLabel: "Message to the client", messageHint: "Ctrl+Enter sends",
    send: "Send", consultantHint: "You are consulted: you can read the case and write internal notes.",
    notesTitle: "Internal note – the client does not see", notesEmpty: "No notes.",
    noteLabel: "New internal note", addNote: "Save note",
    closeTitle: "Close the case", outcome: "Outcome", outcomeAdviceGiven: "Advice given",
    outcomeAppointmentArranged: "Appointment arranged", outcomeReferred: "Referred elsewhere", outcomeNoCareNeed: "No care need",
    instructions: "Instructions for the client", instructionsHint: "The client sees these instructions.",
    summary: "Summary for the patient record", summaryHint: "Prefilled from the pre-questions – edit as needed. The client does not see this.",
    cancel: "Cancel", closeConfirm: "Close case", chooseOutcome: "Choose an outcome.",
    instructionsRequired: "Write instructions for the client.", summaryRequired: "Write a summary.",
    transferTitle: "Transfer the case", transferToQueue: "Back to a queue", transferToColleague: "Straight to a colleague",
    transferConfirm: "Transfer", chooseTarget: "Choose a queue or a colleague.", noColleagues: "No other professionals.",
    consultTitle: "Consult a colleague", consultHelp: "The colleague can read the case and write internal notes.",
    colleague: "Colleague", consultConfirm: "Ask for consultation", chooseColleague: "Choose a colleague.",
    urgent: "Urgent", soon: "Soon", normal: "Non-urgent",
    identityProxy: "Identified: {name} {code}", identityDemo: "Demo test identification (not verified): {name} {code}",
    identified: "Identified", anonymous: "Anonymous", offeredToMe: "Offered to you first (your earlier client)",
    queueMore: "Showing the first {shown} of {total} in the queue.",
    earlierRedFlags: "In this visit, the same person's answers stopped at a red flag. The resident was shown:",
    subjectSelf: "Own matter", subjectChild: "A child's matter", subjectOtherAdult: "Another adult's matter",
    childLabel: "Child", otherAdultLabel: "On behalf of", selfLabel: "The client themselves",
    years: "y", months: "mo", waiting: "Waited", queuedAt: "Queued", pick: "Pick",
    pickCase: "Pick: {what}", client: "Client", you: "You", sending: "Sending…",
    sendFailed: "Sending failed – retrying…", notSent: "Not sent: {reason}",
    caseTaken: "Another professional picked this case first. The queue was refreshed.",
    queueEmptyPick: "No cases are waiting.", picked: "You picked: {what}",
    newCase: "New case in the queue: {what}", newCaseTitle: "New case!",
    newMessageIn: "New message from the client: {what}", newMessageTitle: "New message",
    noteAdded: "Internal note saved.", closed: "Case closed: {what}",
    transferred: "Case transferred: {what}", consulted: "Consultation requested: {who}",
    caseClosedStatus: "Closed", caseGone: "The case is no longer yours to handle.",
    connectionLost: "Connection lost – retrying…", connectionBack: "Connection restored.",
    genericError: "That did not work ({code}). Please try again.", networkError: "The network is not working. Please try again.",
    shiftOn: "You are now on shift in {queue}.", shiftOff: "You are no longer on shift in {queue}.",
    consultantBadge: "Consultation", unread: "new messages",
    caseReceived: "A case was passed to you: {what}", consultReceived: "You were asked to consult: {what}",
    caseReceivedTitle: "A case for you",
    titleSuffix: "Neuvo", unknownService: "Unknown service",
    professional: "Professional", attachPhoto: "Attach photo", photoHint: "Photo: JPEG, PNG or WebP, at most 10 MB.",
    photoAltResident: "Photo from the client, {size}", photoAltPro: "Photo from the professional, {size}",
    openFullSize: "open at full size", photoTitleResident: "Client's photo", photoTitlePro: "Professional's photo",
    photoFit: "Fit to window", close: "Close", photoLoadError: "The photo could not be shown.",
    photoSending: "Sending photo…", photoAdded: "Photo attached to the conversation.", newPhotoIn: "New photo from the client: {what}",
    photoTooLarge: "The photo is too large. The limit is 10 MB.",
    photoUnsupported: "The file is not a valid JPEG, PNG or WebP image.",
    photoTooMany: "A case can hold at most 10 photos.", photoCaseClosed: "The case has ended, so photos cannot be attached.",
    photoNotSent: "Photo not attached. {reason}", photoEmpty: "The file is empty.",
    navLabel: "View", navWorkspace: "Workspace", navAdmin: "Users and queues",
    adminTitle: "Users and queues",
    adminIntro: "Choose which queues each professional works in, and save one row at a time. Removing a queue also ends the shift in it.",
    adminCaption: "Professionals and their queues", adminProfessional: "Professional", adminSaveColumn: "Save",
    adminSave: "Save", adminSaving: "Saving…", adminSaved: "Saved", adminUnsaved: "Not saved",
    adminSavedAnnounce: "{who}: queues saved.", adminOnShift: "on shift", adminRoleAdmin: "admin",
    adminDisabled: "disabled", adminOnly: "Only an administrator can change queues.",
    adminInvalidQueues: "A chosen queue is not in the service catalog. Reload the list.",
    adminUserGone: "The user was not found.", adminLoadFailed: "The user list could not be loaded.", adminLoading: "Loading…",
    adminNoQueues: "The service catalog has no queues.",
  },
};
const LANGS = ["fi", "sv", "en"];
const LANG_KEY = "neuvo.pro.lang";
const SOUND_KEY = "neuvo.pro.sound";
const CASES_KEY = "neuvo.pro.cases.";

let lang = (() => {
  try { const l = localStorage.getItem(LANG_KEY); if (LANGS.includes(l)) return l; } catch { /* storage off */ }
  return "fi";
})();

function t(key, vars) {
  let s = (STRINGS[lang] && STRINGS[lang][key]) ?? STRINGS.fi[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replace("{" + k + "}", v);
  return s;
}

// ---------------------------------------------------------------- DOM helpers

const $ = (id) => document.getElementById(id);
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k === "dataset") Object.assign(node.dataset, v);
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

function show(node, visible) { node.hidden = !visible; }

let announceTimer = 0;
function announce(text) {
  // Locked, the page says nothing of the cases, not even to a screen reader; the title still signals.
  if (state.locked) return;
  const node = $("announcer");
  // Clearing first makes screen readers repeat an identical announcement.
  node.textContent = "";
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => { node.textContent = text; }, 60);
}

let alertTimer = 0;
function showAlert(text, kind = "error") {
  const node = $("alert");
  node.textContent = text;
  node.dataset.kind = kind;
  node.hidden = false;
  clearTimeout(alertTimer);
  alertTimer = setTimeout(() => { node.hidden = true; }, 8000);
}
function hideAlert() { $("alert").hidden = true; }

// ---------------------------------------------------------------- API

class NetworkError extends Error {}

let serverOffset = 0; // server clock minus ours, ms (from the Date header)

// `raw` sends a Blob (a photo) as the body with its own content type instead of JSON.
async function api(method, path, body, { signal, raw = null, contentType = null, headers = null } = {}) {
  const init = { method, credentials: "same-origin", cache: "no-store", signal, headers: Object.assign({}, headers) };
  if (method !== "GET") {
    init.headers["X-Requested-With"] = "neuvo";
    init.headers["Content-Type"] = raw ? contentType : "application/json";
    init.body = raw || JSON.stringify(body ?? {});
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    if (e && e.name === "AbortError") throw e;
    throw new NetworkError(String(e));
  }
  const date = Date.parse(response.headers.get("date") || "");
  if (!Number.isNaN(date)) {
    const offset = date - Date.now();
    serverOffset = Math.abs(offset) > 2000 ? offset : 0;
  }
  let data = null;
  const text = await response.text().catch(() => "");
  if (text) { try { data = JSON.parse(text); } catch { data = null; } }
  const error = data && data.error ? data.error : null;
  if (response.status === 401 && error && error.code === "not_signed_in" && !path.endsWith("/login")) {
    onSignedOut(true);
  }
  return { status: response.status, ok: response.ok, data, error };
}

function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function errorText(result) {
  if (!result) return t("networkError");
  return t("genericError", { code: (result.error && result.error.code) || result.status });
}

// ---------------------------------------------------------------- state

const state = {
  me: null,
  catalog: null,
  queue: [],          // waiting cases
  queueLoaded: false,
  cursor: 0,
  generation: 0,      // bumps on sign-in/out so old loops stop
  cases: new Map(),   // conversationId -> case record
  order: [],          // my case ids, in the order taken
  current: null,      // open case id
  colleagues: [],
  pollAbort: null,
  dropped: new Set(), // cases closed or passed on here: late events about them are ignored
  rendered: null,     // the case whose drafts are in the text boxes
  admin: { professionals: [], queues: [], drafts: new Map(), status: new Map(), loaded: false, loading: null },
};

function caseRecord(id) {
  let c = state.cases.get(id);
  if (!c) {
    c = { id, view: null, messages: new Map(), notes: new Map(), pending: new Map(), unread: 0,
          photos: new Map(), pendingPhotos: new Map(), photosKnown: false,
          closed: false, loading: null, stale: false, draft: "", noteDraft: "" };
    state.cases.set(id, c);
    if (!state.order.includes(id)) state.order.push(id);
    saveCaseIds();
  }
  return c;
}

function dropCase(id) {
  state.dropped.add(id);
  state.cases.delete(id);
  state.order = state.order.filter((x) => x !== id);
  saveCaseIds();
  if (state.current === id) {
    state.current = null;
    const next = state.order[0];
    if (next) openCase(next, { focus: false }); else renderCase();
  }
  renderMine();
}

// Only conversation ids are kept (no health data), so a reload finds my cases again.
function saveCaseIds() {
  if (!state.me) return;
  try { localStorage.setItem(CASES_KEY + state.me.id, JSON.stringify(state.order)); } catch { /* ignore */ }
}
function loadCaseIds() {
  try {
    const ids = JSON.parse(localStorage.getItem(CASES_KEY + state.me.id) || "[]");
    return Array.isArray(ids) ? ids.filter((x) => typeof x === "string" && /^[0-9a-f]{16,64}$/i.test(x)) : [];
  } catch { return []; }
}

// ---------------------------------------------------------------- catalog helpers

function localized(obj) {
  if (!obj) return "";
  if (typeof obj === "string") return obj;
  return obj[lang] || obj.fi || obj.en || obj.sv || "";
}
function queueName(id) {
  const q = state.catalog && (state.catalog.queues || []).find((x) => x.id === id);
  return q ? localized(q.name) : id;
}
// (No default for `list`: a leaf's missing `children` must end the search, not restart it.)
function findService(id, list) {
  for (const s of list || []) {
    if (s.id === id) return s;
    const found = findService(id, s.children || []);
    if (found) return found;
  }
  return null;
}
function serviceTitle(id) {
  if (!id) return t("unknownService");
  const s = findService(id, state.catalog && state.catalog.services);
  return s ? localized(s.title) : id;
}
function urgencyLabel(u) { return t(u === "urgent" ? "urgent" : u === "soon" ? "soon" : "normal"); }
function subjectKindLabel(kind) {
  return kind === "child" ? t("subjectChild") : kind === "otherAdult" ? t("subjectOtherAdult") : t("subjectSelf");
}
function ageText(months) {
  if (typeof months !== "number") return "";
  return months < 24 ? `${months} ${t("months")}` : `${Math.floor(months / 12)} ${t("years")}`;
}
// "Lapsi: Aino, 4 v" / "Toisen puolesta: Matti (isä)" / "Asiakas itse"
function subjectText(subject) {
  if (!subject || subject.kind === "self") return t("selfLabel");
  if (subject.kind === "child") {
    const parts = [subject.firstName, ageText(subject.ageMonths)].filter(Boolean);
    return `${t("childLabel")}: ${parts.join(", ")}`;
  }
  if (subject.kind === "otherAdult") {
    return `${t("otherAdultLabel")}: ${subject.name || ""}${subject.relation ? ` (${subject.relation})` : ""}`;
  }
  return t("selfLabel");
}

// ---------------------------------------------------------------- time

function now() { return Date.now() + serverOffset; }
function waitText(since) {
  const ms = Math.max(0, now() - Date.parse(since));
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return `${h} h ${m} min`;
}
function clockText(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleTimeString(lang === "en" ? "en-GB" : lang === "sv" ? "sv-FI" : "fi-FI", { hour: "2-digit", minute: "2-digit" });
}

// ---------------------------------------------------------------- title signal and sound

const title = { blinking: false, timer: 0, phase: false, reason: "" };

// Every waiting case, also those beyond the 500 the server lists.
function waitingCount() { return state.queue.length + (state.queueBeyond || 0); }
function baseTitle() {
  const n = waitingCount();
  return (n > 0 ? `(${n}) ` : "") + t("titleSuffix") + " – " + t("appSubtitle");
}
function updateTitle() {
  if (title.blinking && title.phase) {
    document.title = `(${waitingCount()}) ${title.reason} – ${t("titleSuffix")}`;
  } else {
    document.title = baseTitle();
  }
}
function startBlink(reason) {
  title.reason = reason;
  if (!title.blinking) {
    title.blinking = true;
    title.phase = true;
    title.timer = setInterval(() => { title.phase = !title.phase; updateTitle(); }, 1000);
  }
  updateTitle();
}
function stopBlink() {
  if (!title.blinking) return;
  clearInterval(title.timer);
  title.blinking = false;
  title.phase = false;
  updateTitle();
}
// The signal stays until someone is actually looking at the page.
for (const type of ["keydown", "pointerdown"]) {
  document.addEventListener(type, () => { if (document.visibilityState === "visible") stopBlink(); }, true);
}
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "visible") return;
  const c = state.current && state.cases.get(state.current);
  if (c && c.unread) { c.unread = 0; renderMine(); }
});
window.addEventListener("focus", () => setTimeout(() => { if (document.hasFocus()) stopBlink(); }, 3000));

let audioContext = null;
function soundEnabled() { return $("sound-toggle").checked; }
function ensureAudio() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return null;
  if (!audioContext) audioContext = new Ctx();
  if (audioContext.state === "suspended") audioContext.resume().catch(() => {});
  return audioContext;
}
function beep() {
  if (!soundEnabled()) return;
  try {
    const ctx = ensureAudio();
    if (!ctx) return;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "sine";
    osc.frequency.value = 880;
    const t0 = ctx.currentTime;
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(0.25, t0 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.25);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0);
    osc.stop(t0 + 0.3);
  } catch { /* sound is a nicety */ }
}

// ---------------------------------------------------------------- i18n of the static page

function applyStrings() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("lang-select").value = lang;
  $("view-nav").setAttribute("aria-label", t("navLabel"));
  renderShifts();
  renderQueue();
  renderMine();
  renderCase();
  renderAdmin();
  updateTitle();
}

function setLanguage(next) {
  if (!LANGS.includes(next) || next === lang) return;
  lang = next;
  try { localStorage.setItem(LANG_KEY, lang); } catch { /* ignore */ }
  // The chat and the notes are rebuilt in the new language (quietly, as on a case switch).
  delete $("message-list").dataset.owner;
  delete $("note-list").dataset.owner;
  applyStrings();
  // Question texts, ready replies and the queue's summary lines come from the server in the chosen language.
  if (state.current) reloadCase(state.current);
  if (state.queueLoaded) scheduleQueueRefresh();
}

// ---------------------------------------------------------------- views

function isAdmin() { return !!(state.me && state.me.role === "admin"); }

function showView(name) {
  show($("login-view"), name === "login");
  show($("lock-view"), name === "lock");
  show($("workspace"), name === "workspace");
  // One visible <main> at a time: the case column's own too, not only its parent's.
  show($("case-region"), name === "workspace");
  show($("admin-view"), name === "admin");
  show($("user-box"), name !== "login" && name !== "lock");
  show($("view-nav"), name !== "login" && name !== "lock" && isAdmin());
  $("nav-workspace").setAttribute("aria-current", name === "workspace" ? "page" : "false");
  $("nav-admin").setAttribute("aria-current", name === "admin" ? "page" : "false");
}

// The admin view is #admin, for admins only; anyone else stays in the workspace.
function route({ focus = false } = {}) {
  if (!state.me) return;
  if (state.locked) { showView("lock"); return; }
  if (location.hash === "#admin" && isAdmin()) {
    const wasShown = !$("admin-view").hidden;
    showView("admin");
    loadAdmin();
    if (focus && !wasShown) $("admin-heading").focus();
    return;
  }
  if (location.hash === "#admin") history.replaceState(null, "", location.pathname + location.search);
  const wasShown = !$("workspace").hidden;
  showView("workspace");
  if (focus && !wasShown) {
    if (state.current && !$("message-form").hidden) $("message-input").focus(); else $("pick-next").focus();
  }
}
window.addEventListener("hashchange", () => route({ focus: true }));

function showLogin(message) {
  showView("login");
  const err = $("login-error");
  if (message) { err.textContent = message; err.hidden = false; err.dataset.kind = "info"; } else { err.hidden = true; }
  $("login-password").value = "";
  $("login-username").focus();
}

// ---------------------------------------------------------------- sign-in

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const username = $("login-username").value.trim();
  const password = $("login-password").value;
  const err = $("login-error");
  err.hidden = true;
  delete err.dataset.kind;
  if (!username || !password) {
    err.textContent = t("missingCredentials");
    err.hidden = false;
    (username ? $("login-password") : $("login-username")).focus();
    return;
  }
  const button = $("login-submit");
  button.disabled = true;
  button.textContent = t("signingIn");
  let result = null;
  try {
    result = await api("POST", "/api/v1/pro/login", { username, password });
  } catch { result = null; }
  button.disabled = false;
  button.textContent = t("signIn");
  if (result && result.ok) {
    $("login-password").value = "";
    startWorkspace(result.data);
    return;
  }
  err.textContent = signInError(result);
  err.hidden = false;
  $("login-password").value = "";
  $("login-password").focus();
});

// ---------------------------------------------------------------- idle lock

// After 30 minutes without a key, a click or a touch the page hides every case behind the password.
// Off shift the server ends the session then anyway; on shift it keeps it, because the page still
// follows the queue and signals a new case, so this lock is what guards an unattended screen.
const LOCK_MS = window.__neuvoLockMs || 30 * 60 * 1000;
let lastUse = Date.now();
for (const type of ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"]) {
  document.addEventListener(type, () => { if (!state.locked) lastUse = Date.now(); }, { capture: true, passive: true });
}
setInterval(() => { if (state.me && !state.locked && Date.now() - lastUse >= LOCK_MS) lock(); }, Math.min(15000, LOCK_MS / 3));

function lock() {
  state.locked = true;
  // A modal dialog sits above everything, so it is closed; what was typed in it stays, and it opens again.
  state.lockedDialog = document.querySelector("dialog[open]")?.id || null;
  for (const d of document.querySelectorAll("dialog[open]")) d.close();
  hideAlert();
  clearTimeout(announceTimer);
  $("announcer").textContent = "";
  showView("lock");
  renderLock();
  $("lock-username").value = state.me.username || "";
  $("lock-password").value = "";
  $("lock-error").hidden = true;
  $("lock-heading").focus();
}
function renderLock() { $("lock-queue").textContent = t("lockQueue", { n: waitingCount() }); }

$("lock-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const err = $("lock-error");
  err.hidden = true;
  const password = $("lock-password").value;
  if (!password) { err.textContent = t("missingCredentials"); err.hidden = false; $("lock-password").focus(); return; }
  $("lock-submit").disabled = true;
  let result = null;
  try { result = await api("POST", "/api/v1/pro/login", { username: state.me.username, password }); } catch { result = null; }
  $("lock-submit").disabled = false;
  $("lock-password").value = "";
  if (result && result.ok) {
    state.locked = false;
    lastUse = Date.now();
    route({ focus: true });
    if (state.lockedDialog && currentHandledCase()) openDialog($(state.lockedDialog));
    state.lockedDialog = null;
    return;
  }
  err.textContent = signInError(result);
  err.hidden = false;
  $("lock-password").focus();
});

// Why signing in (or opening the lock) failed, in the page's words.
function signInError(result) {
  return !result ? t("networkError")
    : result.status === 429 ? t("throttled")
    : result.status === 401 || (result.error && result.error.code === "invalid_credentials") ? t("invalidCredentials")
    : errorText(result);
}
$("lock-signout").addEventListener("click", () => $("logout-button").click());

$("logout-button").addEventListener("click", async () => {
  // Nothing more is fetched for this session once the nurse has asked to leave.
  stopFollowing();
  try { await api("POST", "/api/v1/pro/logout", {}); } catch { /* signed out locally anyway */ }
  onSignedOut(false);
  showLogin(t("signedOut"));
});

// Ends the stream and any queue refresh of this session; answers still under way are ignored.
function stopFollowing() {
  state.generation++;
  clearTimeout(queueRefreshTimer);
  if (state.pollAbort) state.pollAbort.abort();
}

function onSignedOut(expired) {
  if (!state.me && !expired) return;
  const wasIn = !!state.me;
  stopFollowing();
  state.me = null;
  state.cases.clear();
  state.order = [];
  state.current = null;
  state.rendered = null;
  state.dropped.clear();
  state.locked = false;
  state.queue = [];
  state.queueBeyond = 0;
  leftQueue.clear();
  state.admin = { professionals: [], queues: [], drafts: new Map(), status: new Map(), loaded: false, loading: null };
  renderAdmin();
  for (const d of document.querySelectorAll("dialog[open]")) d.close();
  stopBlink();
  updateTitle();
  if (expired && wasIn) showLogin(t("sessionEnded"));
  else if (expired) showLogin();
}

async function startWorkspace(me) {
  state.generation++;
  const generation = state.generation;
  state.me = me;
  state.locked = false;
  lastUse = Date.now();
  state.queue = [];
  leftQueue.clear();
  state.queueLoaded = false;
  $("user-name").textContent = `${me.displayName}, ${me.title}`;
  // An administrator who works in no queue starts in the admin view.
  if (isAdmin() && !(me.queues || []).length && !location.hash) history.replaceState(null, "", "#admin");
  route();
  hideAlert();
  if (!state.catalog) {
    try {
      const r = await api("GET", "/api/v1/catalog");
      if (r.ok) state.catalog = r.data;
    } catch { /* names fall back to ids */ }
  }
  renderShifts();
  // The queue snapshot gives the cursor the stream continues from.
  for (let delay = 1000; !state.queueLoaded; delay = Math.min(delay * 2, 15000)) {
    await refreshQueue();
    if (generation !== state.generation) return;
    if (!state.queueLoaded) await sleep(delay);
  }
  state.cursor = state.queueCursor || 0;
  // My cases are the server's list (a case passed to me while the page was
  // closed, or taken in another browser), in the order this browser took them.
  let listed = null;
  try {
    const r = await api("GET", "/api/v1/pro/cases");
    if (r.ok && r.data && Array.isArray(r.data.cases)) listed = r.data.cases.map((x) => x.conversationId);
  } catch { listed = null; }
  if (generation !== state.generation) return;
  const remembered = loadCaseIds();
  const ids = listed === null ? remembered
    : [...remembered.filter((id) => listed.includes(id)), ...listed.reverse().filter((id) => !remembered.includes(id))];
  for (const id of ids) caseRecord(id);
  renderMine();
  if (state.order.length) {
    await Promise.all(state.order.map((id) => reloadCase(id)));
    if (generation !== state.generation) return;
    if (!state.current && state.order.length) openCase(state.order[0], { focus: false });
  }
  renderCase();
  loadColleagues();
  pollLoop(generation);
  if (!$("admin-view").hidden) $("admin-heading").focus(); else $("pick-next").focus();
}

// ---------------------------------------------------------------- administration

async function loadAdmin() {
  const a = state.admin;
  if (a.loading) return a.loading;
  const generation = state.generation;
  show($("admin-loading"), !a.loaded);
  a.loading = (async () => {
    let r = null;
    try { r = await api("GET", "/api/v1/pro/admin/professionals"); } catch { r = null; }
    if (generation !== state.generation) return;
    a.loading = null;
    $("admin-loading").hidden = true;
    const msg = $("admin-message");
    if (!r || !r.ok || !r.data) {
      if (r && r.status === 401) return;
      msg.textContent = r && r.status === 403 ? t("adminOnly") : `${t("adminLoadFailed")} ${errorText(r)}`;
      msg.hidden = false;
      return;
    }
    msg.hidden = true;
    a.professionals = r.data.professionals || [];
    a.queues = r.data.queues || [];
    // Rows with unsaved ticks keep them; the others show what was saved.
    for (const p of a.professionals) {
      if (!adminDirty(p.username)) a.drafts.set(p.username, new Set(p.queues || []));
    }
    a.loaded = true;
    renderAdmin();
  })();
  return a.loading;
}

function adminProfessional(username) {
  return state.admin.professionals.find((p) => p.username === username) || null;
}
function adminDirty(username) {
  const p = adminProfessional(username);
  const draft = state.admin.drafts.get(username);
  if (!p || !draft) return false;
  const saved = new Set(p.queues || []);
  return saved.size !== draft.size || [...draft].some((q) => !saved.has(q));
}
function adminStatus(username) {
  // Kept as string keys, so a language switch changes them too.
  const s = state.admin.status.get(username);
  if (s) return { kind: s.kind, text: s.key ? t(s.key) : s.text };
  return adminDirty(username) ? { kind: "unsaved", text: t("adminUnsaved") } : null;
}

// A table: a row per professional, a column per queue, a checkbox in each cell.
function renderAdmin() {
  const a = state.admin;
  const head = $("admin-head");
  const body = $("admin-rows");
  const focused = document.activeElement && body.contains(document.activeElement) ? document.activeElement.id : null;
  show($("admin-table-wrap"), a.loaded);
  if (!a.loaded) { head.replaceChildren(); body.replaceChildren(); return; }
  head.replaceChildren(el("tr", {},
    el("th", { scope: "col", class: "admin-who" }, t("adminProfessional")),
    ...a.queues.map((q) => el("th", { scope: "col", class: "admin-queue", id: `aqh-${q.id}` }, localized(q.name))),
    el("th", { scope: "col", class: "admin-save" }, t("adminSaveColumn"))));
  body.replaceChildren(...a.professionals.map((p) => {
    const draft = a.drafts.get(p.username) || new Set(p.queues || []);
    const onShift = new Set(p.onShift || []);
    const who = el("th", { scope: "row", class: "admin-who" },
      el("span", { class: "admin-name" }, p.displayName),
      el("span", { class: "admin-sub" }, [p.title, p.username].filter(Boolean).join(" · ")),
      p.role === "admin" || p.disabled ? el("span", { class: "admin-tags" },
        p.role === "admin" ? el("span", { class: "tag queue" }, t("adminRoleAdmin")) : null,
        p.disabled ? el("span", { class: "tag" }, t("adminDisabled")) : null) : null);
    const cells = a.queues.map((q) => {
      const id = `aq-${p.username}-${q.id}`;
      const box = el("input", { type: "checkbox", id, dataset: { user: p.username, queue: q.id } });
      box.checked = draft.has(q.id);
      box.addEventListener("change", () => {
        const d = a.drafts.get(p.username) || new Set(p.queues || []);
        if (box.checked) d.add(q.id); else d.delete(q.id);
        a.drafts.set(p.username, d);
        a.status.delete(p.username);
        updateAdminStatus(p.username);
      });
      return el("td", { class: "admin-cell" },
        el("span", { class: "admin-check" }, box,
          el("label", { for: id, class: "visually-hidden" }, `${p.displayName}: ${localized(q.name)}`),
          onShift.has(q.id) ? el("span", { class: "tag ok shift-tag" }, t("adminOnShift")) : null));
    });
    const save = el("button", { type: "button", class: "button small", id: `as-${p.username}`, dataset: { save: p.username } },
      t("adminSave"), el("span", { class: "visually-hidden" }, `: ${p.displayName}`));
    save.addEventListener("click", () => saveAdminRow(p.username));
    const status = el("span", { class: "admin-status", id: `ast-${p.username}` });
    return el("tr", { dataset: { user: p.username } }, who, ...cells,
      el("td", { class: "admin-save" }, el("span", { class: "admin-save-box" }, save, status)));
  }));
  for (const p of a.professionals) updateAdminStatus(p.username);
  if (!a.queues.length) {
    const msg = $("admin-message");
    msg.textContent = t("adminNoQueues");
    msg.hidden = false;
  }
  if (focused && $(focused)) $(focused).focus();
}

function updateAdminStatus(username) {
  const node = $(`ast-${username}`);
  if (!node) return;
  const s = adminStatus(username);
  node.textContent = s ? s.text : "";
  node.dataset.kind = s ? s.kind : "";
  // The row with changes to save stands out.
  const button = $(`as-${username}`);
  if (button) button.classList.toggle("primary", adminDirty(username));
}

async function saveAdminRow(username) {
  const a = state.admin;
  const p = adminProfessional(username);
  if (!p) return;
  const draft = a.drafts.get(username) || new Set(p.queues || []);
  // In the catalog's order, so the answer reads the same as the table.
  const queues = a.queues.map((q) => q.id).filter((id) => draft.has(id));
  const button = $(`as-${username}`);
  if (button) button.setAttribute("aria-busy", "true");
  a.status.set(username, { kind: "busy", key: "adminSaving" });
  updateAdminStatus(username);
  let r = null;
  try { r = await api("POST", `/api/v1/pro/admin/professionals/${encodeURIComponent(username)}/queues`, { queues }); } catch { r = null; }
  const again = $(`as-${username}`);
  if (again) again.removeAttribute("aria-busy");
  if (r && r.ok && r.data) {
    const updated = Object.assign({}, p, r.data, { disabled: p.disabled });
    a.professionals = a.professionals.map((x) => (x.username === username ? updated : x));
    a.drafts.set(username, new Set(updated.queues || []));
    a.status.set(username, { kind: "ok", key: "adminSaved" });
    announce(t("adminSavedAnnounce", { who: updated.displayName }));
    if (state.me && updated.id === state.me.id) {
      state.me = Object.assign({}, state.me, { queues: updated.queues, onShift: updated.onShift });
      renderShifts();
      scheduleQueueRefresh();
    }
    renderAdmin();
    return;
  }
  if (r && r.status === 401) return;
  const code = r && r.error && r.error.code;
  const text = !r ? t("networkError")
    : r.status === 403 || code === "admin_only" ? t("adminOnly")
    : r.status === 422 || code === "invalid_queues" ? t("adminInvalidQueues")
    : r.status === 404 ? t("adminUserGone")
    : errorText(r);
  a.status.set(username, { kind: "error", text });
  updateAdminStatus(username);
  announce(`${p.displayName}: ${text}`);
}

// ---------------------------------------------------------------- shifts

function renderShifts() {
  const list = $("shift-list");
  list.replaceChildren();
  if (!state.me) return;
  for (const q of state.me.queues) {
    const id = `shift-${q}`;
    const box = el("input", { type: "checkbox", id, dataset: { queue: q } });
    box.checked = state.me.onShift.includes(q);
    box.addEventListener("change", () => setShift(q, box));
    list.append(el("div", { class: "check-row" }, box, el("label", { for: id, text: queueName(q) })));
  }
}

async function setShift(queueId, box) {
  const on = box.checked;
  // Not disabled while saving: that would throw the keyboard focus away.
  box.setAttribute("aria-busy", "true");
  let r = null;
  try { r = await api("POST", "/api/v1/pro/shifts", { queueId, onShift: on }); } catch { r = null; }
  box.removeAttribute("aria-busy");
  if (r && r.ok) {
    state.me = r.data;
    announce(t(on ? "shiftOn" : "shiftOff", { queue: queueName(queueId) }));
  } else {
    box.checked = !on;
    if (!r || r.status !== 401) showAlert(errorText(r));
  }
}

// ---------------------------------------------------------------- queue

// Cases seen leaving the queue in the stream, by the event's seq: a snapshot
// older than that (its cursor is lower) must not bring them back.
const leftQueue = new Map();
function leaveQueue(id, seq) {
  if (!id) return false;
  leftQueue.set(id, Math.max(seq || 0, leftQueue.get(id) || 0));
  const before = state.queue.length;
  state.queue = state.queue.filter((c) => c.conversationId !== id);
  return state.queue.length !== before;
}

// A case that joins my queue, with its list row from the event: put in its place (most urgent first,
// then longest waiting), so an arrival costs no fetch of the whole queue. True if it is new here.
const URGENCY_RANK = { urgent: 0, soon: 1, normal: 2 };
// The server's order: urgency, then queued time (ISO strings sort as times), then id.
const compare = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
const queueOrder = (a, b) => compare(URGENCY_RANK[a.urgency] ?? 9, URGENCY_RANK[b.urgency] ?? 9)
  || compare(a.queuedAt, b.queuedAt) || compare(a.conversationId, b.conversationId);
const QUEUE_LISTED = 500;  // as many as the server lists; beyond that the snapshot says how many more
function joinQueue(row, seq) {
  if ((leftQueue.get(row.conversationId) || 0) >= seq) return false;  // it left again after this event
  leftQueue.delete(row.conversationId);
  const known = state.queue.some((c) => c.conversationId === row.conversationId);
  const rest = state.queue.filter((c) => c.conversationId !== row.conversationId);
  let at = rest.findIndex((c) => queueOrder(row, c) < 0);
  if (at < 0) at = rest.length;
  rest.splice(at, 0, row);
  state.queue = rest;
  return !known;
}

let queueRefreshTimer = 0;
function scheduleQueueRefresh() {
  clearTimeout(queueRefreshTimer);
  queueRefreshTimer = setTimeout(refreshQueue, 80);
}

let queueFetches = 0;
async function refreshQueue() {
  // A refresh scheduled just before signing out has nobody to ask for.
  if (!state.me) return;
  const generation = state.generation;
  const mine = ++queueFetches;
  let r;
  const started = performance.now();
  try { r = await api("GET", "/api/v1/pro/queue?lang=" + lang); } catch { return; }
  measure("pro:queue-fetch", started);
  // An older snapshot answering late must not overwrite a newer one.
  if (generation !== state.generation || mine !== queueFetches || !r.ok) return;
  const before = new Set(state.queue.map((c) => c.conversationId));
  const wasEmpty = state.queue.length === 0;
  state.queueCursor = r.data.cursor || 0;
  for (const [id, seq] of leftQueue) if (seq <= state.queueCursor) leftQueue.delete(id);
  state.queue = (r.data.cases || []).filter((c) => !leftQueue.has(c.conversationId));
  // The server lists at most 500; the count and a note say how many wait in all.
  state.queueBeyond = Math.max(0, (r.data.total || 0) - (r.data.cases || []).length);
  const added = state.queue.filter((c) => !before.has(c.conversationId));
  if (state.queueLoaded && added.length) {
    const first = added[0];
    announce(t("newCase", { what: `${urgencyLabel(first.urgency)}, ${serviceTitle(first.serviceId)}` }));
    if (wasEmpty) {
      startBlink(t("newCaseTitle"));
      beep();
    }
  }
  if (state.queue.length === 0 && title.reason === t("newCaseTitle")) stopBlink();
  state.queueLoaded = true;
  renderQueue();
  updateTitle();
}

// Timings the browser keeps (performance.getEntriesByType("measure")), for tests and profiling.
function measure(name, start) {
  try { performance.measure(name, { start, end: performance.now() }); } catch { /* older browsers */ }
}

function queueItem(c) {
  const service = serviceTitle(c.serviceId);
  const what = `${urgencyLabel(c.urgency)}, ${service}, ${subjectKindLabel(c.subject)}`;
  const wait = el("span", { class: "wait", dataset: { since: c.queuedAt } }, waitText(c.queuedAt));
  const button = el("button", {
    type: "button", class: "button small", dataset: { pick: c.conversationId },
    "aria-label": t("pickCase", { what }),
    onclick: () => pick(c.conversationId),
  }, t("pick"));
  return el("li", { class: `queue-item urgency-${c.urgency}` },
    el("div", { class: "qi-top" },
      el("span", { class: `badge urgency-${c.urgency}` }, urgencyLabel(c.urgency)),
      el("span", { class: "qi-service" }, service),
      el("span", { class: "qi-wait" }, el("span", { class: "visually-hidden" }, t("waiting") + " "), wait)),
    el("div", { class: "qi-meta" },
      el("span", {}, subjectKindLabel(c.subject)),
      el("span", { class: c.identified ? "tag ok" : "tag" }, c.identified ? t("identified") : t("anonymous")),
      el("span", { class: "tag queue" }, queueName(c.queueId)),
      c.offeredToMe ? el("span", { class: "tag offer" }, t("offeredToMe")) : null),
    el("p", { class: "qi-summary" }, c.summary || ""),
    button);
}

// The queue is updated in place: an item stays the same node while its case
// waits unchanged, so a change costs only what changed (hundreds of waiting
// cases stay quick), and keyboard focus and a screen reader's place are kept.
const queueNodes = new Map(); // conversationId -> { li, sig }
function renderQueue() {
  const started = performance.now();
  const list = $("queue-list");
  const focusedId = document.activeElement && list.contains(document.activeElement)
    ? document.activeElement.dataset.pick : null;
  const total = waitingCount();
  $("queue-count").textContent = String(total);
  $("queue-more").textContent = state.queueBeyond ? t("queueMore", { shown: state.queue.length, total }) : "";
  show($("queue-more"), !!state.queueBeyond);
  show($("queue-empty"), state.queue.length === 0);
  const wanted = new Set(state.queue.map((c) => c.conversationId));
  for (const [id, node] of queueNodes) {
    if (!wanted.has(id)) { node.li.remove(); queueNodes.delete(id); }
  }
  let previous = null;
  for (const c of state.queue) {
    const sig = [lang, c.urgency, c.queueId, c.serviceId, c.subject, c.identified, c.summary, c.queuedAt, c.offeredToMe,
                 !!state.catalog].join("\u0001");
    let node = queueNodes.get(c.conversationId);
    if (!node || node.sig !== sig) {
      const li = queueItem(c);
      if (node) node.li.replaceWith(li);
      node = { li, sig };
      queueNodes.set(c.conversationId, node);
    }
    const li = node.li;
    const inPlace = li.parentNode === list && (previous ? previous.nextElementSibling === li : list.firstElementChild === li);
    if (!inPlace) { if (previous) previous.after(li); else list.prepend(li); }
    previous = li;
  }
  // Anything else in the list (left from an earlier sign-in) goes.
  while (previous ? previous.nextElementSibling : list.firstElementChild) {
    (previous ? previous.nextElementSibling : list.firstElementChild).remove();
  }
  if (focusedId && !list.contains(document.activeElement)) {
    const again = list.querySelector(`[data-pick="${CSS.escape(focusedId)}"]`);
    (again || $("pick-next")).focus();
  }
  if (state.locked) renderLock();
  measure("pro:queue-render", started);
}

// Live waiting times: only the text of the clocks changes, once a second.
setInterval(() => {
  for (const node of document.querySelectorAll(".wait[data-since]")) {
    const text = waitText(node.dataset.since);
    if (node.textContent !== text) node.textContent = text;
  }
}, 1000);

let picking = false;
async function pick(conversationId) {
  // One pick at a time: a double Alt+N must not take two cases.
  if (picking) return;
  picking = true;
  const body = conversationId ? { conversationId } : {};
  let r = null;
  try { r = await api("POST", "/api/v1/pro/pick", body); } catch { r = null; }
  picking = false;
  if (r && r.ok) {
    stopBlink();
    hideAlert();
    const id = r.data.id;
    caseRecord(id);
    renderMine();
    if (leaveQueue(id, 0)) { renderQueue(); updateTitle(); }
    scheduleQueueRefresh();
    await openCase(id, { focus: true, reload: true });
    const c = state.cases.get(id);
    if (c && c.view) announce(t("picked", { what: caseLabel(c) }));
    return;
  }
  if (r && r.status === 409 && r.error && r.error.code === "case_taken") {
    showAlert(t("caseTaken"), "warn");
    await refreshQueue();
    return;
  }
  if (r && r.status === 409 && r.error && r.error.code === "queue_empty") {
    showAlert(t("queueEmptyPick"), "info");
    await refreshQueue();
    return;
  }
  if (!r || r.status !== 401) showAlert(errorText(r));
}
$("pick-next").addEventListener("click", () => pick(null));

// ---------------------------------------------------------------- my cases

// In the page's language from the catalog: the case view's own title is in the
// language it was read in, and only the open case is read again on a switch.
function caseServiceTitle(view) {
  const id = view.conversation && view.conversation.serviceId;
  if (id && findService(id, state.catalog && state.catalog.services)) return serviceTitle(id);
  return view.service ? view.service.title : serviceTitle(id);
}

function caseLabel(c) {
  if (!c.view) return "…";
  const service = caseServiceTitle(c.view);
  return `${service} – ${subjectText(c.view.conversation.subject)}`;
}

function renderMine() {
  const list = $("mine-list");
  const hadFocus = list.contains(document.activeElement) ? document.activeElement.dataset.open : null;
  list.replaceChildren();
  show($("mine-empty"), state.order.length === 0);
  state.order.forEach((id, index) => {
    const c = state.cases.get(id);
    if (!c) return;
    const conv = c.view && c.view.conversation;
    const shortcut = index < 9 ? `Alt+${index + 1}` : null;
    const button = el("button", {
      type: "button", class: "mine-item" + (id === state.current ? " current" : ""),
      "aria-current": id === state.current ? "true" : null, dataset: { open: id },
      "aria-keyshortcuts": shortcut, onclick: () => openCase(id, { focus: true }),
    },
    el("span", { class: "mine-main" },
      conv ? el("span", { class: `dot urgency-${conv.urgency}`, "aria-hidden": "true" }) : null,
      el("span", { class: "mine-title", title: caseLabel(c) }, caseLabel(c))),
    el("span", { class: "mine-side" },
      c.view && c.view.access === "consultant" ? el("span", { class: "tag" }, t("consultantBadge")) : null,
      c.unread ? el("span", { class: "unread" }, String(c.unread), el("span", { class: "visually-hidden" }, " " + t("unread"))) : null,
      shortcut ? el("kbd", { "aria-hidden": "true" }, shortcut) : null));
    list.append(el("li", {}, button));
  });
  if (hadFocus) {
    const again = list.querySelector(`[data-open="${CSS.escape(hadFocus)}"]`);
    if (again) again.focus();
  }
}

async function reloadCase(id, { live = false } = {}) {
  const c = state.cases.get(id);
  if (!c) return;
  if (c.loading) {
    // The read in flight may predate what made us ask: read once more after it.
    c.again = c.again || { live };
    return c.loading;
  }
  const generation = state.generation;
  c.loading = (async () => {
    let r;
    try { r = await api("GET", `/api/v1/pro/cases/${encodeURIComponent(id)}?lang=${lang}`); } catch { r = null; }
    c.loading = null;
    if (generation !== state.generation) return;
    if (c.again) { const again = c.again; c.again = null; setTimeout(() => reloadCase(id, again), 0); }
    if (!r) { c.stale = true; return; }
    if (r.status === 404) { announce(t("caseGone")); dropCase(id); return; }
    if (!r.ok) { c.stale = true; return; }
    c.stale = false;
    const first = !c.view;
    if (first && r.data.conversation && r.data.conversation.status !== "active") {
      // Remembered from an earlier visit but finished since: not mine to show.
      dropCase(id);
      return;
    }
    c.view = r.data;
    for (const m of r.data.messages || []) mergeMessage(c, m, live && !first);
    for (const n of r.data.notes || []) mergeNote(c, n);
    if (Array.isArray(r.data.photos)) {
      for (const p of r.data.photos) mergePhoto(c, p, false);
      c.photosKnown = true;
    } else if (!c.photosKnown) {
      requestPhotoScan();
    }
    if (r.data.conversation.status !== "active") c.closed = true;
    if (state.current === id) renderCase();
    renderMine();
  })();
  return c.loading;
}

async function openCase(id, { focus = true, reload = false } = {}) {
  const c = caseRecord(id);
  if (state.current && state.current !== id) saveDrafts();
  state.current = id;
  c.unread = 0;
  renderMine();
  if (!c.view || reload || c.stale) await reloadCase(id);
  if (state.current !== id) return;
  renderCase();
  renderMine();
  if (focus && state.cases.has(id)) {
    const input = $("message-input");
    if (!$("message-form").hidden && !c.closed) input.focus(); else $("case-heading").focus();
  }
}

function saveDrafts() {
  const c = state.rendered && state.cases.get(state.rendered);
  if (!c) return;
  c.draft = $("message-input").value;
  c.noteDraft = $("note-input").value;
}

// ---------------------------------------------------------------- messages and notes

// Merges one message (from the case view, the stream or a POST answer).
// Returns true if it was new.
function mergeMessage(c, m, live) {
  if (!m || !m.id) return false;
  if (m.clientId && c.pending.has(m.clientId)) {
    const p = c.pending.get(m.clientId);
    p.done = true;
    c.pending.delete(m.clientId);
  }
  if (c.messages.has(m.id)) return false;
  c.messages.set(m.id, m);
  if (live && m.author === "resident") {
    if (state.current !== c.id || document.visibilityState !== "visible") c.unread++;
    if (state.current !== c.id) announce(t("newMessageIn", { what: caseLabel(c) }));
    if (document.visibilityState !== "visible") startBlink(t("newMessageTitle"));
  }
  return true;
}

function mergeNote(c, n) {
  if (!n || !n.id) return false;
  if (c.notes.has(n.id)) return false;
  c.notes.set(n.id, n);
  return true;
}

// Merges one photo (from the stream, the history scan or a POST answer).
// Returns true if the timeline changed.
function mergePhoto(c, p, live) {
  if (!p || !p.id) return false;
  const known = c.photos.get(p.id);
  if (known) {
    let changed = false;
    // A POST answer has no place in the log; the stream's copy gives it one.
    if (known.seq == null && p.seq != null) { known.seq = p.seq; changed = true; }
    if (p.mine && !known.mine) { known.mine = true; changed = true; }
    return changed;
  }
  c.photos.set(p.id, Object.assign({ kind: "photo" }, p));
  if (live && p.author === "resident") {
    if (state.current !== c.id || document.visibilityState !== "visible") c.unread++;
    if (state.current !== c.id) announce(t("newPhotoIn", { what: caseLabel(c) }));
    if (document.visibilityState !== "visible") startBlink(t("newMessageTitle"));
  }
  return true;
}

function photoFromEvent(ev) {
  const data = ev.data || {};
  return Object.assign({}, data, { seq: ev.seq, at: data.at || ev.at });
}

// Messages and photos in the order of the event log (what has no place yet
// goes last), then what is still being sent.
function byLogOrder(a, b) {
  const sa = a.seq ?? Infinity, sb = b.seq ?? Infinity;
  if (sa !== sb) return sa < sb ? -1 : 1;
  return String(a.at || "").localeCompare(String(b.at || ""));
}
function sortedMessages(c) {
  const list = [...c.messages.values(), ...c.photos.values()].sort(byLogOrder);
  for (const p of c.pending.values()) list.push(p);
  for (const p of c.pendingPhotos.values()) list.push(p);
  return list;
}
function timelineKey(m) {
  if (m.kind === "photo") return m.id ? "photo:" + m.id : "photo-pending:" + m.clientId;
  return m.id || "pending:" + m.clientId;
}

// The case view does not list photos (yet): they are found in the history of
// the professional's stream. One pass from the start serves every case that
// still needs it; the live stream brings anything after its cursor.
const PHOTO_SCAN_PAGES = 25;
let photoScan = null;
let photoScanAgain = false;
function requestPhotoScan() {
  if (photoScan) { photoScanAgain = true; return photoScan; }
  const waiting = [...state.cases.values()].filter((c) => !c.photosKnown).map((c) => c.id);
  if (!waiting.length) return Promise.resolve();
  const generation = state.generation;
  const stopAt = state.cursor;
  photoScan = (async () => {
    let after = 0;
    let done = false;
    for (let page = 0; page < PHOTO_SCAN_PAGES && !done; page++) {
      let r = null;
      try { r = await api("GET", `/api/v1/pro/events?after=${after}`); } catch { r = null; }
      if (generation !== state.generation) return;
      if (!r || !r.ok || !r.data) return; // tried again on the next reading of the case
      const events = r.data.events || [];
      const touched = new Set();
      for (const ev of events) {
        if (ev.type !== "photo") continue;
        const c = state.cases.get(eventCaseId(ev));
        if (c && mergePhoto(c, photoFromEvent(ev), false)) touched.add(c.id);
      }
      const current = state.current && state.cases.get(state.current);
      if (current && touched.has(current.id) && current.view) renderMessages(current);
      const next = typeof r.data.next === "number" ? r.data.next : after;
      done = !events.length || next <= after || next >= stopAt;
      after = next;
    }
    // Also after the page cap: scanning again would not get further.
    for (const id of waiting) { const c = state.cases.get(id); if (c) c.photosKnown = true; }
  })().finally(() => {
    photoScan = null;
    if (photoScanAgain) { photoScanAgain = false; requestPhotoScan(); }
  });
  return photoScan;
}

// Keeps a list's items in step with `items` by key: existing nodes stay (so a
// screen reader's live region announces only what is really new), new ones
// are inserted in order, gone ones removed. When the list switches to another
// case its live announcements are paused while it is rebuilt.
function renderKeyed(list, owner, items, keyOf, render, update) {
  const switching = list.dataset.owner !== owner;
  if (switching) {
    list.dataset.owner = owner;
    list.setAttribute("aria-live", "off");
    list.replaceChildren();
  }
  const existing = new Map([...list.children].map((li) => [li.dataset.key, li]));
  const keep = new Set();
  let previous = null;
  for (const item of items) {
    const key = keyOf(item);
    keep.add(key);
    let li = existing.get(key);
    if (li && update) update(li, item);
    if (!li) {
      li = render(item);
      li.dataset.key = key;
      const stand = item.replaces ? existing.get(item.replaces) : null;
      if (stand) { stand.replaceWith(li); existing.delete(item.replaces); }
    }
    const inPlace = previous ? previous.nextElementSibling === li : list.firstElementChild === li;
    if (!inPlace) { if (previous) previous.after(li); else list.prepend(li); }
    previous = li;
  }
  for (const [key, li] of existing) if (!keep.has(key)) li.remove();
  if (switching) setTimeout(() => { if (list.dataset.owner === owner) list.setAttribute("aria-live", "polite"); }, 300);
  return switching;
}

function renderMessages(c) {
  const list = $("message-list");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const wanted = sortedMessages(c).map((m) => (m.id && m.clientId
    ? Object.assign({ replaces: (m.kind === "photo" ? "photo-pending:" : "pending:") + m.clientId }, m) : m));
  const render = (m) => (m.kind === "photo" ? renderPhoto(c, m) : renderMessage(m));
  const switching = renderKeyed(list, c.id, wanted, timelineKey, render, (li, m) => {
    if (m.kind === "photo" && !m.pending) {
      const author = li.querySelector(".msg-author");
      const who = photoAuthor(m);
      if (author && author.textContent !== who) author.textContent = who;
      return;
    }
    if (!m.pending) return;
    const status = li.querySelector(".msg-status");
    if (status) status.textContent = m.kind === "photo" ? pendingPhotoStatus(m) : pendingStatus(m);
  });
  show($("chat-empty"), wanted.length === 0);
  if (switching || atBottom || wanted.some((m) => m.pending)) list.scrollTop = list.scrollHeight;
}

function pendingStatus(m) {
  return m.failed ? t("notSent", { reason: m.failed }) : m.retrying ? t("sendFailed") : t("sending");
}

function renderMessage(m) {
  const mine = m.author === "professional";
  const who = mine ? (m.professional ? `${m.professional.displayName}, ${m.professional.title}`
                                     : (state.me ? `${state.me.displayName}, ${state.me.title}` : t("you")))
                   : t("client");
  const meta = el("p", { class: "msg-meta" }, el("span", { class: "msg-author" }, who),
    m.at ? el("time", { datetime: m.at }, clockText(m.at)) : null);
  const body = el("p", { class: "msg-text" }, m.text);
  const li = el("li", { class: "msg " + (mine ? "msg-pro" : "msg-resident") + (m.pending ? " pending" : "") }, meta, body);
  if (m.pending) li.append(el("p", { class: "msg-status" }, pendingStatus(m)));
  return li;
}

// ---------------------------------------------------------------- photos

const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"];
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
const THUMB_W = 240, THUMB_H = 180;

function photoUrl(caseId, photoId) {
  return `/api/v1/pro/cases/${encodeURIComponent(caseId)}/photos/${encodeURIComponent(photoId)}`;
}
function dimensions(p) { return `${p.width} × ${p.height} px`; }
function bytesText(n) {
  if (typeof n !== "number") return "";
  const locale = lang === "en" ? "en-GB" : lang === "sv" ? "sv-FI" : "fi-FI";
  const [k, m] = lang === "fi" ? ["kt", "Mt"] : ["kB", "MB"];
  if (n < 1024 * 1024) return `${Math.max(1, Math.round(n / 1024)).toLocaleString(locale)} ${k}`;
  return `${(n / (1024 * 1024)).toLocaleString(locale, { maximumFractionDigits: 1 })} ${m}`;
}
// Fits the thumbnail in THUMB_W × THUMB_H; a very small image is enlarged a
// little so that it can be seen and clicked.
function thumbSize(w, h) {
  if (!(w > 0 && h > 0)) return [THUMB_W, THUMB_H];
  const scale = Math.min(THUMB_W / w, THUMB_H / h, Math.max(1, 120 / Math.max(w, h)));
  return [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
}
function photoAuthor(p) {
  if (p.author !== "professional") return t("client");
  return p.mine && state.me ? `${state.me.displayName}, ${state.me.title}` : t("professional");
}
function photoAlt(p) {
  return t(p.author === "professional" ? "photoAltPro" : "photoAltResident", { size: dimensions(p) });
}
function pendingPhotoStatus(p) {
  return p.retrying ? t("sendFailed") : t("photoSending");
}

function renderPhoto(c, p) {
  const mine = p.author === "professional";
  const meta = el("p", { class: "msg-meta" }, el("span", { class: "msg-author" }, photoAuthor(p)),
    p.at ? el("time", { datetime: p.at }, clockText(p.at)) : null);
  const li = el("li", { class: "msg msg-photo " + (mine ? "msg-pro" : "msg-resident") + (p.pending ? " pending" : "") }, meta);
  if (p.pending) {
    li.append(el("p", { class: "msg-status" }, pendingPhotoStatus(p)));
    return li;
  }
  const [w, h] = thumbSize(p.width, p.height);
  const img = el("img", { class: "photo-thumb-img", src: photoUrl(c.id, p.id), width: w, height: h, alt: photoAlt(p), decoding: "async" });
  const button = el("button", { type: "button", class: "photo-thumb", dataset: { photo: p.id } },
    img, el("span", { class: "visually-hidden" }, ` – ${t("openFullSize")}`));
  button.addEventListener("click", () => openPhoto(c.id, p.id, button));
  img.addEventListener("error", () => {
    button.replaceWith(el("p", { class: "msg-status" }, t("photoLoadError")));
  }, { once: true });
  li.append(button);
  return li;
}

function setPhotoFit(fit) {
  $("photo-frame").classList.toggle("fit", fit);
  $("photo-fit").setAttribute("aria-pressed", String(fit));
}

function openPhoto(caseId, photoId, opener) {
  const c = state.cases.get(caseId);
  const p = c && c.photos.get(photoId);
  if (!p) return;
  dialogReturn = opener || document.activeElement;
  // A new image each time (an <img> without a source is not valid HTML).
  const img = el("img", { id: "photo-full", class: "photo-full" });
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

$("photo-fit").addEventListener("click", () => setPhotoFit(!$("photo-frame").classList.contains("fit")));
$("photo-dialog").addEventListener("close", () => { $("photo-frame").replaceChildren(); });

function showPhotoError(text) {
  const err = $("photo-error");
  err.textContent = text;
  err.hidden = !text;
}

function photoErrorText(r) {
  if (!r) return t("networkError");
  const code = r.error && r.error.code;
  if (r.status === 413 || code === "photo_too_large") return t("photoTooLarge");
  if (r.status === 415 || code === "unsupported_photo" || code === "csrf") return t("photoUnsupported");
  if (code === "too_many_photos") return t("photoTooMany");
  if (code === "conversation_closed") return t("photoCaseClosed");
  if (r.status === 404) return t("caseGone");
  return errorText(r);
}

// Sends the file as it is (the server strips its metadata). Retries reuse the
// X-Client-Id, so a photo that did arrive is not added twice.
async function attachPhoto(file) {
  const c = currentHandledCase();
  if (!c) return;
  showPhotoError("");
  const problem = !PHOTO_TYPES.includes(file.type) ? t("photoUnsupported")
    : file.size === 0 ? t("photoEmpty")
    : file.size > PHOTO_MAX_BYTES ? t("photoTooLarge") : null;
  if (problem) { showPhotoError(t("photoNotSent", { reason: problem })); return; }
  const generation = state.generation;
  const pending = { kind: "photo", pending: true, clientId: newClientId(), author: "professional", at: new Date(now()).toISOString() };
  c.pendingPhotos.set(pending.clientId, pending);
  if (state.current === c.id) renderMessages(c);
  let r = null;
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      r = await api("POST", `/api/v1/pro/cases/${encodeURIComponent(c.id)}/photos`, null,
                    { raw: file, contentType: file.type, headers: { "X-Client-Id": pending.clientId } });
    } catch { r = null; }
    if (generation !== state.generation) return;
    if (r && r.status < 500 && r.status !== 408 && r.status !== 429) break;
    pending.retrying = true;
    if (state.current === c.id) renderMessages(c);
    await sleep(1000 * (attempt + 1));
  }
  c.pendingPhotos.delete(pending.clientId);
  if (r && r.ok) {
    mergePhoto(c, Object.assign({ clientId: pending.clientId, mine: true }, r.data), false);
    if (state.current === c.id) renderMessages(c);
    announce(t("photoAdded"));
    return;
  }
  if (state.current === c.id) renderMessages(c);
  if (r && r.status === 401) return;
  if (state.current === c.id) showPhotoError(t("photoNotSent", { reason: photoErrorText(r) }));
  else showAlert(t("photoNotSent", { reason: photoErrorText(r) }));
  if (r && (r.status === 404 || r.status === 409)) reloadCase(c.id);
}

$("photo-button").addEventListener("click", () => $("photo-input").click());
$("photo-input").addEventListener("change", (e) => {
  const file = e.target.files && e.target.files[0];
  e.target.value = ""; // the same file can be chosen again
  if (file) attachPhoto(file);
});

function renderNotes(c) {
  const list = $("note-list");
  const notes = [...c.notes.values()].sort((a, b) => String(a.at || "").localeCompare(String(b.at || "")));
  renderKeyed(list, c.id, notes, (n) => n.id, (n) => {
    const who = n.professional ? `${n.professional.displayName}, ${n.professional.title}` : (state.me ? state.me.displayName : "");
    return el("li", { class: "note-item" },
      el("p", { class: "note-meta" }, el("span", {}, who), n.at ? el("time", { datetime: n.at }, clockText(n.at)) : null),
      el("p", { class: "note-text" }, n.text));
  });
  show($("notes-empty"), notes.length === 0);
  list.scrollTop = list.scrollHeight;
}

async function sendMessage() {
  const c = state.current && state.cases.get(state.current);
  const input = $("message-input");
  const text = input.value.trim();
  if (!c || !text || c.closed) return;
  input.value = "";
  c.draft = "";
  const pending = { clientId: newClientId(), text, author: "professional", pending: true, at: new Date(now()).toISOString() };
  c.pending.set(pending.clientId, pending);
  renderMessages(c);
  deliverMessage(c, pending);
}

// Retries with the same clientId until the server has it: a retry returns the
// original message, so nothing is sent twice.
async function deliverMessage(c, pending) {
  const generation = state.generation;
  let delay = 1000;
  for (;;) {
    if (generation !== state.generation || pending.done) return;
    let r = null;
    try {
      r = await api("POST", `/api/v1/pro/cases/${encodeURIComponent(c.id)}/messages`, { clientId: pending.clientId, text: pending.text });
    } catch { r = null; }
    if (pending.done && !r) return;
    if (r && r.ok) {
      mergeMessage(c, r.data, false);
      if (state.current === c.id) renderMessages(c);
      return;
    }
    if (r && r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) {
      pending.failed = (r.error && (r.error.message || r.error.code)) || String(r.status);
      if (state.current === c.id) {
        renderMessages(c);
        // Give the text back so nothing typed is lost.
        const input = $("message-input");
        if (!input.value) input.value = pending.text;
      }
      if (r.status === 409) reloadCase(c.id);
      return;
    }
    pending.retrying = true;
    if (state.current === c.id) renderMessages(c);
    await sleep(delay);
    delay = Math.min(delay * 2, 15000);
  }
}

async function addNote() {
  const c = state.current && state.cases.get(state.current);
  const input = $("note-input");
  const text = input.value.trim();
  if (!c || !text) return;
  const clientId = newClientId();
  const button = $("note-button");
  button.disabled = true;
  let r = null;
  for (let attempt = 0; attempt < 4; attempt++) {
    try { r = await api("POST", `/api/v1/pro/cases/${encodeURIComponent(c.id)}/notes`, { clientId, text }); } catch { r = null; }
    if (r) break;
    await sleep(1000 * (attempt + 1));
  }
  button.disabled = false;
  if (r && r.ok) {
    input.value = "";
    c.noteDraft = "";
    const note = Object.assign({ professional: state.me ? { displayName: state.me.displayName, title: state.me.title } : null }, r.data);
    if (!note.professional || !note.professional.displayName) {
      note.professional = { displayName: state.me.displayName, title: state.me.title };
    }
    mergeNote(c, note);
    if (state.current === c.id) renderNotes(c);
    announce(t("noteAdded"));
  } else if (!r || r.status !== 401) {
    showAlert(errorText(r));
  }
}

$("message-form").addEventListener("submit", (e) => { e.preventDefault(); sendMessage(); });
$("note-form").addEventListener("submit", (e) => { e.preventDefault(); addNote(); });
$("message-input").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); sendMessage(); }
});
$("note-input").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); addNote(); }
});

function insertCanned(text) {
  const input = $("message-input");
  const start = input.selectionStart ?? input.value.length;
  const end = input.selectionEnd ?? input.value.length;
  const before = input.value.slice(0, start);
  const sep = before && !/\s$/.test(before) ? " " : "";
  input.value = before + sep + text + input.value.slice(end);
  const caret = (before + sep + text).length;
  input.focus();
  input.setSelectionRange(caret, caret);
}

// ---------------------------------------------------------------- the open case

function renderCase() {
  const c = state.current && state.cases.get(state.current);
  const hasCase = !!(c && c.view);
  $("workspace").classList.toggle("no-case", !hasCase);
  show($("case-empty"), !hasCase);
  show($("case-view"), hasCase);
  show($("notes-panel"), hasCase);
  if (!hasCase) {
    if (state.rendered) { state.rendered = null; $("message-input").value = ""; $("note-input").value = ""; }
    return;
  }
  const v = c.view;
  const conv = v.conversation;
  const handler = v.access === "handler";
  $("case-heading").textContent = `${caseServiceTitle(v)} – ${subjectText(conv.subject)}`;
  const badge = $("case-urgency");
  badge.className = `badge urgency-${conv.urgency}`;
  badge.textContent = urgencyLabel(conv.urgency);
  const status = $("case-status");
  status.hidden = !c.closed;
  status.textContent = t("caseClosedStatus");

  const meta = $("case-meta");
  const who = v.residentIdentity;
  meta.replaceChildren(...[
    who ? el("span", { class: who.method === "demo" ? "tag" : "tag ok" },
      t(who.method === "demo" ? "identityDemo" : "identityProxy", { name: who.name || "", code: who.personalIdentityCode })
        .replace(/\s{2,}/g, " ")) : null,
    el("span", {}, subjectKindLabel(conv.subject && conv.subject.kind)),
    el("span", {}, queueName(conv.queueId)),
    conv.queuedAt ? el("span", {}, `${t("queuedAt")} ${clockText(conv.queuedAt)}`) : null,
    v.access === "consultant" ? el("span", { class: "tag" }, t("consultantBadge")) : null].filter(Boolean));

  const answers = $("answers-list");
  answers.replaceChildren();
  for (const a of v.answers || []) {
    answers.append(el("div", { class: "answer" }, el("dt", {}, a.question), el("dd", {}, a.shown)));
  }
  $("routing-reason").textContent = v.routingReason || "–";
  const flags = v.earlierRedFlags || [];
  show($("earlier-redflags"), flags.length > 0);
  $("earlier-redflags-list").replaceChildren(...flags.map((f) =>
    el("li", {}, [clockText(f.at), f.service, f.message || f.redFlag].filter(Boolean).join(" – "))));

  const canWrite = handler && !c.closed;
  show($("message-form"), canWrite);
  show($("consultant-hint"), !handler);
  for (const id of ["transfer-button", "consult-button", "close-button"]) $(id).disabled = !canWrite;
  show($("case-actions"), handler);
  const canned = v.cannedReplies || [];
  show($("canned-box"), canWrite && canned.length > 0);
  const cannedList = $("canned-list");
  if (cannedList.dataset.texts !== JSON.stringify(canned)) {
    cannedList.dataset.texts = JSON.stringify(canned);
    cannedList.replaceChildren(...canned.map((text) =>
      el("button", { type: "button", class: "button small canned-button", onclick: () => insertCanned(text) }, text)));
  }
  // The text boxes keep what is being typed; drafts change only with the case.
  if (state.rendered !== c.id) {
    state.rendered = c.id;
    $("message-input").value = c.draft || "";
    $("note-input").value = c.noteDraft || "";
    showPhotoError("");
  }
  renderMessages(c);
  renderNotes(c);
}

// ---------------------------------------------------------------- dialogs

function openDialog(dialog) {
  for (const d of document.querySelectorAll("dialog[open]")) if (d !== dialog) d.close();
  if (!dialog.open) dialog.showModal();
}
for (const button of document.querySelectorAll("[data-dialog-cancel]")) {
  button.addEventListener("click", () => button.closest("dialog").close());
}
// Back to where the user was when a dialog closes.
let dialogReturn = null;
for (const d of document.querySelectorAll("dialog")) {
  d.addEventListener("close", () => {
    const target = dialogReturn;
    dialogReturn = null;
    if (target && document.contains(target) && !target.closest("[hidden]")) target.focus();
  });
}

function currentHandledCase() {
  const c = state.current && state.cases.get(state.current);
  return c && c.view && c.view.access === "handler" && !c.closed ? c : null;
}

function openCloseDialog() {
  const c = currentHandledCase();
  if (!c) return;
  dialogReturn = document.activeElement;
  const form = $("close-form");
  if (form.dataset.caseId !== c.id) {
    form.reset();
    $("close-summary").value = c.view.summaryDraft || "";
    form.dataset.caseId = c.id;
  }
  $("close-error").hidden = true;
  openDialog($("close-dialog"));
  const checked = form.querySelector("input[name=outcome]:checked");
  (checked || form.querySelector("input[name=outcome]")).focus();
}

$("close-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const c = currentHandledCase();
  const err = $("close-error");
  if (!c) { $("close-dialog").close(); return; }
  const outcome = (e.target.querySelector("input[name=outcome]:checked") || {}).value;
  const instructions = $("close-instructions").value.trim();
  const summary = $("close-summary").value.trim();
  const problem = !outcome ? ["chooseOutcome", e.target.querySelector("input[name=outcome]")]
    : !instructions ? ["instructionsRequired", $("close-instructions")]
    : !summary ? ["summaryRequired", $("close-summary")] : null;
  if (problem) {
    err.textContent = t(problem[0]);
    err.hidden = false;
    problem[1].focus();
    return;
  }
  err.hidden = true;
  const button = $("close-submit");
  button.disabled = true;
  let r = null;
  try { r = await api("POST", `/api/v1/pro/cases/${encodeURIComponent(c.id)}/close`, { outcome, instructions, summary }); } catch { r = null; }
  button.disabled = false;
  if (r && r.ok) {
    const label = caseLabel(c);
    e.target.reset();
    delete e.target.dataset.caseId;
    dialogReturn = null;
    $("close-dialog").close();
    dropCase(c.id);
    announce(t("closed", { what: label }));
    showAlert(t("closed", { what: label }), "ok");
    focusAfterCase();
    return;
  }
  err.textContent = errorText(r);
  err.hidden = false;
});

function focusAfterCase() {
  if (state.current && !$("message-form").hidden) $("message-input").focus();
  else $("pick-next").focus();
}

async function loadColleagues() {
  try {
    const r = await api("GET", "/api/v1/pro/colleagues");
    if (r.ok) state.colleagues = r.data.professionals || [];
  } catch { /* the dialogs show what there is */ }
}

function choice(name, value, label, id) {
  return el("div", { class: "radio-row" },
    el("input", { type: "radio", name, value, id }), el("label", { for: id }, label));
}

async function openTransferDialog() {
  const c = currentHandledCase();
  if (!c) return;
  dialogReturn = document.activeElement;
  await loadColleagues();
  const queues = (state.catalog && state.catalog.queues) || [];
  $("transfer-queues").replaceChildren(...queues.map((q) => choice("target", "q:" + q.id, localized(q.name), "tq-" + q.id)));
  const colleagues = state.colleagues;
  $("transfer-colleagues").replaceChildren(...(colleagues.length
    ? colleagues.map((p) => choice("target", "p:" + p.id, `${p.displayName}, ${p.title}`, "tp-" + p.id))
    : [el("p", { class: "muted" }, t("noColleagues"))]));
  $("transfer-error").hidden = true;
  openDialog($("transfer-dialog"));
  const first = $("transfer-dialog").querySelector("input");
  if (first) first.focus();
}

$("transfer-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const c = currentHandledCase();
  if (!c) { $("transfer-dialog").close(); return; }
  const picked = (e.target.querySelector("input[name=target]:checked") || {}).value;
  const err = $("transfer-error");
  if (!picked) { err.textContent = t("chooseTarget"); err.hidden = false; return; }
  const body = picked.startsWith("q:") ? { queueId: picked.slice(2) } : { professionalId: Number(picked.slice(2)) };
  let r = null;
  try { r = await api("POST", `/api/v1/pro/cases/${encodeURIComponent(c.id)}/transfer`, body); } catch { r = null; }
  if (r && r.ok) {
    const label = caseLabel(c);
    dialogReturn = null;
    $("transfer-dialog").close();
    dropCase(c.id);
    scheduleQueueRefresh();
    announce(t("transferred", { what: label }));
    showAlert(t("transferred", { what: label }), "ok");
    focusAfterCase();
    return;
  }
  err.textContent = errorText(r);
  err.hidden = false;
});

async function openConsultDialog() {
  const c = currentHandledCase();
  if (!c) return;
  dialogReturn = document.activeElement;
  await loadColleagues();
  const colleagues = state.colleagues;
  $("consult-colleagues").replaceChildren(...(colleagues.length
    ? colleagues.map((p) => choice("colleague", String(p.id), `${p.displayName}, ${p.title}`, "cp-" + p.id))
    : [el("p", { class: "muted" }, t("noColleagues"))]));
  $("consult-error").hidden = true;
  openDialog($("consult-dialog"));
  const first = $("consult-dialog").querySelector("input");
  if (first) first.focus();
}

$("consult-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const c = currentHandledCase();
  if (!c) { $("consult-dialog").close(); return; }
  const picked = (e.target.querySelector("input[name=colleague]:checked") || {}).value;
  const err = $("consult-error");
  if (!picked) { err.textContent = t("chooseColleague"); err.hidden = false; return; }
  let r = null;
  try { r = await api("POST", `/api/v1/pro/cases/${encodeURIComponent(c.id)}/consult`, { professionalId: Number(picked) }); } catch { r = null; }
  if (r && r.ok) {
    const who = (state.colleagues.find((p) => String(p.id) === picked) || {}).displayName || "";
    $("consult-dialog").close();
    announce(t("consulted", { who }));
    showAlert(t("consulted", { who }), "ok");
    return;
  }
  err.textContent = errorText(r);
  err.hidden = false;
});

$("close-button").addEventListener("click", openCloseDialog);
$("transfer-button").addEventListener("click", openTransferDialog);
$("consult-button").addEventListener("click", openConsultDialog);

// ---------------------------------------------------------------- the event stream

async function pollLoop(generation) {
  let delay = 1000;
  let failing = false;
  while (generation === state.generation) {
    const controller = new AbortController();
    state.pollAbort = controller;
    let r = null;
    try {
      r = await api("GET", `/api/v1/pro/events?after=${state.cursor}&wait=25&lang=${lang}`, null, { signal: controller.signal });
    } catch (e) {
      r = null;
    }
    if (generation !== state.generation) return;
    if (r && r.ok && r.data) {
      if (failing) { failing = false; announce(t("connectionBack")); hideAlert(); scheduleQueueRefresh(); }
      delay = 1000;
      const events = r.data.events || [];
      if (typeof r.data.next === "number" && r.data.next > state.cursor) state.cursor = r.data.next;
      handleEvents(events);
      continue;
    }
    if (r && r.status === 401) return; // onSignedOut already ran
    if (!failing && delay >= 4000) { failing = true; showAlert(t("connectionLost"), "warn"); }
    // Backoff with jitter, capped at 30 s.
    await sleep(delay + Math.random() * 500);
    delay = Math.min(delay * 2, 30000);
  }
}

// The events do not (yet) say which conversation they belong to unless the
// server adds `conversationId`; without it, a message or note we cannot place
// makes us re-read the cases we hold (each re-read is audited as an opening).
function eventCaseId(ev) {
  return ev.conversationId || (ev.data && ev.data.conversationId) || null;
}
function findCaseWithMessage(id) {
  for (const c of state.cases.values()) if (c.messages.has(id) || c.notes.has(id)) return c;
  for (const c of state.cases.values()) {
    for (const p of c.pending.values()) if (p.clientId === id) return c;
  }
  return null;
}

let resyncTimer = 0;
function scheduleResync() {
  clearTimeout(resyncTimer);
  resyncTimer = setTimeout(() => {
    for (const id of state.order) reloadCase(id, { live: true });
  }, 150);
}

// A case of mine the page did not know (passed or shown to me): take it in.
function adoptCase(id) {
  if (!id || state.dropped.has(id)) return null;
  if (state.cases.has(id)) return state.cases.get(id);
  caseRecord(id);
  const generation = state.generation;
  reloadCase(id).then(() => {
    const c = state.cases.get(id);
    if (generation !== state.generation || !c || !c.view) return;
    // Said aloud and shown: someone handed this over and waits for it to be taken care of.
    const text = t(c.view.access === "consultant" ? "consultReceived" : "caseReceived", { what: caseLabel(c) });
    announce(text);
    showAlert(text, "info");
    if (document.visibilityState !== "visible") startBlink(t("caseReceivedTitle"));
    beep();
    if (!state.current) openCase(id, { focus: false });
  });
  renderMine();
  return null;
}

function handleEvents(events) {
  let queueChanged = false;
  let queueLeft = false;
  let joined = null;
  const wasEmpty = state.queue.length === 0;
  const touched = new Set();
  for (const ev of events) {
    const data = ev.data || {};
    const caseId = eventCaseId(ev);
    if (caseId && state.dropped.has(caseId) && ev.type !== "queued") continue;
    switch (ev.type) {
      // A case joins my queue with its row (offerEnded: an offer to its previous professional ran out,
      // so it is everyone's now). No row: it is not, or no longer, waiting for me.
      case "queued": case "offerEnded":
        if (ev.case && joinQueue(ev.case, ev.seq)) joined = joined || ev.case;
        else if (ev.case) queueLeft = true;
        break;
      case "picked": case "withdrawn":
        if (leaveQueue(caseId, ev.seq)) queueLeft = true;
        break;
      case "transferred":
        if (caseId && data.professional && !data.queue) {
          if (leaveQueue(caseId, ev.seq)) queueLeft = true;
          adoptCase(caseId);
        } else if (ev.case) {
          if (joinQueue(ev.case, ev.seq)) joined = joined || ev.case; else queueLeft = true;
        } else if (leaveQueue(caseId, ev.seq)) {
          queueLeft = true;
        }
        break;
      case "message": {
        const message = { id: data.id, clientId: data.clientId, author: data.author, text: data.text, at: ev.at,
                          seq: ev.seq, professional: data.professional };
        const c = caseId ? (state.cases.get(caseId) || adoptCase(caseId))
                         : (findCaseWithMessage(data.id) || findCaseWithMessage(data.clientId));
        if (c) { if (mergeMessage(c, message, true)) touched.add(c.id); }
        else if (!caseId) scheduleResync();
        break;
      }
      case "note": {
        const c = caseId ? (state.cases.get(caseId) || adoptCase(caseId))
                         : (findCaseWithMessage(data.id) || findCaseWithMessage(data.clientId));
        if (c) { if (mergeNote(c, Object.assign({ at: ev.at }, data))) touched.add(c.id); }
        else if (!caseId) scheduleResync();
        break;
      }
      case "photo": {
        const c = caseId ? (state.cases.get(caseId) || adoptCase(caseId)) : null;
        if (c && mergePhoto(c, photoFromEvent(ev), true)) touched.add(c.id);
        break;
      }
      case "closed":
        if (caseId && state.cases.has(caseId)) {
          state.cases.get(caseId).closed = true;
          touched.add(caseId);
        } else if (!caseId) {
          scheduleResync();
        }
        break;
      case "consulted":
        if (caseId && data.professional && state.me && data.professional.id === state.me.id) adoptCase(caseId);
        break;
      default:
        break;
    }
  }
  // The queue changes in place. Only a list cut at the server's 500 needs the snapshot again (to pull
  // in the next case), as does an event this page could not place.
  if (joined && state.queueLoaded) {
    announce(t("newCase", { what: `${urgencyLabel(joined.urgency)}, ${serviceTitle(joined.serviceId)}` }));
    if (wasEmpty) { startBlink(t("newCaseTitle")); beep(); }
  }
  if (joined || queueLeft) {
    if (state.queue.length === 0 && title.reason === t("newCaseTitle")) stopBlink();
    renderQueue();
    updateTitle();
  }
  if (queueChanged || ((joined || queueLeft) && (state.queueBeyond || state.queue.length > QUEUE_LISTED))) scheduleQueueRefresh();
  for (const id of touched) {
    const c = state.cases.get(id);
    if (!c) continue;
    if (state.current === id) {
      if (c.closed) renderCase(); else { renderMessages(c); renderNotes(c); }
    }
  }
  if (touched.size) renderMine();
}

// ---------------------------------------------------------------- keyboard

document.addEventListener("keydown", (e) => {
  if (!state.me || $("workspace").hidden) return;
  const openDialogNode = document.querySelector("dialog[open]");
  const inDialog = !!openDialogNode;
  if (inDialog && e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    const form = openDialogNode.querySelector("form");
    if (form) { e.preventDefault(); form.requestSubmit(); }
    return;
  }
  if (e.altKey && !e.ctrlKey && !e.metaKey) {
    if (inDialog) return;
    // e.code, not e.key: Option+N on a Mac types a character instead of "n".
    switch (e.code) {
      case "KeyN": e.preventDefault(); pick(null); return;
      case "KeyC": e.preventDefault(); openCloseDialog(); return;
      case "KeyT": e.preventDefault(); openTransferDialog(); return;
      case "KeyK": e.preventDefault(); openConsultDialog(); return;
      case "KeyM": e.preventDefault(); if (!$("message-form").hidden && !$("case-view").hidden) $("message-input").focus(); return;
      case "KeyI": e.preventDefault(); if (!$("notes-panel").hidden) $("note-input").focus(); return;
      case "KeyQ": e.preventDefault(); $("queue-heading").focus(); return;
      default: {
        const m = /^Digit([1-9])$/.exec(e.code);
        if (m) {
          const id = state.order[Number(m[1]) - 1];
          if (id) { e.preventDefault(); openCase(id, { focus: true }); }
        }
      }
    }
  }
});

$("lang-select").addEventListener("change", (e) => setLanguage(e.target.value));

// Browsers start audio only after a user gesture: wake it on the first one.
for (const type of ["pointerdown", "keydown"]) {
  document.addEventListener(type, () => { if (soundEnabled()) ensureAudio(); }, { capture: true });
}

$("sound-toggle").addEventListener("change", (e) => {
  try { localStorage.setItem(SOUND_KEY, e.target.checked ? "on" : "off"); } catch { /* ignore */ }
  // The first sound needs a user gesture: this change is one. A short beep confirms.
  if (e.target.checked) { ensureAudio(); beep(); }
});

// ---------------------------------------------------------------- start

(async function start() {
  try { $("sound-toggle").checked = localStorage.getItem(SOUND_KEY) === "on"; } catch { /* ignore */ }
  applyStrings();
  let r = null;
  try { r = await api("GET", "/api/v1/pro/me"); } catch { r = null; }
  if (r && r.ok) { startWorkspace(r.data); return; }
  showLogin(r ? null : t("networkError"));
})();

})();
