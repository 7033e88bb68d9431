-- A professional's number in Valvira's register of health care professionals
-- (Terhikki): the record document names them by it (HL7 Finland's fi-base
-- Practitioner, identifier slice Terhikki, urn:oid:1.2.246.537.26). Optional.
ALTER TABLE professionals ADD COLUMN register_number TEXT
    CHECK (register_number IS NULL OR (length(register_number) BETWEEN 5 AND 15 AND register_number NOT GLOB '*[^0-9]*'));
