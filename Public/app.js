"use strict";
// Neuvo resident page: whose matter → service → pre-questions → queue and chat.
// Plain script, no build step; every UI string is in T, catalog texts come localized from the API.

const T = {
  fi: {
    title: "Neuvo – digitaalinen vastaanotto", brand: "Neuvo – digitaalinen vastaanotto", skip: "Siirry sisältöön",
    emH: "Hätäohjeet", em112: "Hätätilanteessa soita", em116: "Päivystysapu", loading: "Ladataan…",
    steps: ["Kenen asia", "Palvelu", "Esitiedot", "Asiasi"], stepOf: "Vaihe {n}/4: {name}",
    subjectH: "Kenen asiaa hoidat?", subjectLegend: "Asia koskee", kindSelf: "Omaa asiaani", kindChild: "Lapseni asiaa",
    kindOther: "Toisen aikuisen asiaa, hänen suostumuksellaan", childName: "Lapsen etunimi", ageLegend: "Miten kerrot lapsen iän?",
    ageHint: "Alle 2-vuotiaasta lapsesta anna mieluiten syntymäaika.", ageYears: "Ikä vuosina", ageYearsLabel: "Lapsen ikä vuosina (0–17)",
    birthDate: "Syntymäaika", otherName: "Hänen nimensä", otherRelation: "Suhteesi häneen (esim. tytär)",
    otherConsent: "Hän on suostunut siihen, että hoidan asiaa hänen puolestaan.", continue: "Jatka", back: "Takaisin",
    eKind: "Valitse, kenen asiaa hoidat.", eRequired: "Tämä tieto puuttuu.", eChoose: "Valitse vaihtoehto.",
    eAge: "Anna ikä kokonaislukuna väliltä 0–17.", eBirth: "Anna syntymäaika, joka on menneisyydessä ja alle 18 vuoden takaa.",
    eConsent: "Tarvitaan hänen suostumuksensa.", eRange: "Anna luku väliltä {min}–{max}.", eWhole: "Anna kokonaisluku.", eNumber: "Anna luku.",
    serviceH: "Mitä asiasi koskee?", questionsH: "Esitiedot: {s}",
    questionsIntro: "Vastauksesi auttavat ohjaamaan asiasi oikealle ammattilaiselle.", optional: "(vapaaehtoinen)",
    yes: "Kyllä", no: "Ei", chars: "{n}/{max} merkkiä", range: "{min}–{max}",
    submit: "Lähetä vastaukset", sending: "Lähetetään…",
    forSelf: "Oma asiasi", forChild: "Lapsen asia: {name}", forOther: "Asia: {name} ({rel})",
    rf112: "Soita heti 112", rf116: "Soita päivystysapuun 116117", call112: "Soita 112", call116: "Soita 116117",
    redflagNote: "Vastaustesi perusteella asia ei voi odottaa chatissa. Asiaasi ei laitettu jonoon.",
    newMatter: "Aloita uusi asia", queueLabel: "Jono", position: "Olet jonossa sijalla {n}.",
    hQueued: "Asiasi on jonossa", hActive: "Asiaasi käsitellään", hClosed: "Asiasi on käsitelty", hWithdrawn: "Peruit asiasi",
    nextH: "Mitä seuraavaksi tapahtuu",
    nextQueued: "Ammattilainen ottaa asiasi käsittelyyn ja kirjoittaa sinulle tähän keskusteluun. Voit jo nyt kirjoittaa lisätietoja alle. Voit sulkea sivun: asiasi pysyy jonossa, ja voit palata siihen tällä selaimella.",
    nextActive: "{who} käsittelee asiaasi. Vastaa kysymyksiin alla olevassa keskustelussa.",
    nextClosed: "Keskustelu on päättynyt. Toimi alla olevien ohjeiden mukaan. Jos oireet pahenevat, soita 116117, hätätilanteessa 112.",
    nextWithdrawn: "Asiasi ei ole enää jonossa. Jos tarvitset vielä apua, aloita uusi asia.",
    someone: "Ammattilainen", target: "Pyrimme vastaamaan {d} kuluessa aukioloaikana.", minutes: "{n} minuutin", hours: "{n} tunnin",
    estimate: "Arvioitu odotusaika: {a}–{b} minuuttia.",
    nobody: "Juuri nyt kukaan ammattilainen ei ole vuorossa, joten odotusaikaa ei voi arvioida.",
    closedQ: "Jono on nyt suljettu. Se avautuu {when}.", closedQ0: "Jono on nyt suljettu.",
    instructionsH: "Ohjeet sinulle", withdraw: "Peru asiani", withdrawQ: "Haluatko perua asiasi? Se poistetaan jonosta.",
    withdrawYes: "Kyllä, peru asia", withdrawNo: "Ei, pidä asia jonossa", chatH: "Keskustelu", noMessages: "Ei vielä viestejä.",
    you: "Sinä", msgLabel: "Viestisi", send: "Lähetä", msgSending: "lähetetään…", msgFailed: "Viestiä ei lähetetty: {e}",
    announceMsg: "Uusi viesti, {who}: {text}", announcePicked: "{who} aloitti asiasi käsittelyn.",
    reconnecting: "Yhteys katkesi, yhdistetään uudelleen…", noCatalog: "Palvelu ei ole juuri nyt käytettävissä. Yritä myöhemmin uudelleen.",
    offline: "Palveluun ei saada yhteyttä. Tarkista verkkoyhteys ja yritä uudelleen.", failed: "Jokin meni vikaan. Yritä uudelleen.",
    emptyMsg: "Kirjoita viesti ennen lähettämistä.",
    addPhoto: "Lisää kuva", attachPhoto: "Liitä kuva", photoPrivacy: "Sijaintitiedot poistetaan kuvasta.",
    photoHint: "Voit lisätä enintään {max} kuvaa (JPEG, PNG tai WebP, enintään 10 Mt kukin). Kuvat lähetetään vastaustesi jälkeen.",
    photoHint1: "Voit lisätä yhden kuvan (JPEG, PNG tai WebP, enintään 10 Mt). Kuva lähetetään vastaustesi jälkeen.",
    photoCount: "Valittu {n}/{max} kuvaa.", thumbAlt: "Valittu kuva {n}: {name}", removePhoto: "Poista", removePhotoN: "Poista kuva {n}",
    photoRemoved: "Kuva poistettu.",
    ePhotoType: "{name} ei ole JPEG-, PNG- tai WebP-kuva. Valitse toinen kuva.",
    ePhotoSize: "{name} on liian suuri: kuvan enimmäiskoko on 10 Mt.",
    ePhotoMaxQ: "Voit lisätä enintään {max} kuvaa.", ePhotoCount: "Keskusteluun voi liittää enintään {max} kuvaa.",
    ePhotoEnded: "Keskustelu on päättynyt, joten kuvaa ei voi enää lähettää.",
    photoSending: "Lähetetään kuvaa…", photosSending: "Lähetetään kuvia, {n} jäljellä…", photoSent: "Kuva lähetetty.",
    photoAltMine: "Kuva (sinulta)", photoAltTheirs: "Kuva ammattilaiselta", opensNew: "(avautuu täysikokoisena uuteen välilehteen)",
    announcePhoto: "Uusi kuva, {who}.",
    feedbackH: "Palaute", scoreLegend: "Kuinka todennäköisesti suosittelisit tätä palvelua ystävällesi?",
    scoreHint: "0 = en lainkaan todennäköisesti, 10 = erittäin todennäköisesti", commentLabel: "Haluatko kertoa lisää?",
    feedbackSend: "Lähetä palaute", feedbackThanks: "Kiitos palautteestasi!", feedbackAlready: "Palautteesi on jo vastaanotettu. Kiitos!",
    eScore: "Valitse luku väliltä 0–10.", eNotClosed: "Palautetta voi antaa, kun asiasi on käsitelty.",
    hoursH: "Jonon aukioloajat", hoursClosed: "suljettu", hoursAllDay: "koko vuorokauden",
    worseCall: "Jos oireet pahenevat, soita päivystysapuun",
    staysNobody: "Asiasi pysyy jonossa, ja se otetaan käsittelyyn, kun ammattilainen tulee vuoroon.",
    staysClosed: "Asiasi pysyy jonossa, ja se otetaan käsittelyyn, kun jono aukeaa.",
    transferredQueue: "Asiasi siirrettiin jonoon: {queue}.", transferredPro: "Asiasi siirrettiin toiselle ammattilaiselle: {title}.",
    msgWaiting: "ei lähetetty – lähetetään, kun yhteys palaa",
    announceWaiting: "Viestiä ei voitu lähettää. Se lähetetään, kun yhteys palaa.", announceSentLater: "Viesti lähetetty.",
    demoH: "Testitunnistautuminen – vain demokäyttöön",
    demoNote: "Tämä ei ole oikea Suomi.fi-tunnistus. Palvelu on demotilassa: käytä vain keksittyä testihenkilön henkilötunnusta, älä omaasi.",
    demoLabel: "Testihenkilön henkilötunnus", demoHint: "Esimerkiksi 131052-308T", demoSubmit: "Tunnistaudu testihenkilönä",
    eDemoCode: "Tämä ei ole kelvollinen henkilötunnus. Tarkista syntymäaika, välimerkki ja tarkistusmerkki (esim. 131052-308T).",
    eDemoOther: "Olet jo tunnistautunut toisena henkilönä.",
    identified: "Tunnistettu: {name}", identifiedDemo: "Tunnistettu: {name}. Tämä on demon testitunnistus, ei oikea tunnistus.",
    eClosed: "Asia on jo päättynyt, joten siihen ei voi enää lähettää mitään.",
    eNotWithdrawable: "Asiaa ei voi enää perua jonosta: ammattilainen on jo ottanut sen käsittelyyn tai se on päättynyt.",
    eNoCatalog: "Palvelu ei ole juuri nyt käytettävissä. Yritä hetken kuluttua uudelleen. Kiireellisissä asioissa soita 116117, hätätilanteessa 112.",
    eBusy: "Palvelu on juuri nyt ruuhkautunut. Yritä hetken kuluttua uudelleen.",
    eAnswer: "Tarkista tämä vastaus.",
    eText: "Viesti on tyhjä tai liian pitkä.",
    eSubject: "Tarkista, kenen asiaa hoidat, ja täydennä tiedot."
  },
  sv: {
    title: "Neuvo – digital mottagning", brand: "Neuvo – digital mottagning", skip: "Hoppa till innehållet",
    emH: "Nödnummer", em112: "I nödsituationer ring", em116: "Jourhjälpen", loading: "Laddar…",
    steps: ["Vems ärende", "Tjänst", "Förhandsfrågor", "Ditt ärende"], stepOf: "Steg {n} av 4: {name}",
    subjectH: "Vems ärende sköter du?", subjectLegend: "Ärendet gäller", kindSelf: "Mitt eget", kindChild: "Mitt barns",
    kindOther: "En annan vuxens, med hens samtycke", childName: "Barnets förnamn", ageLegend: "Hur anger du barnets ålder?",
    ageHint: "För ett barn under 2 år, ange helst födelsedatum.", ageYears: "Ålder i år", ageYearsLabel: "Barnets ålder i år (0–17)",
    birthDate: "Födelsedatum", otherName: "Hens namn", otherRelation: "Din relation till hen (t.ex. dotter)",
    otherConsent: "Hen har samtyckt till att jag sköter ärendet för hens räkning.", continue: "Fortsätt", back: "Tillbaka",
    eKind: "Välj vems ärende du sköter.", eRequired: "Uppgiften saknas.", eChoose: "Välj ett alternativ.",
    eAge: "Ange åldern som ett heltal mellan 0 och 17.", eBirth: "Ange ett födelsedatum i det förflutna, för mindre än 18 år sedan.",
    eConsent: "Hens samtycke behövs.", eRange: "Ange ett tal mellan {min} och {max}.", eWhole: "Ange ett heltal.", eNumber: "Ange ett tal.",
    serviceH: "Vad gäller ditt ärende?", questionsH: "Förhandsfrågor: {s}",
    questionsIntro: "Dina svar hjälper oss att styra ärendet till rätt yrkesperson.", optional: "(frivillig)",
    yes: "Ja", no: "Nej", chars: "{n}/{max} tecken", range: "{min}–{max}",
    submit: "Skicka svaren", sending: "Skickas…",
    forSelf: "Ditt eget ärende", forChild: "Barnets ärende: {name}", forOther: "Ärende: {name} ({rel})",
    rf112: "Ring 112 nu", rf116: "Ring jourhjälpen 116117", call112: "Ring 112", call116: "Ring 116117",
    redflagNote: "Utifrån dina svar kan ärendet inte vänta i chatten. Ärendet placerades inte i kö.",
    newMatter: "Påbörja ett nytt ärende", queueLabel: "Kö", position: "Du är nummer {n} i kön.",
    hQueued: "Ditt ärende är i kö", hActive: "Ditt ärende behandlas", hClosed: "Ditt ärende är behandlat", hWithdrawn: "Du återkallade ditt ärende",
    nextH: "Vad händer härnäst",
    nextQueued: "En yrkesperson tar upp ditt ärende och skriver till dig här. Du kan redan nu skriva tilläggsuppgifter nedan. Du kan stänga sidan: ärendet stannar i kön och du kan återvända till det i den här webbläsaren.",
    nextActive: "{who} behandlar ditt ärende. Svara på frågorna i chatten nedan.",
    nextClosed: "Samtalet har avslutats. Följ instruktionerna nedan. Om symtomen förvärras, ring 116117, i nödsituationer 112.",
    nextWithdrawn: "Ditt ärende finns inte längre i kön. Om du fortfarande behöver hjälp, påbörja ett nytt ärende.",
    someone: "En yrkesperson", target: "Vi strävar efter att svara inom {d} under öppettiderna.", minutes: "{n} minuter", hours: "{n} timmar",
    estimate: "Uppskattad väntetid: {a}–{b} minuter.",
    nobody: "Just nu är ingen yrkesperson i tjänst, så väntetiden kan inte uppskattas.",
    closedQ: "Kön är stängd nu. Den öppnar {when}.", closedQ0: "Kön är stängd nu.",
    instructionsH: "Instruktioner till dig", withdraw: "Återkalla mitt ärende", withdrawQ: "Vill du återkalla ditt ärende? Det tas bort från kön.",
    withdrawYes: "Ja, återkalla", withdrawNo: "Nej, behåll det i kön", chatH: "Samtal", noMessages: "Inga meddelanden ännu.",
    you: "Du", msgLabel: "Ditt meddelande", send: "Skicka", msgSending: "skickas…", msgFailed: "Meddelandet skickades inte: {e}",
    announceMsg: "Nytt meddelande, {who}: {text}", announcePicked: "{who} började behandla ditt ärende.",
    reconnecting: "Anslutningen bröts, återansluter…", noCatalog: "Tjänsten är inte tillgänglig just nu. Försök igen senare.",
    offline: "Tjänsten kan inte nås. Kontrollera nätverksanslutningen och försök igen.", failed: "Något gick fel. Försök igen.",
    emptyMsg: "Skriv ett meddelande innan du skickar.",
    addPhoto: "Lägg till bild", attachPhoto: "Bifoga bild", photoPrivacy: "Platsuppgifterna tas bort från bilden.",
    photoHint: "Du kan lägga till högst {max} bilder (JPEG, PNG eller WebP, högst 10 MB per bild). Bilderna skickas efter dina svar.",
    photoHint1: "Du kan lägga till en bild (JPEG, PNG eller WebP, högst 10 MB). Bilden skickas efter dina svar.",
    photoCount: "{n}/{max} bilder valda.", thumbAlt: "Vald bild {n}: {name}", removePhoto: "Ta bort", removePhotoN: "Ta bort bild {n}",
    photoRemoved: "Bilden togs bort.",
    ePhotoType: "{name} är inte en JPEG-, PNG- eller WebP-bild. Välj en annan bild.",
    ePhotoSize: "{name} är för stor: en bild får vara högst 10 MB.",
    ePhotoMaxQ: "Du kan lägga till högst {max} bilder.", ePhotoCount: "Högst {max} bilder kan bifogas till samtalet.",
    ePhotoEnded: "Samtalet har avslutats, så bilden kan inte längre skickas.",
    photoSending: "Bilden skickas…", photosSending: "Bilderna skickas, {n} kvar…", photoSent: "Bilden skickades.",
    photoAltMine: "Bild (från dig)", photoAltTheirs: "Bild från yrkespersonen", opensNew: "(öppnas i full storlek i en ny flik)",
    announcePhoto: "Ny bild, {who}.",
    feedbackH: "Respons", scoreLegend: "Hur sannolikt är det att du skulle rekommendera den här tjänsten till en vän?",
    scoreHint: "0 = inte alls sannolikt, 10 = mycket sannolikt", commentLabel: "Vill du berätta mer?",
    feedbackSend: "Skicka respons", feedbackThanks: "Tack för din respons!", feedbackAlready: "Din respons har redan tagits emot. Tack!",
    eScore: "Välj ett tal mellan 0 och 10.", eNotClosed: "Du kan ge respons när ditt ärende har behandlats.",
    hoursH: "Köns öppettider", hoursClosed: "stängt", hoursAllDay: "dygnet runt",
    worseCall: "Om symtomen förvärras, ring jourhjälpen",
    staysNobody: "Ditt ärende stannar i kön och tas upp när en yrkesperson börjar sitt pass.",
    staysClosed: "Ditt ärende stannar i kön och tas upp när kön öppnar.",
    transferredQueue: "Ditt ärende flyttades till kön: {queue}.", transferredPro: "Ditt ärende överfördes till en annan yrkesperson: {title}.",
    msgWaiting: "inte skickat – skickas när anslutningen återkommer",
    announceWaiting: "Meddelandet kunde inte skickas. Det skickas när anslutningen återkommer.", announceSentLater: "Meddelandet skickades.",
    demoH: "Testidentifiering – endast för demo",
    demoNote: "Det här är inte en riktig Suomi.fi-identifiering. Tjänsten körs i demoläge: använd bara en påhittad testpersons personbeteckning, inte din egen.",
    demoLabel: "Testpersonens personbeteckning", demoHint: "Till exempel 131052-308T", demoSubmit: "Identifiera dig som testperson",
    eDemoCode: "Det här är inte en giltig personbeteckning. Kontrollera födelsedatumet, skiljetecknet och kontrolltecknet (t.ex. 131052-308T).",
    eDemoOther: "Du har redan identifierat dig som en annan person.",
    identified: "Identifierad: {name}", identifiedDemo: "Identifierad: {name}. Det här är demons testidentifiering, ingen riktig identifiering.",
    eClosed: "Ärendet har redan avslutats, så du kan inte längre skicka något.",
    eNotWithdrawable: "Ärendet kan inte längre tas bort ur kön: en yrkesperson har redan tagit det eller så har det avslutats.",
    eNoCatalog: "Tjänsten är inte tillgänglig just nu. Försök igen om en stund. I brådskande fall ring 116117, i nödsituationer 112.",
    eBusy: "Tjänsten är överbelastad just nu. Försök igen om en stund.",
    eAnswer: "Kontrollera det här svaret.",
    eText: "Meddelandet är tomt eller för långt.",
    eSubject: "Kontrollera vems ärende du sköter och fyll i uppgifterna."
  },
  en: {
    title: "Neuvo – digital clinic", brand: "Neuvo – digital clinic", skip: "Skip to content",
    emH: "Emergency numbers", em112: "In an emergency call", em116: "Medical helpline", loading: "Loading…",
    steps: ["Whose matter", "Service", "Pre-questions", "Your matter"], stepOf: "Step {n} of 4: {name}",
    subjectH: "Whose matter is this?", subjectLegend: "The matter is", kindSelf: "My own", kindChild: "My child's",
    kindOther: "Another adult's, with their consent", childName: "Child's first name", ageLegend: "How do you give the child's age?",
    ageHint: "For a child under 2, please give the birth date.", ageYears: "Age in years", ageYearsLabel: "Child's age in years (0–17)",
    birthDate: "Birth date", otherName: "Their name", otherRelation: "Your relation to them (e.g. daughter)",
    otherConsent: "They have agreed that I handle this matter on their behalf.", continue: "Continue", back: "Back",
    eKind: "Choose whose matter this is.", eRequired: "This is missing.", eChoose: "Choose an option.",
    eAge: "Give the age as a whole number from 0 to 17.", eBirth: "Give a birth date in the past, less than 18 years ago.",
    eConsent: "Their consent is needed.", eRange: "Give a number from {min} to {max}.", eWhole: "Give a whole number.", eNumber: "Give a number.",
    serviceH: "What is your matter about?", questionsH: "Pre-questions: {s}",
    questionsIntro: "Your answers help us direct your matter to the right professional.", optional: "(optional)",
    yes: "Yes", no: "No", chars: "{n}/{max} characters", range: "{min}–{max}",
    submit: "Send answers", sending: "Sending…",
    forSelf: "Your own matter", forChild: "Child's matter: {name}", forOther: "Matter of {name} ({rel})",
    rf112: "Call 112 now", rf116: "Call the medical helpline 116117", call112: "Call 112", call116: "Call 116117",
    redflagNote: "Based on your answers this cannot wait for the chat. Your matter was not put in a queue.",
    newMatter: "Start a new matter", queueLabel: "Queue", position: "You are number {n} in the queue.",
    hQueued: "Your matter is in the queue", hActive: "Your matter is being handled", hClosed: "Your matter has been handled", hWithdrawn: "You withdrew your matter",
    nextH: "What happens next",
    nextQueued: "A professional will take up your matter and write to you here. You can already add details below. You can close this page: your matter stays in the queue, and you can come back to it in this browser.",
    nextActive: "{who} is handling your matter. Answer their questions in the chat below.",
    nextClosed: "The conversation has ended. Follow the instructions below. If your symptoms get worse, call 116117; in an emergency, 112.",
    nextWithdrawn: "Your matter is no longer in the queue. If you still need help, start a new matter.",
    someone: "A professional", target: "We aim to reply within {d} while the service is open.", minutes: "{n} minutes", hours: "{n} hours",
    estimate: "Estimated wait: {a}–{b} minutes.",
    nobody: "No professional is on duty right now, so the wait cannot be estimated.",
    closedQ: "The queue is closed now. It opens {when}.", closedQ0: "The queue is closed now.",
    instructionsH: "Instructions for you", withdraw: "Withdraw my matter", withdrawQ: "Do you want to withdraw your matter? It will be removed from the queue.",
    withdrawYes: "Yes, withdraw", withdrawNo: "No, keep it in the queue", chatH: "Conversation", noMessages: "No messages yet.",
    you: "You", msgLabel: "Your message", send: "Send", msgSending: "sending…", msgFailed: "Message not sent: {e}",
    announceMsg: "New message from {who}: {text}", announcePicked: "{who} started handling your matter.",
    reconnecting: "Connection lost, reconnecting…", noCatalog: "The service is not available right now. Please try again later.",
    offline: "The service cannot be reached. Check your connection and try again.", failed: "Something went wrong. Please try again.",
    emptyMsg: "Write a message before sending.",
    addPhoto: "Add photo", attachPhoto: "Attach photo", photoPrivacy: "Location data is removed from the photo.",
    photoHint: "You can add up to {max} photos (JPEG, PNG or WebP, up to 10 MB each). They are sent after your answers.",
    photoHint1: "You can add one photo (JPEG, PNG or WebP, up to 10 MB). It is sent after your answers.",
    photoCount: "{n} of {max} photos chosen.", thumbAlt: "Chosen photo {n}: {name}", removePhoto: "Remove", removePhotoN: "Remove photo {n}",
    photoRemoved: "Photo removed.",
    ePhotoType: "{name} is not a JPEG, PNG or WebP image. Choose another photo.",
    ePhotoSize: "{name} is too large: a photo can be at most 10 MB.",
    ePhotoMaxQ: "You can add at most {max} photos.", ePhotoCount: "A conversation can hold at most {max} photos.",
    ePhotoEnded: "The conversation has ended, so the photo can no longer be sent.",
    photoSending: "Sending photo…", photosSending: "Sending photos, {n} left…", photoSent: "Photo sent.",
    photoAltMine: "Photo (from you)", photoAltTheirs: "Photo from the professional", opensNew: "(opens full size in a new tab)",
    announcePhoto: "New photo from {who}.",
    feedbackH: "Feedback", scoreLegend: "How likely is it that you would recommend this service to a friend?",
    scoreHint: "0 = not at all likely, 10 = extremely likely", commentLabel: "Would you like to tell us more?",
    feedbackSend: "Send feedback", feedbackThanks: "Thank you for your feedback!", feedbackAlready: "Your feedback has already been received. Thank you!",
    eScore: "Choose a number from 0 to 10.", eNotClosed: "Feedback can be given once your matter has been handled.",
    hoursH: "Queue opening hours", hoursClosed: "closed", hoursAllDay: "all day",
    worseCall: "If your symptoms get worse, call the medical helpline",
    staysNobody: "Your matter stays in the queue and is taken up when a professional comes on shift.",
    staysClosed: "Your matter stays in the queue and is taken up when the queue opens.",
    transferredQueue: "Your matter was passed on to the queue: {queue}.", transferredPro: "Your matter was passed on to another professional: {title}.",
    msgWaiting: "not sent – it will be sent when the connection returns",
    announceWaiting: "The message could not be sent. It will be sent when the connection returns.", announceSentLater: "Message sent.",
    demoH: "Test identification – for demo use only",
    demoNote: "This is not real Suomi.fi identification. The service is running in demo mode: use only a made-up test person's identity code, never your own.",
    demoLabel: "Test person's personal identity code", demoHint: "For example 131052-308T", demoSubmit: "Identify as a test person",
    eDemoCode: "This is not a valid Finnish personal identity code. Check the date, the century sign and the check character (e.g. 131052-308T).",
    eDemoOther: "You have already identified as another person.",
    identified: "Identified: {name}", identifiedDemo: "Identified: {name}. This is the demo's test identification, not real identification.",
    eClosed: "This matter has already ended, so nothing more can be sent to it.",
    eNotWithdrawable: "The matter can no longer be taken out of the queue: a professional has already taken it up, or it has ended.",
    eNoCatalog: "The service is not available right now. Please try again in a moment. If it is urgent, call 116117; in an emergency, 112.",
    eBusy: "The service is very busy right now. Please try again in a moment.",
    eAnswer: "Please check this answer.",
    eText: "The message is empty or too long.",
    eSubject: "Please check whose matter this is and fill in the details."
  }
};

