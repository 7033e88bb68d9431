-- Call-back statistics, and "text me when the nurse answers".

-- When the first call was made: request → call delay without reading the
-- attempts. A covering index lets a date range of requests be counted from
-- the index alone.
ALTER TABLE call_backs ADD COLUMN first_attempt_at INTEGER;
UPDATE call_backs SET first_attempt_at = (SELECT MIN(at) FROM call_back_attempts WHERE call_back_id = call_backs.id);
CREATE INDEX call_backs_statistics ON call_backs(created_at, queue_id, status, attempts, window_start, window_end, first_attempt_at);

-- A resident who asked for a text message when a professional writes to them.
-- `armed`: the next professional message sends one; a resident's message arms
-- it again, so a text goes out at most once per turn of the conversation.
-- The number (E.164, mobile) is deleted by retention with the rest.
CREATE TABLE reply_texts (
    conversation_id  TEXT    PRIMARY KEY REFERENCES conversations(id),
    phone            TEXT    NOT NULL,
    language         TEXT    NOT NULL CHECK (language IN ('fi', 'sv', 'en')),
    armed            INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL
) WITHOUT ROWID;
