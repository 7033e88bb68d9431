-- The resident's answer to "how likely would you recommend" (0-10), once per conversation.
CREATE TABLE feedback (
    conversation_id  TEXT    PRIMARY KEY REFERENCES conversations(id),
    score            INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment          TEXT,
    created_at       INTEGER NOT NULL
);