const $ = (id) => document.getElementById(id);
const KEY_LANG = "neuvo.lang", KEY_CONV = "neuvo.conversation", KEY_OUTBOX = "neuvo.outbox", KEY_FEEDBACK = "neuvo.feedback.";
const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"], PHOTO_MAX_BYTES = 10 * 1024 * 1024, PHOTO_MAX = 10;
const STEPS = ["subject", "service", "questions", "conversation"];
const S = {
  lang: "fi", catalog: null, step: "loading", path: [], service: null, answers: {},
  subject: null, conv: null, cursor: 0, messages: new Map(), outbox: [], failed: [], gen: 0, live: false,
  // Photos: chosen in the pre-questions (by question id), being uploaded, and in the conversation (by photo id).
  drafts: {}, uploads: [], photos: new Map(), photoNodes: new Map(),
  // Lines of the timeline that are no one's message (the matter passed on), by event seq.
  notes: new Map(),
  // GET /api/v1/session: identification state and whether the demo's test identification is offered.
  session: null
};

function store(key, value) {
  try { value == null ? localStorage.removeItem(key) : localStorage.setItem(key, value); } catch (e) { /* private mode */ }
}
function load(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }

// ---- Text -----------------------------------------------------------------
function t(key, vars) {
  let s = T[S.lang][key] ?? T.en[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? "");
  return s;
}
const loc = (text) => !text ? "" : typeof text === "string" ? text : (text[S.lang] || text.fi || text.en || "");
const cap = (s) => s ? s[0].toLocaleUpperCase(S.lang) + s.slice(1) : s;
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === "text") el.textContent = v;
    else if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat()) if (kid != null) el.append(kid);
  return el;
}

