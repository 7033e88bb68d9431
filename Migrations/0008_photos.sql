-- Photos, stored in the database so one file is the whole state and one
-- backup captures it. Only sanitised bytes (no EXIF, XMP or text chunks) are kept.
CREATE TABLE photos (
    id               TEXT    PRIMARY KEY,
    conversation_id  TEXT    NOT NULL REFERENCES conversations(id),
    author           TEXT    NOT NULL CHECK (author IN ('resident', 'professional')),
    professional_id  INTEGER REFERENCES professionals(id),
    client_id        TEXT,
    media_type       TEXT    NOT NULL,
    width            INTEGER NOT NULL,
    height           INTEGER NOT NULL,
    size             INTEGER NOT NULL,
    bytes            BLOB    NOT NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (conversation_id, client_id)
);
CREATE INDEX photos_by_conversation ON photos(conversation_id, created_at);
