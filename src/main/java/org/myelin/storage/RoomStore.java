package org.myelin.storage;

import org.myelin.core.events.Event;
import org.myelin.core.events.StateKey;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rooms and their event log. Events are identified internally by their stream ordering ("nid"),
 * which is also their position in the global event stream.
 */
public interface RoomStore {

    record RoomRow(String roomId, String version, String creator, boolean isPublic, long createdTs) {}

    /** An event as stored: the PDU plus what the server knows about it. */
    record StoredEvent(long nid, Event event, long stateBefore, Long replacesNid, String redactedBy) {}

    /** Where a room's state snapshot chain stands, so the writer can decide when to re-base. */
    record StateHead(long snapshotId, int chainLength, int fullSize) {
        public static final StateHead NONE = new StateHead(0, 0, 0);
    }

    record TxnKey(String userId, String deviceId, String txnId) {}

    /**
     * Everything the write path stores for one event, in one transaction.
     *
     * @param fullStateAfter only read when the snapshot chain is re-based; the state after the event
     * @param replacesNid    for state events, the event it replaces in the current state (or null)
     */
    record Persist(Event event, long nid, StateHead head, Long stateKeyId, Map<StateKey, Long> fullStateAfter,
                   Long replacesNid, List<String> consumedExtremities, TxnKey txn, RoomRow newRoom,
                   String redacts) {}

    record Member(String userId, String membership, long nid) {}

    Optional<RoomRow> room(String roomId);

    /** Interns (type, state_key) to a small integer, outside of any event transaction. */
    long stateKeyId(StateKey key);

    /** Stores one event and its effects; returns the room's new state head. */
    StateHead persist(Persist p);

    Optional<StateHead> stateHead(String roomId);

    /** The state of a snapshot: (type, state_key) -> event nid. */
    Map<StateKey, Long> stateAt(long snapshotId);

    Map<StateKey, Long> currentState(String roomId);

    List<String> forwardExtremities(String roomId);

    Optional<StoredEvent> event(String eventId);

    /** Events by nid; missing ones are absent from the result. */
    Map<Long, StoredEvent> events(Collection<Long> nids);

    Optional<String> txnEvent(TxnKey key);

    /** The sending device's transaction ID of each of these events, where one was recorded. */
    Map<String, TxnKey> txnsOf(Collection<String> eventIds);

    List<Member> members(String roomId);

    Optional<Member> membership(String roomId, String userId);

    /** Rooms where the user's current membership is one of the given ones (all when empty). */
    List<String> roomsOf(String userId, Collection<String> memberships);

    /** room -> current membership, for every room the user has a membership in (forgotten rooms excluded). */
    Map<String, String> membershipsOf(String userId);

    void setForgotten(String roomId, String userId);

    boolean isForgotten(String roomId, String userId);

    /** The newest/oldest event at or after/before ts, depending on direction (f or b). */
    Optional<StoredEvent> eventNearTimestamp(String roomId, long ts, boolean forward);

    /** Room events with nid in (from, to] (forward) or [to, from) (backward), ordered by direction. */
    List<StoredEvent> roomEvents(String roomId, long from, long to, boolean forward, int limit);

    long maxStreamOrdering();

    // Aliases and directory

    boolean createAlias(String alias, String roomId, String creator);

    Optional<String[]> alias(String alias);

    boolean deleteAlias(String alias);

    List<String> aliasesOf(String roomId);

    void setPublic(String roomId, boolean isPublic);

    List<String> publicRooms();

    void report(String roomId, String eventId, String userId, String reason, Integer score);

    /** A stored content report; eventId is null for a report of a whole room. */
    record Report(long id, long receivedTs, String roomId, String eventId, String userId, String reason, Integer score) {}

    /** Reports ordered by id (newest first unless oldestFirst), skipping the first offset; userId/roomId filter when non-null. */
    List<Report> reports(long offset, int limit, boolean oldestFirst, String userId, String roomId);

    long countReports(String userId, String roomId);

    /** Points every alias of fromRoom at toRoom (room upgrades); returns the moved aliases. */
    List<String> moveAliases(String fromRoom, String toRoom);

    /** Joined member counts of the given rooms (rooms without joined members are absent). */
    Map<String, Integer> joinedMemberCounts(Collection<String> roomIds);

    /**
     * Up to limit events of a room ordered by (origin_server_ts, stream_ordering), strictly after
     * (forward) or before (backward) the position (ts, nid): the pages of a timestamp search.
     */
    List<StoredEvent> eventsByTimestamp(String roomId, long ts, long nid, boolean forward, int limit);
}