function applyLang() {
  document.documentElement.lang = S.lang;
  document.title = t("title");
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of document.querySelectorAll("[data-ta]")) {
    const [attr, key] = el.dataset.ta.split(":");
    el.setAttribute(attr, t(key));
  }
  for (const b of document.querySelectorAll(".lang")) b.setAttribute("aria-pressed", String(b.dataset.lang === S.lang));
  for (const el of document.querySelectorAll(".error[data-key]")) el.textContent = t(el.dataset.key, JSON.parse(el.dataset.vars || "null"));
  renderProgress();
  renderIdentity();
  if (S.step === "service") renderServices();
  if (S.step === "questions") renderQuestions();
  if (S.step === "redflag") renderRedFlag();
  if (S.step === "conversation") { renderStatus(); renderMessages(); renderUploads(); }
}

// Clears, then sets after a moment, so a repeated text is read again; texts in quick succession are joined.
function announce(text) {
  const a = $("announcer");
  if (!text || (S.ann && S.ann.includes(text))) return;
  S.ann = S.ann ? S.ann + " " + text : text;
  a.textContent = "";
  clearTimeout(S.annTimer);
  S.annTimer = setTimeout(() => { a.textContent = S.ann; S.ann = ""; }, 80);
}
function notice(text) {
  const n = $("notice");
  n.hidden = !text;
  n.textContent = text || "";
}

