-- Rooms and the event log. Events are stored as full signed PDUs (federation format).
CREATE TABLE rooms (
    room_id TEXT NOT NULL PRIMARY KEY,
    room_version TEXT NOT NULL,
    creator TEXT NOT NULL,
    is_public BOOLEAN NOT NULL DEFAULT FALSE,
    created_ts BIGINT NOT NULL
);

-- stream_ordering is the global position of the event in the local event log and also the
-- event's small numeric id ("nid") used by state snapshots.
CREATE TABLE events (
    stream_ordering BIGINT NOT NULL PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    room_id TEXT NOT NULL,
    type TEXT NOT NULL,
    state_key TEXT,
    sender TEXT NOT NULL,
    depth BIGINT NOT NULL,
    origin_server_ts BIGINT NOT NULL,
    state_before BIGINT NOT NULL,
    replaces_nid BIGINT,
    redacted_by TEXT,
    json TEXT NOT NULL
);
CREATE INDEX events_room_stream ON events (room_id, stream_ordering);
CREATE INDEX events_room_ts ON events (room_id, origin_server_ts);

-- Interned (type, state_key) pairs.
CREATE TABLE state_keys (
    id ${SERIAL_PK},
    type TEXT NOT NULL,
    state_key TEXT NOT NULL,
    UNIQUE (type, state_key)
);

-- A state snapshot is its parent's state plus its own entries (event_nid NULL removes a key).
-- A snapshot without parent holds the full state. Chains are re-based to bound read cost.
CREATE TABLE state_snapshots (
    id ${SERIAL_PK},
    room_id TEXT NOT NULL,
    parent_id BIGINT,
    chain_length INTEGER NOT NULL,
    full_size INTEGER NOT NULL
);

CREATE TABLE state_snapshot_entries (
    snapshot_id BIGINT NOT NULL,
    state_key_id BIGINT NOT NULL,
    event_nid BIGINT,
    PRIMARY KEY (snapshot_id, state_key_id)
);

-- Current state of each room, for the hot path.
CREATE TABLE current_state (
    room_id TEXT NOT NULL,
    type TEXT NOT NULL,
    state_key TEXT NOT NULL,
    event_nid BIGINT NOT NULL,
    PRIMARY KEY (room_id, type, state_key)
);

CREATE TABLE room_state_heads (
    room_id TEXT NOT NULL PRIMARY KEY,
    snapshot_id BIGINT NOT NULL
);

-- Current membership of every user in every room, indexed both ways.
CREATE TABLE memberships (
    room_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    membership TEXT NOT NULL,
    event_nid BIGINT NOT NULL,
    forgotten BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (room_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id, membership);

CREATE TABLE forward_extremities (
    room_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (room_id, event_id)
);

CREATE TABLE event_txns (
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    txn_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    created_ts BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_id, txn_id)
);
CREATE INDEX event_txns_event ON event_txns (event_id);

CREATE TABLE room_aliases (
    alias TEXT NOT NULL PRIMARY KEY,
    room_id TEXT NOT NULL,
    creator TEXT NOT NULL,
    created_ts BIGINT NOT NULL
);
CREATE INDEX room_aliases_room ON room_aliases (room_id);

CREATE TABLE event_reports (
    id ${SERIAL_PK},
    room_id TEXT NOT NULL,
    event_id TEXT,
    user_id TEXT NOT NULL,
    reason TEXT,
    score INTEGER,
    received_ts BIGINT NOT NULL
);
