-- Closing, transfer, consultation and internal notes; the record-export outbox.

-- 'all': the resident's stream shows it; 'staff': professionals only (internal notes).
ALTER TABLE events ADD COLUMN audience TEXT NOT NULL DEFAULT 'all' CHECK (audience IN ('all', 'staff'));

ALTER TABLE conversations ADD COLUMN closed_at INTEGER;
-- adviceGiven | appointmentArranged | referred | noCareNeed
ALTER TABLE conversations ADD COLUMN closing_outcome TEXT;
ALTER TABLE conversations ADD COLUMN closing_instructions TEXT;
ALTER TABLE conversations ADD COLUMN closing_summary TEXT;

-- Professionals asked to look at a case without taking it: they may read it and write notes.
CREATE TABLE consultations (
    conversation_id  TEXT    NOT NULL REFERENCES conversations(id),
    professional_id  INTEGER NOT NULL REFERENCES professionals(id),
    requested_by     INTEGER NOT NULL REFERENCES professionals(id),
    requested_at     INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, professional_id)
);

-- Notes between professionals; the resident never sees them.
CREATE TABLE internal_notes (
    id               TEXT    PRIMARY KEY,
    conversation_id  TEXT    NOT NULL REFERENCES conversations(id),
    professional_id  INTEGER NOT NULL REFERENCES professionals(id),
    client_id        TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (conversation_id, client_id)
);

-- Everyone who took part in a case, in order (handler, transferred-to, consulted).
CREATE TABLE case_participants (
    conversation_id  TEXT    NOT NULL REFERENCES conversations(id),
    professional_id  INTEGER NOT NULL REFERENCES professionals(id),
    role             TEXT    NOT NULL CHECK (role IN ('handler', 'consultant')),
    since            INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, professional_id, role)
);

-- Closed cases waiting for the patient-record system, written with the closing.
-- `seq` is the commit-ordered cursor the record system pages with.
CREATE TABLE record_exports (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT    NOT NULL UNIQUE,
    conversation_id  TEXT    NOT NULL UNIQUE REFERENCES conversations(id),
    created_at       INTEGER NOT NULL,
    document         TEXT    NOT NULL,
    acknowledged_at  INTEGER
);

-- How the current handler got the case: 'picked' or 'transferred' (audited as such).
ALTER TABLE conversations ADD COLUMN handled_via TEXT;
