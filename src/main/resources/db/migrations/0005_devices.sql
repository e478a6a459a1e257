-- Send-to-device messages and presence (issue 5). Typing is kept in memory only.
--
-- device_inbox: one row per recipient device, in the order of the to-device stream (stream_id,
-- allocated by the server, global and increasing). A row is deleted when its device syncs with a
-- since token at or past it (the acknowledgement), or when the device is deleted.
CREATE TABLE device_inbox (
    stream_id BIGINT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX device_inbox_device ON device_inbox (user_id, device_id, stream_id);

-- The highest to-device stream position ever allocated: device_inbox can become empty, and the
-- positions in clients' sync tokens must keep growing across restarts.
CREATE TABLE device_inbox_position (
    position BIGINT NOT NULL
);
INSERT INTO device_inbox_position (position) VALUES (0);

-- Transaction IDs of PUT /sendToDevice, per sending device, so that a retried request is not
-- delivered twice. Rows older than a day are deleted.
CREATE TABLE to_device_txns (
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    txn_id TEXT NOT NULL,
    ts BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_id, txn_id)
);
CREATE INDEX to_device_txns_ts ON to_device_txns (ts);

-- The last presence a local user set (status message) and their last activity, so that both
-- survive a restart. The live state (online/unavailable/offline) is kept in memory; after a
-- restart everyone starts offline until their clients sync again.
CREATE TABLE presence (
    user_id TEXT NOT NULL PRIMARY KEY,
    status_msg TEXT,
    last_active_ts BIGINT NOT NULL
);
