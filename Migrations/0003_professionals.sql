-- Professionals, their work-queue memberships and shifts, their sessions,
-- login throttling, who handles each conversation, and the audit log.

CREATE TABLE professionals (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name   TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('professional', 'admin')),
    -- yescrypt ($y$...) from libxcrypt; never logged, never returned.
    password_hash  TEXT    NOT NULL,
    disabled_at    INTEGER,
    created_at     INTEGER NOT NULL
);

-- Which queues a professional works in; on_shift_since is set while on shift.
CREATE TABLE queue_memberships (
    professional_id  INTEGER NOT NULL REFERENCES professionals(id),
    queue_id         TEXT    NOT NULL,
    on_shift_since   INTEGER,
    PRIMARY KEY (professional_id, queue_id)
);

-- Only a SHA-256 of the cookie token is kept.
CREATE TABLE professional_sessions (
    id               INTEGER PRIMARY KEY,
    token_hash       BLOB    NOT NULL UNIQUE,
    professional_id  INTEGER NOT NULL REFERENCES professionals(id),
    created_at       INTEGER NOT NULL,
    last_seen_at     INTEGER NOT NULL,
    ended_at         INTEGER
);

-- Failed logins per account ('user:NAME') and per address ('addr:IP').
CREATE TABLE login_failures (
    key                TEXT    PRIMARY KEY,
    failures           INTEGER NOT NULL,
    window_started_at  INTEGER NOT NULL
);

ALTER TABLE conversations ADD COLUMN professional_id INTEGER REFERENCES professionals(id);
ALTER TABLE conversations ADD COLUMN picked_at INTEGER;
ALTER TABLE messages ADD COLUMN professional_id INTEGER REFERENCES professionals(id);

-- Every opening of a case by a professional: who, which case, when, why.
CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY,
    professional_id  INTEGER NOT NULL REFERENCES professionals(id),
    conversation_id  TEXT    NOT NULL REFERENCES conversations(id),
    reason           TEXT    NOT NULL CHECK (reason IN ('picked', 'consulted', 'transferred', 'admin', 'opened')),
    at               INTEGER NOT NULL
);
CREATE INDEX audit_by_conversation ON audit_log(conversation_id, at);
