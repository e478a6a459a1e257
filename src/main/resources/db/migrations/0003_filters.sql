-- Filters uploaded with POST /user/{userId}/filter. IDs are allocated per user: 0, 1, 2, ...
-- (the next one is MAX + 1 for that user), served as decimal strings, which never start with '{'
-- as the spec requires. json is the definition as uploaded (validated, compact); filters are
-- immutable, and uploading the same definition again returns the existing ID.
CREATE TABLE filters (
    user_id TEXT NOT NULL,
    filter_id BIGINT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (user_id, filter_id)
);
