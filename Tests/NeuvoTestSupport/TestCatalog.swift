/// A small catalog whose rules the tests know by heart: one illness branch
/// with a skin service, and a dental service.
///
/// Skin: `duration` (single choice) → `spreading` (yes/no) shown only when the
/// rash has lasted `days` or `weeks` → `fever` (yes/no) → `temperature`
/// (number 35–43) shown only with fever → `notes` (text, optional) → `photo`.
/// Red flags: `breathing` yes → call112; child under 3 months with fever → call116117.
/// Routes: child → `child-health` (urgent under 24 months, else soon); temperature
/// ≥ 39 → `nurse` soon; default → `nurse` normal.
public let testCatalogJSON = #"""
{
  "version": "test-1",
  "queues": [
    {"id": "nurse", "name": {"fi": "Hoitajat", "sv": "Skötare", "en": "Nurses"},
     "openingHours": {"mon": [["08:00", "16:00"]], "tue": [["08:00", "16:00"]], "wed": [["08:00", "16:00"]],
                      "thu": [["08:00", "16:00"]], "fri": [["08:00", "16:00"]], "sat": [["09:00", "13:00"]]},
     "targetFirstResponseMinutes": 60,
     "cannedReplies": [{"fi": "Hei, katson asiaasi nyt.", "sv": "Hej, jag tittar på ditt ärende nu.", "en": "Hello, I am looking at your matter now."}]},
    {"id": "child-health", "name": {"fi": "Lasten terveys", "sv": "Barns hälsa", "en": "Child health"},
     "openingHours": {"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]], "wed": [["00:00", "24:00"]],
                      "thu": [["00:00", "24:00"]], "fri": [["00:00", "24:00"]], "sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]]},
     "targetFirstResponseMinutes": 30},
    {"id": "dental", "name": {"fi": "Suun terveys", "sv": "Munhälsa", "en": "Oral health"},
     "openingHours": {"mon": [["08:00", "15:00"]]},
     "targetFirstResponseMinutes": 240}
  ],
  "services": [
    {"id": "illness", "title": {"fi": "Sairaus ja terveys", "sv": "Sjukdom och hälsa", "en": "Illness and health"},
     "children": [
      {"id": "skin", "title": {"fi": "Iho-oireet", "sv": "Hudsymtom", "en": "Skin symptoms"},
       "questionnaire": {
        "questions": [
          {"id": "duration", "type": "singleChoice", "required": true,
           "text": {"fi": "Kauanko ihottuma on kestänyt?", "sv": "Hur länge har utslaget varat?", "en": "How long has the rash lasted?"},
           "options": [
             {"id": "hours", "label": {"fi": "Tunteja", "sv": "Timmar", "en": "Hours"}},
             {"id": "days", "label": {"fi": "Päiviä", "sv": "Dagar", "en": "Days"}},
             {"id": "weeks", "label": {"fi": "Viikkoja", "sv": "Veckor", "en": "Weeks"}}]},
          {"id": "spreading", "type": "yesNo", "required": true,
           "showIf": {"question": "duration", "in": ["days", "weeks"]},
           "text": {"fi": "Leviääkö ihottuma?", "sv": "Sprider sig utslaget?", "en": "Is the rash spreading?"}},
          {"id": "breathing", "type": "yesNo", "required": true,
           "text": {"fi": "Onko hengitys vaikeaa?", "sv": "Är det svårt att andas?", "en": "Is breathing difficult?"}},
          {"id": "fever", "type": "yesNo", "required": true,
           "text": {"fi": "Onko kuumetta?", "sv": "Finns det feber?", "en": "Is there a fever?"}},
          {"id": "temperature", "type": "number", "min": 35, "max": 43, "unit": "°C", "required": true,
           "showIf": {"question": "fever", "equals": "yes"},
           "text": {"fi": "Mikä on lämpö?", "sv": "Hur hög är temperaturen?", "en": "What is the temperature?"}},
          {"id": "notes", "type": "text", "maxLength": 200,
           "text": {"fi": "Muuta kerrottavaa", "sv": "Annat att berätta", "en": "Anything else"}},
          {"id": "photo", "type": "photo", "maxCount": 3,
           "text": {"fi": "Kuva ihottumasta", "sv": "Bild på utslaget", "en": "A photo of the rash"}}
        ],
        "redFlags": [
          {"id": "breathing", "when": {"question": "breathing", "equals": "yes"}, "action": "call112",
           "message": {"fi": "Soita nyt 112.", "sv": "Ring 112 nu.", "en": "Call 112 now."}},
          {"id": "infant-fever", "when": {"all": [{"childAgeUnderMonths": 3}, {"question": "fever", "equals": "yes"}]},
           "action": "call116117",
           "message": {"fi": "Soita päivystysapuun 116117.", "sv": "Ring jourhjälpen 116117.", "en": "Call the helpline 116117."}}
        ],
        "routes": [
          {"when": {"childAgeUnderMonths": 24}, "queue": "child-health", "urgency": "urgent",
           "reason": {"fi": "Alle 2-vuotias", "sv": "Under 2 år", "en": "Under 2 years"}},
          {"when": {"subject": "child"}, "queue": "child-health", "urgency": "soon",
           "reason": {"fi": "Lapsi", "sv": "Barn", "en": "Child"}},
          {"when": {"question": "temperature", "atLeast": 39}, "queue": "nurse", "urgency": "soon",
           "reason": {"fi": "Korkea kuume", "sv": "Hög feber", "en": "High fever"}},
          {"queue": "nurse", "urgency": "normal",
           "reason": {"fi": "Iho-oire", "sv": "Hudsymtom", "en": "Skin symptom"}}
        ]}}
     ]},
    {"id": "dental", "title": {"fi": "Suun terveys", "sv": "Munhälsa", "en": "Oral health"},
     "questionnaire": {
      "questions": [
        {"id": "pain", "type": "number", "min": 0, "max": 10, "integer": true, "required": true,
         "text": {"fi": "Kivun voimakkuus 0–10", "sv": "Smärtans styrka 0–10", "en": "Pain from 0 to 10"}},
        {"id": "where", "type": "multipleChoice",
         "text": {"fi": "Missä?", "sv": "Var?", "en": "Where?"},
         "options": [{"id": "upper", "label": {"fi": "Ylhäällä", "sv": "Uppe", "en": "Upper"}},
                     {"id": "lower", "label": {"fi": "Alhaalla", "sv": "Nere", "en": "Lower"}}]}
      ],
      "routes": [{"queue": "dental", "urgency": "normal", "reason": {"fi": "Hammas", "sv": "Tand", "en": "Tooth"}}]}}
  ]
}
"""#
