-- Every number given for "text me when a professional answers", when, and for
-- which matter: the limit of three matters a day per number counts these, so
-- changing or removing a number does not give its quota back. Deleted by
-- retention with the matter's content.
CREATE TABLE reply_text_numbers (
    phone            TEXT    NOT NULL,
    conversation_id  TEXT    NOT NULL REFERENCES conversations(id),
    at               INTEGER NOT NULL
);
CREATE INDEX reply_text_numbers_by_phone ON reply_text_numbers(phone, at);
CREATE INDEX reply_text_numbers_by_conversation ON reply_text_numbers(conversation_id);