// ---- Steps ------------------------------------------------------------------
function go(step, focus = true) {
  S.step = step;
  for (const sec of document.querySelectorAll(".step")) sec.hidden = sec.id !== "step-" + step;
  renderProgress();
  if (step === "service") renderServices();
  if (step === "questions") renderQuestions();
  if (step === "redflag") renderRedFlag();
  if (step === "conversation") { renderStatus(); renderMessages(); }
  if (focus) {
    const heading = document.querySelector("#step-" + step + " h1");
    heading.focus();
    window.scrollTo(0, 0);
  }
}
function renderProgress() {
  const i = STEPS.indexOf(S.step === "redflag" ? "conversation" : S.step);
  $("progress").textContent = i < 0 ? "" : t("stepOf", { n: i + 1, name: t("steps")[i] });
}

function showError(id, key, vars) {
  const el = $(id);
  if (!el) return;
  el.dataset.key = key;
  el.dataset.vars = vars ? JSON.stringify(vars) : "";
  el.textContent = key ? t(key, vars) : "";
  el.hidden = !key;
}
function showRawError(id, text) { const el = $(id); delete el.dataset.key; el.textContent = text; el.hidden = !text; }
// The server's error codes a resident can meet, in the page's own words; its English message is the last resort.
const SERVER_ERRORS = { conversation_closed: "eClosed", not_withdrawable: "eNotWithdrawable", no_catalog: "eNoCatalog",
  invalid_answer: "eAnswer", invalid_text: "eText", invalid_subject: "eSubject", overloaded: "eBusy", throttled: "eBusy" };
function serverErrorKey(err) { return SERVER_ERRORS[err.code] || (err.status === 503 || err.status === 429 ? "eBusy" : null); }
function serverErrorText(err) { const key = serverErrorKey(err); return key ? t(key) : err.message || t("failed"); }
function showServerError(id, err) {
  const key = err.status ? serverErrorKey(err) : "offline";
  if (key) showError(id, key); else showRawError(id, err.message || t("failed"));
}
function markInvalid(input, errId, bad) {
  if (!input) return;
  input.setAttribute("aria-invalid", String(bad));
  const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== errId);
  if (bad) ids.unshift(errId);
  ids.length ? input.setAttribute("aria-describedby", ids.join(" ")) : input.removeAttribute("aria-describedby");
}

