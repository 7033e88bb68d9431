-- Call-back requests: a resident asks to be called in a chosen window instead
-- of waiting in the chat queue; professionals call and record each attempt.
-- And the notification outbox an SMS gateway pulls, like the record system.

-- A conversation may now wait for a call ('callBack'). SQLite cannot change a
-- CHECK constraint in place; widening one may be written into the schema
-- directly (the simpler procedure of the ALTER TABLE documentation, §7), since
-- every existing row satisfies the wider check. The table's other DDL below
-- bumps the schema version, and the store reopens its writer after migrating.
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(sql, '''withdrawn''))', '''withdrawn'', ''callBack''))')
    WHERE type = 'table' AND name = 'conversations';
PRAGMA writable_schema = OFF;
-- The migration fails, changing nothing, unless the new status is in the schema now.
CREATE TEMP TABLE widened (ok INTEGER CHECK (ok));
INSERT INTO widened SELECT instr(sql, '''callBack''') > 0 FROM sqlite_master WHERE type = 'table' AND name = 'conversations';
DROP TABLE widened;

CREATE TABLE call_backs (
    id               TEXT    PRIMARY KEY,
    conversation_id  TEXT    NOT NULL REFERENCES conversations(id),
    queue_id         TEXT    NOT NULL,
    window_start     INTEGER NOT NULL,
    window_end       INTEGER NOT NULL,
    -- E.164; deleted by retention with the rest of the content.
    phone            TEXT,
    -- The resident asked for a text message when the call is near.
    notify           INTEGER NOT NULL DEFAULT 0,
    language         TEXT    NOT NULL CHECK (language IN ('fi', 'sv', 'en')),
    status           TEXT    NOT NULL CHECK (status IN ('requested', 'picked', 'reached', 'notReached', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    professional_id  INTEGER REFERENCES professionals(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
-- One live request per conversation; a window's live requests are counted against its capacity.
CREATE UNIQUE INDEX call_backs_live ON call_backs(conversation_id) WHERE status IN ('requested', 'picked');
CREATE INDEX call_backs_by_window ON call_backs(queue_id, window_start) WHERE status IN ('requested', 'picked');

CREATE TABLE call_back_attempts (
    call_back_id     TEXT    NOT NULL REFERENCES call_backs(id),
    at               INTEGER NOT NULL,
    result           TEXT    NOT NULL CHECK (result IN ('reached', 'noAnswer', 'wrongNumber')),
    professional_id  INTEGER NOT NULL REFERENCES professionals(id)
);
CREATE INDEX call_back_attempts_by_call_back ON call_back_attempts(call_back_id, at);

-- Text messages for the SMS gateway, written in the transaction of the change
-- they tell of. No health data: the service's name, the window, the calling number.
-- `seq` is the commit-ordered cursor the gateway pages with.
CREATE TABLE notifications (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT    NOT NULL UNIQUE,
    conversation_id  TEXT    NOT NULL REFERENCES conversations(id),
    kind             TEXT    NOT NULL CHECK (kind IN ('callBackConfirmed', 'callNear', 'notReached', 'professionalReplied')),
    phone            TEXT,
    language         TEXT    NOT NULL CHECK (language IN ('fi', 'sv', 'en')),
    text             TEXT,
    created_at       INTEGER NOT NULL,
    acknowledged_at  INTEGER
);
CREATE INDEX notifications_unacknowledged ON notifications(seq) WHERE acknowledged_at IS NULL;

-- What a key may pull: the record system's documents, or the SMS gateway's notifications (never both).
ALTER TABLE api_keys ADD COLUMN scope TEXT NOT NULL DEFAULT 'records' CHECK (scope IN ('records', 'notifications'));
