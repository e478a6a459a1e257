package org.myelin.core.rooms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.events.Event;
import org.myelin.core.events.StateKey;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A hand-built room for auth rule tests. The standard cast, in a public room:
 * <ul>
 *   <li>{@link #ALICE}: creator, joined, level 100 (v1-v11; in v12 infinite and not in users)</li>
 *   <li>{@link #BOB}: joined moderator, level 50</li>
 *   <li>{@link #CAROL}: joined, level 0, on another server</li>
 *   <li>{@link #DAVE}: invited; {@link #EVE}: banned; {@link #GINA}: left; {@link #KIM}: knocking (v7+)</li>
 *   <li>{@link #FRANK}: never had a membership</li>
 * </ul>
 * Event IDs carry the sender's server in v1-v2 (as real ones do), so the v1 redaction rule can be tested.
 */
final class TestRoom {
    static final String ALICE = "@alice:a.example";
    static final String BOB = "@bob:a.example";
    static final String CAROL = "@carol:b.example";
    static final String DAVE = "@dave:b.example";
    static final String EVE = "@eve:c.example";
    static final String FRANK = "@frank:c.example";
    static final String GINA = "@gina:c.example";
    static final String KIM = "@kim:c.example";
    static final String ZED = "@zed:a.example";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    final RoomVersion version;
    final Map<StateKey, Event> state = new HashMap<>();
    final Event create;
    final String roomId;
    private int counter;

    private TestRoom(RoomVersion version, ObjectNode createContent) {
        this.version = version;
        this.create = createEvent(version, ALICE, createContent, pdu -> {});
        this.roomId = create.roomId();
        put(create);
    }

    /** Just the create event: the state in which the creator's first join is authorised. */
    static TestRoom created(RoomVersion version) {
        return created(version, standardCreateContent(version));
    }

    static TestRoom created(RoomVersion version, ObjectNode createContent) {
        return new TestRoom(version, createContent);
    }

    static TestRoom standard(RoomVersion version) {
        return populate(created(version));
    }

    /** The standard cast in a room whose create event has this content. */
    static TestRoom standard(RoomVersion version, ObjectNode createContent) {
        return populate(created(version, createContent));
    }

    private static TestRoom populate(TestRoom room) {
        room.member(ALICE, "join");
        room.powerLevels(room.version.roomIdFromCreateEvent()
                ? "{'users': {'@bob:a.example': 50}}"
                : "{'users': {'@alice:a.example': 100, '@bob:a.example': 50}}");
        room.joinRule("public");
        room.member(BOB, "join").member(CAROL, "join").member(DAVE, "invite").member(EVE, "ban").member(GINA, "leave");
        if (room.version.knockJoinRule()) room.member(KIM, "knock");
        return room;
    }

    static ObjectNode standardCreateContent(RoomVersion version) {
        String roomVersion = "'room_version': '" + version.id() + "'";
        return version.v11RedactionAndCreator()
                ? json("{" + roomVersion + "}")
                : json("{'creator': '" + ALICE + "', " + roomVersion + "}");
    }

    /** A create event as the room's first event: no prev_events, room_id on the sender's server (none in v12). */
    static Event createEvent(RoomVersion version, String sender, ObjectNode content, Consumer<ObjectNode> tweak) {
        ObjectNode pdu = json("{'type': 'm.room.create', 'state_key': '', 'prev_events': [], 'auth_events': [],"
                + " 'depth': 1, 'origin_server_ts': 1}");
        pdu.put("sender", sender);
        pdu.set("content", content);
        String eventId;
        if (version.roomIdFromCreateEvent()) {
            eventId = "$createhash" + sender.hashCode();
        } else {
            pdu.put("room_id", "!room:" + MatrixIds.domain(sender));
            eventId = version.eventIdFormat() == RoomVersion.EventIdFormat.V1_LOCAL
                    ? "$create:" + MatrixIds.domain(sender) : "$create";
        }
        tweak.accept(pdu);
        return new Event(eventId, pdu);
    }

    TestRoom put(Event event) {
        state.put(StateKey.of(event), event);
        return this;
    }

    TestRoom remove(String type, String stateKey) {
        state.remove(StateKey.of(type, stateKey));
        return this;
    }

    TestRoom member(String user, String membership) {
        return put(event("m.room.member", user, user, "{'membership': '" + membership + "'}"));
    }

    TestRoom powerLevels(String content) {
        return put(event("m.room.power_levels", "", ALICE, content));
    }

    TestRoom joinRule(String rule) {
        return joinRules("{'join_rule': '" + rule + "'}");
    }

    TestRoom joinRules(String content) {
        return put(event("m.room.join_rules", "", ALICE, content));
    }

    /** An event in this room whose only prev event is some earlier event (not the create event). */
    Event event(String type, String stateKey, String sender, String content) {
        return event(type, stateKey, sender, content, pdu -> {});
    }

    Event event(String type, String stateKey, String sender, String content, Consumer<ObjectNode> tweak) {
        ObjectNode pdu = MAPPER.createObjectNode();
        pdu.put("type", type);
        if (stateKey != null) pdu.put("state_key", stateKey);
        pdu.put("sender", sender);
        pdu.put("room_id", roomId);
        pdu.set("content", json(content));
        pdu.putArray("prev_events").add(eventIdFor(sender));
        pdu.putArray("auth_events");
        pdu.put("depth", 2 + counter);
        pdu.put("origin_server_ts", 2 + counter);
        String eventId = eventIdFor(sender);
        tweak.accept(pdu);
        return new Event(eventId, pdu);
    }

    /** v1-v2 event IDs are local to the sender's server; later ones are hashes with no server. */
    String eventIdFor(String sender) {
        counter++;
        return version.eventIdFormat() == RoomVersion.EventIdFormat.V1_LOCAL
                ? "$e" + counter + ":" + MatrixIds.domain(sender) : "$e" + counter;
    }

    /** Makes the event's only prev event the create event. */
    Consumer<ObjectNode> afterCreate() {
        return pdu -> pdu.putArray("prev_events").add(create.eventId());
    }

    /** Adds a signature entry for the server, which the tests' {@link ServerSignatures} accepts. */
    static Consumer<ObjectNode> signedBy(String... servers) {
        return pdu -> {
            ObjectNode signatures = pdu.putObject("signatures");
            for (String server : servers) signatures.putObject(server).put("ed25519:1", "sig");
        };
    }

    static ObjectNode json(String singleQuoted) {
        try {
            return (ObjectNode) MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(singleQuoted, e);
        }
    }

    static List<RoomVersion> versions(String range) {
        String[] bounds = range.split("-");
        int from = Integer.parseInt(bounds[0]);
        int to = Integer.parseInt(bounds[bounds.length - 1]);
        return java.util.stream.IntStream.rangeClosed(from, to)
                .mapToObj(v -> RoomVersion.require(Integer.toString(v)))
                .toList();
    }
}