// ---- Step 1: whose matter ---------------------------------------------------------
function subjectKind() { return document.querySelector("input[name=kind]:checked")?.value; }
function syncSubjectFields() {
  const kind = subjectKind();
  $("child-fields").hidden = kind !== "child";
  $("other-fields").hidden = kind !== "otherAdult";
  const byDate = $("agemode-date").checked;
  $("age-years-field").hidden = byDate;
  $("birth-date-field").hidden = !byDate;
}
// Today's date in Finland, as the server counts a child's age (YYYY-MM-DD): in UTC it is still
// yesterday between midnight and 02:00/03:00, and a baby born today could not be entered.
function todayFinland() {
  try { return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Helsinki", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date()); }
  catch (e) { return new Date().toISOString().slice(0, 10); }
}
function monthsSince(date) {
  const [y, m, d] = date.split("-").map(Number), [ty, tm, td] = todayFinland().split("-").map(Number);
  if (ty < y || (ty === y && (tm < m || (tm === m && td < d)))) return -1;
  return (ty - y) * 12 + (tm - m) - (td < d ? 1 : 0);
}
function readSubject() {
  const errs = [];
  const fail = (input, errId, key) => { showError(errId, key); markInvalid(input, errId, true); errs.push(input); };
  for (const id of ["err-kind", "err-child-name", "err-child-age", "err-child-birth", "err-other-name", "err-other-relation", "err-other-consent"]) showError(id, "");
  for (const el of document.querySelectorAll("#subject-form input")) markInvalid(el, el.getAttribute("aria-describedby")?.match(/err-[\w-]+/)?.[0], false);
  const kind = subjectKind();
  if (!kind) { fail($("subject-self"), "err-kind", "eKind"); return { errs }; }
  if (kind === "self") return { subject: { kind: "self" }, errs };
  if (kind === "child") {
    const firstName = $("child-name").value.trim();
    if (!firstName) fail($("child-name"), "err-child-name", "eRequired");
    const subject = { kind: "child", firstName };
    if ($("agemode-date").checked) {
      const b = $("child-birth").value, m = /^\d{4}-\d{2}-\d{2}$/.test(b) ? monthsSince(b) : -1;
      if (m < 0 || m >= 216) fail($("child-birth"), "err-child-birth", "eBirth");
      subject.birthDate = b; subject.months = m;
    } else {
      const a = $("child-age").value.trim();
      if (!/^\d{1,2}$/.test(a) || Number(a) > 17) fail($("child-age"), "err-child-age", "eAge");
      subject.ageYears = Number(a); subject.months = Number(a) * 12;
    }
    return { subject, errs };
  }
  const name = $("other-name").value.trim(), relation = $("other-relation").value.trim();
  if (!name) fail($("other-name"), "err-other-name", "eRequired");
  if (!relation) fail($("other-relation"), "err-other-relation", "eRequired");
  if (!$("other-consent").checked) fail($("other-consent"), "err-other-consent", "eConsent");
  return { subject: { kind: "otherAdult", name, relation, consent: true }, errs };
}
function subjectLine(subject) {
  if (!subject) return "";
  if (subject.kind === "child") return t("forChild", { name: subject.firstName });
  if (subject.kind === "otherAdult") return t("forOther", { name: subject.name, rel: subject.relation });
  return t("forSelf");
}

// ---- Step 2: service tree ------------------------------------------------------
function renderServices() {
  const parent = S.path[S.path.length - 1];
  const nodes = parent ? parent.children || [] : (S.catalog?.services || []);
  $("service-for").textContent = subjectLine(S.subject);
  $("h-service").textContent = parent ? loc(parent.title) : t("serviceH");
  $("service-list").replaceChildren(...nodes.map((node) => h("li", {},
    h("button", { type: "button", class: "service", "data-service": node.id, onclick: () => chooseService(node) },
      h("span", { class: "service-title", text: loc(node.title) }),
      node.description ? h("span", { class: "service-desc", text: loc(node.description) }) : null))));
}
function chooseService(node) {
  if (node.children && node.children.length) { S.path.push(node); go("service"); return; }
  if (S.service !== node) { S.answers = {}; clearDrafts(); }
  S.service = node;
  go("questions");
}

// ---- Step 3: pre-questions -----------------------------------------------------------
function holds(c, A, subj) {
  if (!c) return true;
  if (c.all) return c.all.every((x) => holds(x, A, subj));
  if (c.any) return c.any.some((x) => holds(x, A, subj));
  if (c.not) return !holds(c.not, A, subj);
  if ("subject" in c) return subj?.kind === c.subject;
  if ("childAgeUnderMonths" in c) return subj?.kind === "child" && subj.months < c.childAgeUnderMonths;
  const v = A[c.question];
  if ("equals" in c) return typeof v === "string" ? v === c.equals : typeof v === "boolean" ? (v ? "yes" : "no") === c.equals : false;
  if ("in" in c) return typeof v === "string" && c.in.includes(v);
  if ("includes" in c) return Array.isArray(v) && v.includes(c.includes);
  if ("atLeast" in c) return typeof v === "number" && v >= c.atLeast;
  if ("atMost" in c) return typeof v === "number" && v <= c.atMost;
  if ("answered" in c) return v !== undefined;
  return false;
}
function parseNumber(raw) {
  const s = String(raw ?? "").trim().replace(",", ".").replace("−", "-");
  return s && /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : null;
}
// The answers as the server reads them: in order, only shown questions, only valid values.
function evaluate() {
  const values = {}, shown = new Set();
  for (const q of S.service.questions || []) {
    if (!holds(q.showIf, values, S.subject)) continue;
    shown.add(q.id);
    const raw = S.answers[q.id];
    if (q.type === "singleChoice" && raw) values[q.id] = raw;
    else if (q.type === "yesNo" && (raw === "yes" || raw === "no")) values[q.id] = raw === "yes";
    else if (q.type === "multipleChoice" && raw && raw.length) values[q.id] = raw.slice();
    else if (q.type === "text" && raw && raw.trim()) values[q.id] = raw.trim();
    else if (q.type === "number") {
      const n = parseNumber(raw);
      if (n !== null && !(q.min != null && n < q.min) && !(q.max != null && n > q.max) && !(q.integer && !Number.isInteger(n))) values[q.id] = n;
    }
  }
  return { values, shown };
}
function fmtNum(n) { return n == null ? "" : new Intl.NumberFormat(S.lang + "-FI", { maximumFractionDigits: 2 }).format(n); }
function renderQuestions() {
  const svc = S.service;
  $("questions-for").textContent = subjectLine(S.subject);
  $("h-questions").textContent = t("questionsH", { s: loc(svc.title) });
  $("questions").replaceChildren(...(svc.questions || []).map(questionBlock));
  syncQuestions();
}
function questionBlock(q) {
  const id = "q-" + q.id, errId = "err-" + id, helpId = id + "-help";
  const err = h("p", { class: "error", id: errId, hidden: true });
  const help = q.help ? h("p", { class: "hint", id: helpId, text: loc(q.help) }) : null;
  const desc = help ? helpId : null;
  const textNode = [loc(q.text), q.required ? null : h("span", { class: "opt", text: " " + t("optional") })];
  const a = S.answers[q.id];
  const set = (v) => { S.answers[q.id] = v; syncQuestions(); };
  let body;
  if (q.type === "singleChoice" || q.type === "yesNo" || q.type === "multipleChoice") {
    const multi = q.type === "multipleChoice";
    const opts = q.type === "yesNo" ? [{ id: "yes", text: t("yes") }, { id: "no", text: t("no") }]
      : (q.options || []).map((o) => ({ id: o.id, text: loc(o.label) }));
    body = h("fieldset", { class: "group" + (q.type === "yesNo" ? " inline" : "") },
      h("legend", {}, textNode), help, err,
      opts.map((o) => h("div", { class: "choice" },
        h("input", {
          type: multi ? "checkbox" : "radio", name: id, id: id + "-" + o.id, value: o.id, "aria-describedby": desc,
          checked: multi ? (a || []).includes(o.id) : a === o.id,
          onchange: (e) => set(multi ? [...document.querySelectorAll(`input[name="${id}"]:checked`)].map((x) => x.value) : e.target.value)
        }),
        h("label", { for: id + "-" + o.id, text: o.text }))));
  } else if (q.type === "number") {
    const range = q.min != null && q.max != null ? " (" + t("range", { min: fmtNum(q.min), max: fmtNum(q.max) }) + (q.unit ? " " + q.unit : "") + ")" : "";
    body = h("div", { class: "field" },
      h("label", { for: id }, textNode, range), help, err,
      h("span", { class: "with-unit" },
        h("input", { id, type: "text", inputmode: q.integer ? "numeric" : "decimal", class: "short", "aria-describedby": desc,
          value: a ?? "", autocomplete: "off", oninput: (e) => set(e.target.value) }),
        q.unit ? h("span", { class: "unit", "aria-hidden": "true", text: q.unit }) : null));
  } else if (q.type === "text") {
    const max = q.maxLength || 2000, countId = id + "-count";
    const count = h("p", { class: "hint counter", id: countId, text: t("chars", { n: (a || "").length, max }) });
    body = h("div", { class: "field" },
      h("label", { for: id }, textNode), help, err,
      h("textarea", { id, rows: 3, maxlength: max, "aria-describedby": [desc, countId].filter(Boolean).join(" "),
        oninput: (e) => { count.textContent = t("chars", { n: e.target.value.length, max }); S.answers[q.id] = e.target.value; syncQuestions(); } }, a || ""),
      count);
  } else if (q.type === "photo") {
    body = photoQuestion(q, id, textNode, help, err);
  } else {
    body = h("div", { class: "field" }, h("p", { class: "qtext", text: loc(q.text) }), help, err);
  }
  return h("div", { class: "question", id: "question-" + q.id, "data-question": q.id }, body);
}
// A photo question: a picker (on a phone it offers the camera and the gallery; `capture` would hide the
// gallery), thumbnails from object URLs and remove buttons. The photos are uploaded once the answers
// have put the matter in a queue (not on a red flag).
function photoQuestion(q, id, textNode, help, err) {
  const max = q.maxCount || 1, list = S.drafts[q.id] || [];
  const textId = id + "-text", hintId = id + "-hint";
  const input = h("input", { type: "file", id, accept: PHOTO_TYPES.join(","), multiple: max > 1, hidden: true,
    onchange: (e) => addDrafts(q, e.target) });
  return h("div", { class: "field photo-q", role: "group", "aria-labelledby": textId },
    h("p", { class: "qtext", id: textId }, textNode), help, err,
    h("p", { class: "hint", id: hintId, text: t(max > 1 ? "photoHint" : "photoHint1", { max }) + " " + t("photoPrivacy") }),
    list.length ? h("ul", { class: "thumbs" }, list.map((d, i) => h("li", { class: "thumb" },
      h("img", { src: d.url, alt: t("thumbAlt", { n: i + 1, name: d.file.name }) }),
      h("button", { type: "button", class: "secondary remove", "aria-label": t("removePhotoN", { n: i + 1 }),
        text: t("removePhoto"), onclick: () => removeDraft(q, i) })))) : null,
    list.length ? h("p", { class: "hint", text: t("photoCount", { n: list.length, max }) }) : null,
    h("div", { class: "actions tight" },
      h("button", { type: "button", class: "secondary add-photo", disabled: list.length >= max,
        "aria-describedby": [help ? id + "-help" : null, hintId].filter(Boolean).join(" "),
        text: t("addPhoto"), onclick: () => input.click() })),
    input);
}
function photoProblem(file) {
  if (!PHOTO_TYPES.includes(file.type)) return "ePhotoType";
  if (file.size > PHOTO_MAX_BYTES) return "ePhotoSize";
  return "";
}
function addDrafts(q, input) {
  const max = q.maxCount || 1, list = (S.drafts[q.id] ||= []);
  let problem = null;
  for (const file of input.files) {
    const key = photoProblem(file);
    if (key) { problem ||= [key, { name: file.name }]; continue; }
    if (list.length >= max) { problem ||= ["ePhotoMaxQ", { max }]; break; }
    list.push({ file, url: URL.createObjectURL(file) });
  }
  input.value = "";
  redrawQuestion(q, problem);
  const block = $("question-" + q.id), add = block.querySelector(".add-photo");
  (add.disabled ? [...block.querySelectorAll(".remove")].pop() : add)?.focus();
  announce(problem ? t(problem[0], problem[1]) : t("photoCount", { n: list.length, max }));
}
function removeDraft(q, i) {
  const list = S.drafts[q.id] || [];
  const [d] = list.splice(i, 1);
  if (d) URL.revokeObjectURL(d.url);
  redrawQuestion(q);
  const block = $("question-" + q.id), removes = block.querySelectorAll(".remove");
  (removes[Math.min(i, removes.length - 1)] || block.querySelector(".add-photo")).focus();
  announce(t("photoRemoved"));
}
function redrawQuestion(q, problem) {
  $("question-" + q.id).replaceWith(questionBlock(q));
  syncQuestions();
  if (problem) setQuestionError(q.id, problem[0], problem[1]);
}
function clearDrafts() {
  for (const list of Object.values(S.drafts)) for (const d of list) URL.revokeObjectURL(d.url);
  S.drafts = {};
}
function syncQuestions() {
  const { shown } = evaluate();
  for (const block of document.querySelectorAll("#questions .question")) block.hidden = !shown.has(block.dataset.question);
}
function questionInputs(qid) { return [...document.querySelectorAll(`#question-${qid} input, #question-${qid} textarea`)]; }
function setQuestionError(qid, key, vars, raw) {
  const errId = "err-q-" + qid;
  if (raw) showRawError(errId, raw); else showError(errId, key, vars);
  for (const input of questionInputs(qid)) markInvalid(input, errId, !!(key || raw));
}
function validateQuestions() {
  const { values, shown } = evaluate();
  let first = null;
  for (const q of S.service.questions || []) {
    let key = "", vars;
    if (shown.has(q.id) && q.type !== "photo") {
      const raw = S.answers[q.id];
      if (q.type === "number" && raw != null && String(raw).trim() !== "") {
        const n = parseNumber(raw);
        if (n === null) key = "eNumber";
        else if ((q.min != null && n < q.min) || (q.max != null && n > q.max)) { key = "eRange"; vars = { min: fmtNum(q.min), max: fmtNum(q.max) }; }
        else if (q.integer && !Number.isInteger(n)) key = "eWhole";
      } else if (q.required && values[q.id] === undefined) {
        key = q.type === "number" || q.type === "text" ? "eRequired" : "eChoose";
      }
    }
    setQuestionError(q.id, key, vars);
    if (key && !first) first = q.id;
  }
  return { first, values };
}

async function submitAnswers(e) {
  e.preventDefault();
  showError("err-submit", "");
  const { first, values } = validateQuestions();
  if (first) { questionInputs(first)[0]?.focus(); return; }
  const { shown } = evaluate();
  const button = $("submit-answers");
  if (button.disabled) return;
  button.disabled = true;
  button.textContent = t("sending");
  const subject = { ...S.subject };
  delete subject.months;
  try {
    let result;
    for (let attempt = 0; ; attempt++) {
      if (!S.conv) {
        const c = await api("/api/v1/conversations", {});
        setConversation({ id: c.id, status: c.status });
      }
      try {
        result = await api(`/api/v1/conversations/${S.conv.id}/pre-questionnaire`, { serviceId: S.service.id, subject, answers: values });
        break;
      } catch (err) {
        if (err.status === 404 && attempt === 0) { setConversation(null); continue; } // the session ended: start over
        throw err;
      }
    }
    if (result.outcome === "redFlag") {
      S.conv.status = "closed";
      S.conv.redFlag = { action: result.action, message: result.message };
      clearDrafts();
      go("redflag");
    } else {
      Object.assign(S.conv, { status: "queued", queue: result.queue, position: result.position, subject: S.subject });
      S.live = false;
      const photos = (S.service.questions || []).filter((q) => q.type === "photo" && shown.has(q.id))
        .flatMap((q) => (S.drafts[q.id] || []).map((d) => d.file));
      clearDrafts();
      go("conversation");
      poll();
      if (photos.length) queuePhotos(photos);
    }
  } catch (err) {
    if (err.status === 409) { resume(S.conv.id); return; }
    const m = /^answers\.(.+)$/.exec(err.field || "");
    if (m && document.getElementById("question-" + m[1])) {
      setQuestionError(m[1], "eAnswer");
      questionInputs(m[1])[0]?.focus();
    } else if (err.field === "subject") {
      go("subject");
      showServerError("err-kind", err);
    } else {
      showServerError("err-submit", err);
    }
  } finally {
    button.disabled = false;
    button.textContent = t("submit");
  }
}

// ---- API ------------------------------------------------------------------------------
async function api(path, body) {
  const init = body === undefined ? { cache: "no-store" } : {
    method: "POST", body: JSON.stringify(body),
    headers: { "X-Requested-With": "neuvo", "Content-Type": "application/json" }
  };
  let response;
  try { response = await fetch(path, init); } catch (e) { const err = new Error("network"); err.status = 0; throw err; }
  let data = null;
  try { data = await response.json(); } catch (e) { /* empty */ }
  if (!response.ok) {
    const err = new Error(data?.error?.message || "HTTP " + response.status);
    Object.assign(err, { status: response.status, code: data?.error?.code, field: data?.error?.field });
    throw err;
  }
  return data;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Like sleep, but over at once when the browser says the network is back.
function sleepUntilOnline(ms) {
  return new Promise((r) => {
    const done = () => { clearTimeout(timer); window.removeEventListener("online", done); r(); };
    const timer = setTimeout(done, ms);
    window.addEventListener("online", done);
  });
}

// ---- Conversation --------------------------------------------------------------
function setConversation(conv) {
  S.gen++;
  S.conv = conv;
  S.cursor = 0;
  S.messages = new Map();
  S.photos = new Map();
  S.photoNodes = new Map();
  S.notes = new Map();
  S.live = false;
  $("feedback-form").reset();
  showError("err-score", "");
  showError("err-feedback", "");
  showError("err-photo", "");
  store(KEY_CONV, conv ? conv.id : null);
}
const terminal = (status) => status === "closed" || status === "withdrawn";
function queueName(queue) {
  if (!queue) return "";
  if (queue.name) return loc(queue.name);
  return loc(S.catalog?.queues?.find((q) => q.id === queue.id)?.name) || "";
}
function who(p) { return p ? [p.displayName, p.title].filter(Boolean).join(", ") : ""; }

function renderStatus() {
  const c = S.conv;
  if (!c) return;
  const status = c.status;
  $("conv-for").textContent = subjectLine(c.subject);
  $("h-conv").textContent = t({ queued: "hQueued", active: "hActive", closed: "hClosed", withdrawn: "hWithdrawn" }[status] || "hQueued");
  $("conv-queue").textContent = queueName(c.queue);
  $("conv-queue-row").hidden = !c.queue;
  const queued = status === "queued";
  $("conv-position").textContent = queued && c.position ? t("position", { n: c.position }) : "";
  $("conv-position").hidden = !(queued && c.position);
  const e = queued ? c.estimate : null, est = estimateText(e);
  $("conv-estimate").textContent = est;
  $("conv-estimate").hidden = !est;
  renderWaitInfo(c, e);
  const moved = c.transfer && !terminal(status) ? transferText(c.transfer) : "";
  $("conv-transfer").textContent = moved;
  $("conv-transfer").hidden = !moved;
  $("conv-next").textContent = status === "active" ? t("nextActive", { who: cap(who(c.professional)) || t("someone") })
    : status === "closed" ? t("nextClosed") : status === "withdrawn" ? t("nextWithdrawn") : t("nextQueued");
  const q = c.queue && S.catalog?.queues?.find((x) => x.id === c.queue.id);
  const m = q?.targetFirstResponseMinutes;
  $("conv-target").textContent = queued && m ? t("target", { d: m >= 120 && m % 60 === 0 ? t("hours", { n: m / 60 }) : t("minutes", { n: m }) }) : "";
  $("conv-target").hidden = !$("conv-target").textContent;
  $("conv-instructions").hidden = !(status === "closed" && c.instructions);
  $("conv-instructions-text").textContent = c.instructions || "";
  $("withdraw").hidden = !(queued || status === "open");
  if ($("withdraw").hidden) $("withdraw-confirm").hidden = true;
  for (const b of document.querySelectorAll("#step-conversation .new-matter")) b.hidden = !terminal(status);
  $("chat-form").hidden = terminal(status);
  $("chat").hidden = terminal(status) && !S.messages.size && !S.photos.size;
  renderFeedback();
}

function estimateText(e) {
  if (!e) return "";
  if (e.state === "estimate") return t("estimate", { a: e.minMinutes, b: e.maxMinutes });
  if (e.state === "nobodyOnShift") return t("nobody");
  if (e.state === "closed") {
    return e.opensAt ? t("closedQ", { when: new Intl.DateTimeFormat(S.lang + "-FI", { weekday: "long", day: "numeric", month: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Helsinki" }).format(new Date(e.opensAt)) }) : t("closedQ0");
  }
  return "";
}
// When no number can be given (nobody on shift, or the queue closed): the matter stays in the queue,
// the queue's opening hours, and where to call meanwhile.
function renderWaitInfo(c, e) {
  const show = !!e && (e.state === "nobodyOnShift" || e.state === "closed");
  $("conv-wait-info").hidden = !show;
  if (!show) return;
  $("conv-wait-stays").textContent = t(e.state === "closed" ? "staysClosed" : "staysNobody");
  const q = c.queue && S.catalog?.queues?.find((x) => x.id === c.queue.id);
  const lines = q ? hoursLines(q.openingHours) : [];
  $("h-hours").hidden = !lines.length;
  $("conv-hours").hidden = !lines.length;
  $("conv-hours").replaceChildren(...lines.map((l) => h("li", {}, h("span", { class: "days", text: l.days }), " ", h("span", { text: l.hours }))));
}
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
function dayName(i) {
  // 1 January 2024 was a Monday.
  return new Intl.DateTimeFormat(S.lang + "-FI", { weekday: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, 1 + i)));
}
function fmtClock(hm) {
  const [hh, mm] = hm.split(":");
  return S.lang === "en" ? `${hh}:${mm}` : `${Number(hh)}.${mm}`;
}
// Opening hours (Finnish time) as lines, consecutive days with the same hours joined: "Maanantai–perjantai 8.00–16.00".
function hoursLines(hours) {
  const spans = WEEKDAYS.map((d) => {
    const ranges = hours?.[d] || [];
    if (!ranges.length) return t("hoursClosed");
    if (ranges.length === 1 && ranges[0][0] === "00:00" && ranges[0][1] === "24:00") return t("hoursAllDay");
    return ranges.map(([a, b]) => fmtClock(a) + "–" + fmtClock(b)).join(", ");
  });
  const lines = [];
  for (let i = 0; i < 7;) {
    let j = i;
    while (j + 1 < 7 && spans[j + 1] === spans[i]) j++;
    lines.push({ days: cap(i === j ? dayName(i) : dayName(i) + "–" + dayName(j)), hours: spans[i] });
    i = j + 1;
  }
  return lines;
}
// The matter passed on: to a colleague (only their title is known) or back to a queue.
function transferText(tr) {
  return tr.queue ? t("transferredQueue", { queue: queueName(tr.queue) }) : t("transferredPro", { title: tr.title || t("someone") });
}

function fmtTime(at) {
  const d = new Date(at);
  if (isNaN(d)) return "";
  const same = d.toDateString() === new Date().toDateString();
  return new Intl.DateTimeFormat(S.lang + "-FI", same ? { hour: "2-digit", minute: "2-digit" } : { day: "numeric", month: "numeric", hour: "2-digit", minute: "2-digit" }).format(d);
}
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
        h("p", { class: "meta" }, h("span", { class: "when", text: fmtTime(m.at) })),
        h("p", { class: "text", text: transferText(m.transfer) }));
    }
    const mine = m.author ? m.author === "resident" : true;
    const name = mine ? t("you") : who(m.professional) || t("someone");
    const state = m.error ? t("msgFailed", { e: m.error }) : m.seq ? fmtTime(m.at) : m.waiting ? t("msgWaiting") : t("msgSending");
    return h("li", { class: "msg " + (mine ? "mine" : "theirs") + (m.seq ? "" : " pending") + (m.waiting && !m.seq ? " waiting" : "") + (m.error ? " failed" : ""), "data-client-id": m.clientId, "data-id": m.id },
      h("p", { class: "meta" }, h("span", { class: "who", text: name }), " ", h("span", { class: "when", text: state })),
      h("p", { class: "text", text: m.text }));
  }));
  $("no-messages").hidden = items.length > 0;
  if (atBottom || S.justSent) box.scrollTop = box.scrollHeight;
  S.justSent = false;
}

