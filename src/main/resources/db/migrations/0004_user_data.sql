-- Per-user data: account data (client config, tags, read markers, ignore lists) and receipts.
-- Each table carries its own stream: stream_id is the position of the row's last change in that
-- stream, so /sync reads "what changed in (since, upto]" by stream_id. Only the latest value per key
-- is kept; a client that missed intermediate values gets the latest, which is all it needs.

-- room_id is '' for global account data. content is the JSON object as the client set it.
CREATE TABLE account_data (
    user_id TEXT NOT NULL,
    room_id TEXT NOT NULL,
    type TEXT NOT NULL,
    content TEXT NOT NULL,
    stream_id BIGINT NOT NULL,
    PRIMARY KEY (user_id, room_id, type)
);
CREATE INDEX account_data_stream ON account_data (stream_id);

-- The latest receipt of each (room, user, receipt type, thread); thread_id is '' for unthreaded
-- receipts. event_nid is the event's stream ordering: a receipt only ever moves to a later event.
CREATE TABLE receipts (
    room_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    receipt_type TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_nid BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    stream_id BIGINT NOT NULL,
    PRIMARY KEY (room_id, user_id, receipt_type, thread_id)
);
CREATE INDEX receipts_stream ON receipts (stream_id);
