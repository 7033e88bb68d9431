-- The access log, readable by the register keeper (the Client Data Act gives a
-- resident the right to know who opened their data). Professionals' openings
-- are in audit_log since 0003; this adds the record system's reads and the
-- searches of the log itself.

-- Each export the patient-record system pulled (listed or fetched), each photo
-- it fetched, and each acknowledgement, with the key it used.
CREATE TABLE record_system_access (
    id               INTEGER PRIMARY KEY,
    api_key_id       INTEGER NOT NULL REFERENCES api_keys(id),
    export_id        TEXT    NOT NULL,
    conversation_id  TEXT    NOT NULL,
    action           TEXT    NOT NULL CHECK (action IN ('pulled', 'photo', 'acknowledged')),
    at               INTEGER NOT NULL
);
CREATE INDEX record_system_access_by_conversation ON record_system_access(conversation_id, at);
CREATE INDEX record_system_access_by_time ON record_system_access(at);

-- Reading the access log is itself logged: who searched, for what, and how much they saw.
CREATE TABLE access_log_searches (
    id               INTEGER PRIMARY KEY,
    professional_id  INTEGER NOT NULL REFERENCES professionals(id),
    criteria         TEXT    NOT NULL,
    results          INTEGER NOT NULL,
    at               INTEGER NOT NULL
);
CREATE INDEX access_log_searches_by_time ON access_log_searches(at);

CREATE INDEX audit_by_professional ON audit_log(professional_id, at);
CREATE INDEX audit_by_time ON audit_log(at);
CREATE INDEX resident_sessions_by_identity ON resident_sessions(identity_code) WHERE identity_code IS NOT NULL;