function applyEvent(ev) {
  const c = S.conv, d = ev.data || {};
  switch (ev.type) {
    case "message": {
      const known = S.messages.has(d.id);
      const mine = S.outbox.some((p) => p.clientId === d.clientId) || S.sentHere?.has(d.clientId);
      S.messages.set(d.id, { id: d.id, clientId: d.clientId, author: d.author, text: d.text, seq: ev.seq, at: ev.at, professional: d.professional });
      dropFromOutbox(d.clientId);
      if (S.live && !known && !mine) announce(t("announceMsg", { who: d.author === "resident" ? t("you") : who(d.professional) || t("someone"), text: d.text }));
      break;
    }
    case "photo": {
      const known = S.photos.has(d.id);
      addPhoto(d, ev.seq);
      if (S.live && !known && d.author !== "resident") announce(t("announcePhoto", { who: who(c.professional) || t("someone") }));
      break;
    }
    case "queued": c.status = "queued"; c.queue = d.queue; break;
    case "redFlag": c.status = "closed"; c.redFlag = { action: d.action, message: d.message }; break;
    case "withdrawn": c.status = "withdrawn"; break;
    case "picked":
      c.status = "active"; c.professional = d.professional; c.transfer = null; break;
    case "transferred": {
      // The event names a queue, or a colleague by title only.
      const tr = d.queue ? { queue: d.queue } : { title: d.professional?.title || "" };
      const known = S.notes.has(ev.seq);
      S.notes.set(ev.seq, { seq: ev.seq, at: ev.at, transfer: tr });
      c.transfer = tr;
      if (d.queue) { c.status = "queued"; c.queue = d.queue; c.professional = null; } else if (d.professional) { c.status = "active"; c.professional = { title: tr.title }; }
      if (S.live && !known) announce(transferText(tr));
      break;
    }
    case "closed":
      c.status = "closed"; c.instructions = d.instructions; c.closedOutcome = d.outcome || "closed";
      if (d.professional) c.professional = d.professional;
      break;
    case "status": if (d.status) c.status = d.status; break;
  }
}

