-- Each time an address is shut out of an account after repeated wrong
-- passwords: who was guessed at and from where, for the register keeper and
-- the IT people (never the passwords tried).
CREATE TABLE sign_in_lockouts (
    id        INTEGER PRIMARY KEY,
    username  TEXT    NOT NULL,
    address   TEXT    NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX sign_in_lockouts_by_time ON sign_in_lockouts(at);
