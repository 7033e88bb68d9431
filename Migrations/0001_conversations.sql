-- Residents' sessions, conversations, messages, and the append-only event log.
-- Times are milliseconds since the Unix epoch (UTC).

-- A resident's browser session. Only a SHA-256 hash of the cookie token is kept,
-- so a copy of the database does not let anyone act as the resident.
CREATE TABLE resident_sessions (
    id          INTEGER PRIMARY KEY,
    token_hash  BLOB    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE TABLE conversations (
    id                   TEXT    PRIMARY KEY,
    resident_session_id  INTEGER NOT NULL REFERENCES resident_sessions(id),
    status               TEXT    NOT NULL CHECK (status IN ('open', 'queued', 'active', 'closed', 'withdrawn')),
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX conversations_by_session ON conversations(resident_session_id);

-- Messages are idempotent per (conversation, client_id): the client's own id
-- for the message, so a retried POST finds the original.
CREATE TABLE messages (
    id               TEXT    PRIMARY KEY,
    conversation_id  TEXT    NOT NULL REFERENCES conversations(id),
    client_id        TEXT    NOT NULL,
    author           TEXT    NOT NULL CHECK (author IN ('resident', 'professional', 'system')),
    body             TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    UNIQUE (conversation_id, client_id)
);

-- Every change a client must see, in commit order. `seq` only grows
-- (AUTOINCREMENT never reuses a value), so it is a safe cursor.
CREATE TABLE events (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id  TEXT    NOT NULL REFERENCES conversations(id),
    type             TEXT    NOT NULL,
    at               INTEGER NOT NULL,
    data             TEXT    NOT NULL
);
CREATE INDEX events_by_conversation ON events(conversation_id, seq);