async function poll() {
  if (!S.conv || S.polling === S.gen) return;
  const gen = S.polling = S.gen, id = S.conv.id;
  let delay = 1000;
  // The first round replays the history (even of an ended matter); later rounds wait for news.
  while (gen === S.gen && !(S.live && terminal(S.conv.status))) {
    const c = S.conv;
    let url = `/api/v1/conversations/${id}/events?after=${S.cursor}&wait=${S.live ? 25 : 0}`;
    if (c.status === "queued" && c.position != null) url += "&position=" + c.position;
    if (c.status === "queued" && c.estimate?.key) url += "&estimate=" + encodeURIComponent(c.estimate.key);
    try {
      const r = await api(url);
      if (gen !== S.gen) break;
      notice("");
      delay = 1000;
      const before = { status: c.status, position: c.position, estimate: c.status === "queued" ? c.estimate?.key : null };
      for (const ev of r.events) applyEvent(ev);
      S.cursor = r.next;
      if (r.status) c.status = r.status;
      c.position = c.status === "queued" ? r.position : null;
      c.estimate = r.estimate || null;
      if (c.redFlag) { if (S.step !== "redflag") go("redflag", S.step !== "loading"); break; }
      if (S.step !== "conversation") go("conversation", S.step !== "loading");
      else {
        renderStatus();
        renderMessages();
        if (S.live && c.status !== before.status) {
          announce($("h-conv").textContent + ". " + $("conv-next").textContent);
          if (c.status === "queued" && c.position) announce(t("position", { n: c.position }));
        } else if (S.live && c.status === "queued") {
          // The place in the queue and the wait estimate, each only when it changed.
          if (c.position && c.position !== before.position) announce(t("position", { n: c.position }));
          if (c.estimate && c.estimate.key !== before.estimate) announce(estimateText(c.estimate));
        }
      }
      if (!S.live) resumeUploads(id);
      S.live = true;
    } catch (err) {
      if (gen !== S.gen) break;
      if (err.status === 404) { setConversation(null); go("subject"); break; }
      notice(t("reconnecting"));
      await sleepUntilOnline(delay);
      delay = Math.min(delay * 2, 5000);
    }
  }
  if (gen === S.polling) S.polling = null;
}

