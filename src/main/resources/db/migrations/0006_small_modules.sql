-- OpenID tokens (POST /user/{userId}/openid/request_token): only valid for the federation
-- userinfo endpoint, stored as SHA-256 hashes like access tokens, and deleted once expired.
CREATE TABLE openid_tokens (
    token_hash TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    expires_ts BIGINT NOT NULL
);
CREATE INDEX openid_tokens_expiry ON openid_tokens (expires_ts);

-- The one server notices room of each user that has received a notice (server notices module).
CREATE TABLE server_notice_rooms (
    user_id TEXT NOT NULL PRIMARY KEY,
    room_id TEXT NOT NULL
);
CREATE INDEX server_notice_rooms_room ON server_notice_rooms (room_id);