// ---- Messages: idempotent sending ------------------------------------------------------
function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
  const x = [...b].map((v) => v.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
function saveOutbox() { store(KEY_OUTBOX, S.outbox.length ? JSON.stringify(S.outbox.map(({ conv, clientId, text }) => ({ conv, clientId, text }))) : null); }
function dropFromOutbox(clientId) {
  const n = S.outbox.length;
  S.outbox = S.outbox.filter((p) => p.clientId !== clientId);
  if (S.outbox.length !== n) saveOutbox();
}
function sendChat(e) {
  e.preventDefault();
  const ta = $("chat-text"), text = ta.value;
  showError("err-chat", "");
  markInvalid(ta, "err-chat", false);
  if (!text.trim()) { showError("err-chat", "emptyMsg"); markInvalid(ta, "err-chat", true); ta.focus(); return; }
  const item = { conv: S.conv.id, clientId: uuid(), text };
  (S.sentHere ||= new Set()).add(item.clientId);
  S.outbox.push(item);
  saveOutbox();
  ta.value = "";
  S.justSent = true;
  renderMessages();
  deliver(item);
}
// Sent with its clientId until the server has it (a retry of a message that did arrive is answered with
// the stored one); while it cannot be sent it shows as not sent, and it is kept in localStorage for a reload.
async function deliver(item) {
  if (item.delivering) return;
  item.delivering = true;
  let delay = 1000;
  while (S.outbox.includes(item)) {
    try {
      const m = await api(`/api/v1/conversations/${item.conv}/messages`, { clientId: item.clientId, text: item.text });
      if (S.conv?.id === item.conv) S.messages.set(m.id, { ...m, at: m.at });
      dropFromOutbox(item.clientId);
      renderMessages();
      if (item.waiting) announce(t("announceSentLater"));
      return;
    } catch (err) {
      if (!err.status && !item.waiting) { item.waiting = true; renderMessages(); announce(t("announceWaiting")); }
      if (err.status && err.status < 500 && err.status !== 429) {
        item.error = serverErrorText(err);
        S.outbox = S.outbox.filter((p) => p !== item);
        saveOutbox();
        S.failed.push(item);
        renderMessages();
        return;
      }
      await sleepUntilOnline(delay);
      delay = Math.min(delay * 2, 5000);
    }
  }
}

// ---- Photos in the conversation ---------------------------------------------------------
function addPhoto(d, seq) {
  const old = S.photos.get(d.id);
  S.photos.set(d.id, { id: d.id, author: d.author, mediaType: d.mediaType, width: d.width, height: d.height, size: d.size, at: d.at,
    seq: seq ?? old?.seq, professional: old ? old.professional : d.author === "resident" ? null : S.conv?.professional });
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
  li.querySelector(".when").textContent = fmtTime(p.at);
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
function choosePhotos(e) {
  const files = [...e.target.files];
  e.target.value = "";
  queuePhotos(files);
}
// Checked here first (type, size, count); the server checks again and strips location and other metadata.
function queuePhotos(files) {
  if (!S.conv) return;
  showError("err-photo", "");
  for (const file of files) {
    const key = photoProblem(file);
    if (key) { showError("err-photo", key, { name: file.name }); continue; }
    if (S.photos.size + S.uploads.filter((u) => u.conv === S.conv.id).length >= PHOTO_MAX) {
      showError("err-photo", "ePhotoCount", { max: PHOTO_MAX });
      break;
    }
    const item = { conv: S.conv.id, file, clientId: uuid() };
    S.uploads.push(item);
    keepUpload(item);
  }
  renderUploads();
  pumpUploads();
}

// ---- Photos waiting to be sent survive a reload or a lost connection --------------------------
// Each is kept in IndexedDB (the file itself, with its X-Client-Id) until the server has answered for
// it; a page that opens the conversation again sends what is left. The id makes a repeat harmless.
function uploadsDB() {
  return new Promise((resolve, reject) => {
    if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
    const open = indexedDB.open("neuvo-uploads", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("uploads", { keyPath: "clientId" });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}
async function withUploads(mode, work) {
  const db = await uploadsDB();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction("uploads", mode);
      const result = work(tx.objectStore("uploads"));
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  } finally { db.close(); }
}
async function keepUpload(item) {
  try { await withUploads("readwrite", (st) => st.put({ clientId: item.clientId, conv: item.conv, file: item.file, at: Date.now() })); } catch (e) { /* kept in memory only */ }
}
// A health photo must not linger on a shared computer: kept at most a day, and only for the open matter.
const UPLOAD_KEEP_MS = 24 * 3600 * 1000;
async function forgetUpload(item) {
  try { await withUploads("readwrite", (st) => st.delete(item.clientId)); } catch (e) { /* nothing kept */ }
}
// Puts back in line what an earlier page (or an earlier try) of this conversation left unsent, and
// forgets what belongs to no open matter (`conv` null: there is none) or has waited too long.
async function resumeUploads(conv) {
  let kept = [];
  try { kept = await withUploads("readonly", (st) => st.getAll()); } catch (e) { return; }
  const stale = (kept || []).filter((k) => k.conv !== conv || !(Date.now() - (k.at || 0) < UPLOAD_KEEP_MS));
  for (const k of stale) forgetUpload(k);
  const mine = (kept || []).filter((k) => !stale.includes(k) && k.file && !S.uploads.some((u) => u.clientId === k.clientId));
  if (!mine.length || S.conv?.id !== conv) return;
  for (const k of mine) S.uploads.push({ conv, file: k.file, clientId: k.clientId });
  renderUploads();
  pumpUploads();
}
window.addEventListener("online", () => { if (S.conv && S.live) resumeUploads(S.conv.id); });
function renderUploads() {
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
          renderMessages();
          announce(t("photoSent"));
        }
      } catch (err) {
        // Refused for good: forgotten. Not reached (offline for a minute): kept for the next try.
        if (err.status) forgetUpload(item);
        if (S.conv?.id === item.conv) {
          const key = PHOTO_ERRORS[err.code];
          if (key) showError("err-photo", key, { name: item.file.name, max: PHOTO_MAX });
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
    let response = null, data = null;
    try {
      response = await fetch(`/api/v1/conversations/${encodeURIComponent(item.conv)}/photos`, {
        method: "POST", body: item.file,
        headers: { "X-Requested-With": "neuvo", "Content-Type": item.file.type, "X-Client-Id": item.clientId }
      });
      try { data = await response.json(); } catch (e) { /* empty */ }
    } catch (e) { /* network: tried again below */ }
    if (response?.ok) return data;
    if (response && response.status < 500 && response.status !== 429) {
      const err = new Error(data?.error?.message || "HTTP " + response.status);
      Object.assign(err, { status: response.status, code: data?.error?.code });
      throw err;
    }
    if (Date.now() - started > 60000) { const err = new Error("network"); err.status = 0; throw err; }
    await sleepUntilOnline(delay);
  }
}

// ---- Feedback, once a professional has closed the matter -------------------------------------
function buildScale() {
  $("score-scale").replaceChildren(...Array.from({ length: 11 }, (_, n) => h("div", { class: "score" },
    h("input", { type: "radio", name: "score", id: "score-" + n, value: String(n) }),
    h("label", { for: "score-" + n, text: String(n) }))));
}
function renderFeedback() {
  const c = S.conv, show = !!(c && c.status === "closed" && c.closedOutcome && !c.redFlag);
  $("feedback").hidden = !show;
  if (!show) return;
  const done = load(KEY_FEEDBACK + c.id);
  $("feedback-form").hidden = !!done;
  $("feedback-thanks").hidden = !done;
  $("feedback-thanks").textContent = done ? t(done === "already" ? "feedbackAlready" : "feedbackThanks") : "";
  $("feedback-count").textContent = t("chars", { n: $("feedback-comment").value.length, max: 1000 });
}
async function sendFeedback(e) {
  e.preventDefault();
  const c = S.conv, button = $("feedback-submit");
  if (!c || button.disabled) return;
  showError("err-score", "");
  showError("err-feedback", "");
  const checked = document.querySelector("input[name=score]:checked");
  $("score-group").setAttribute("aria-describedby", checked ? "score-hint" : "err-score score-hint");
  if (!checked) { showError("err-score", "eScore"); $("score-0").focus(); return; }
  const body = { score: Number(checked.value) }, comment = $("feedback-comment").value.trim();
  if (comment) body.comment = comment;
  button.disabled = true;
  button.textContent = t("sending");
  try {
    await api(`/api/v1/conversations/${encodeURIComponent(c.id)}/feedback`, body);
    feedbackDone(c, "given");
  } catch (err) {
    if (err.code === "feedback_given") feedbackDone(c, "already");
    else if (err.code === "invalid_score") showError("err-score", "eScore");
    else if (err.code === "not_closed") showError("err-feedback", "eNotClosed");
    else showServerError("err-feedback", err);
  } finally {
    button.disabled = false;
    button.textContent = t("feedbackSend");
  }
}
function feedbackDone(c, how) {
  store(KEY_FEEDBACK + c.id, how);
  if (S.conv !== c) return;
  renderFeedback();
  $("feedback-thanks").focus();
}

// ---- Red flag --------------------------------------------------------------------------
function renderRedFlag() {
  const rf = S.conv?.redFlag;
  if (!rf) return;
  const is112 = rf.action === "call112";
  $("h-redflag").textContent = t(is112 ? "rf112" : "rf116");
  $("redflag-message").textContent = loc(rf.message);
  const call = $("redflag-call");
  call.href = is112 ? "tel:112" : "tel:116117";
  call.textContent = t(is112 ? "call112" : "call116");
}

// ---- Withdraw and new matter -----------------------------------------------------------------
function askWithdraw() {
  $("withdraw-confirm").hidden = false;
  showError("err-withdraw", "");
  $("withdraw-q").focus();
}
async function withdraw() {
  try {
    const c = await api(`/api/v1/conversations/${S.conv.id}/withdraw`, {});
    S.conv.status = c.status;
    $("withdraw-confirm").hidden = true;
    renderStatus();
    $("h-conv").focus();
    announce($("h-conv").textContent);
  } catch (err) {
    showServerError("err-withdraw", err);
  }
}
function newMatter() {
  setConversation(null);
  clearDrafts();
  S.path = []; S.service = null; S.answers = {}; S.subject = null;
  $("subject-form").reset();
  syncSubjectFields();
  go("subject");
}

// ---- Identification: the session's state, and demo mode's test identification ------------------
function renderIdentity() {
  const s = S.session, id = s?.identity;
  $("ident-status").hidden = !id;
  $("ident-status").textContent = id ? t(id.method === "demo" ? "identifiedDemo" : "identified", { name: id.name || id.code }) : "";
  // Offered only when the server says so (demo mode), and only until identified.
  $("demo-ident").hidden = !(s?.demoIdentification && !id);
}
async function loadSession() {
  try {
    S.session = await api("/api/v1/session");
    renderIdentity();
  } catch (err) { /* no identification shown */ }
}
async function demoIdentify(e) {
  e.preventDefault();
  const input = $("demo-code"), button = $("demo-submit"), code = input.value.trim();
  showError("err-demo", "");
  markInvalid(input, "err-demo", false);
  if (!code) { showError("err-demo", "eRequired"); markInvalid(input, "err-demo", true); input.focus(); return; }
  if (button.disabled) return;
  button.disabled = true;
  try {
    const r = await api("/api/v1/identification/demo", { personalIdentityCode: code });
    S.session = { ...(S.session || {}), identified: true, identity: r.identity };
    input.value = "";
    renderIdentity();
    $("ident-status").focus();
    announce($("ident-status").textContent);
  } catch (err) {
    const key = { invalid_personalIdentityCode: "eDemoCode", identity_mismatch: "eDemoOther" }[err.code];
    if (key) showError("err-demo", key); else showServerError("err-demo", err);
    markInvalid(input, "err-demo", true);
    input.focus();
  } finally {
    button.disabled = false;
  }
}

// ---- Start -------------------------------------------------------------------------------
async function loadCatalog() {
  for (let delay = 1000; ; delay = Math.min(delay * 2, 10000)) {
    try {
      S.catalog = await api("/api/v1/catalog");
      notice("");
      if (S.step === "conversation") renderStatus();
      return;
    } catch (err) {
      notice(err.code === "no_catalog" ? t("noCatalog") : t("offline"));
      await sleep(delay);
    }
  }
}
async function resume(id) {
  try {
    const c = await api("/api/v1/conversations/" + id);
    if (c.status === "open") { if (!S.conv) setConversation({ id, status: "open" }); go("subject", S.step !== "loading"); return; }
    if (!S.conv || S.conv.id !== id) setConversation({ id, status: c.status });
    Object.assign(S.conv, { status: c.status, queue: c.queueId ? { id: c.queueId } : null, position: c.position, estimate: c.estimate || null, subject: c.subject });
    if (c.subject?.kind === "child") c.subject.months = c.subject.ageMonths;
    poll();
  } catch (err) {
    if (err.status === 404) { setConversation(null); go("subject", false); return; }
    notice(t("offline"));
    await sleep(3000);
    resume(id);
  }
}

function init() {
  const saved = load(KEY_LANG);
  if (saved && T[saved]) S.lang = saved;
  const stored = load(KEY_CONV), id = /^[\w-]{1,64}$/.test(stored || "") ? stored : null;
  if (!id) resumeUploads(null);
  try { S.outbox = JSON.parse(load(KEY_OUTBOX) || "[]").filter((p) => p.conv === id); } catch (e) { S.outbox = []; }
  applyLang();
  for (const b of document.querySelectorAll(".lang")) b.addEventListener("click", () => { S.lang = b.dataset.lang; store(KEY_LANG, S.lang); applyLang(); });
  // The catalog is fetched once the resident starts (or resumes), not for a mere visit.
  let catalogReady = null;
  const needCatalog = () => (catalogReady ||= loadCatalog());
  $("subject-form").addEventListener("focusin", needCatalog);
  $("subject-form").addEventListener("change", syncSubjectFields);
  $("subject-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const { subject, errs } = readSubject();
    if (errs.length) { errs[0].focus(); return; }
    S.subject = subject;
    S.path = [];
    if (!S.catalog) await needCatalog();
    go("service");
  });
  $("service-back").addEventListener("click", () => { if (S.path.length) { S.path.pop(); go("service"); } else go("subject"); });
  $("questions-back").addEventListener("click", () => go("service"));
  $("questions-form").addEventListener("submit", submitAnswers);
  $("chat-form").addEventListener("submit", sendChat);
  $("demo-form").addEventListener("submit", demoIdentify);
  $("chat-text").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) sendChat(e); });
  $("attach-photo").addEventListener("click", () => $("chat-photo").click());
  $("chat-photo").addEventListener("change", choosePhotos);
  buildScale();
  $("feedback-form").addEventListener("submit", sendFeedback);
  $("feedback-comment").addEventListener("input", renderFeedback);
  $("withdraw").addEventListener("click", askWithdraw);
  $("withdraw-yes").addEventListener("click", withdraw);
  $("withdraw-no").addEventListener("click", () => { $("withdraw-confirm").hidden = true; $("withdraw").focus(); });
  for (const b of document.querySelectorAll(".new-matter")) b.addEventListener("click", newMatter);
  const max = todayFinland();
  $("child-birth").max = max;
  syncSubjectFields();
  loadSession();

  if (id) {
    needCatalog();
    resume(id).then(() => { for (const item of S.outbox) if (item.conv === id) deliver(item); });
  } else go("subject", false);
}
init();
