package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.it.Client.Resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.rooms.RoomFx.U;
import static org.myelin.it.rooms.RoomFx.countEvents;
import static org.myelin.it.rooms.RoomFx.createRoom;
import static org.myelin.it.rooms.RoomFx.enc;
import static org.myelin.it.rooms.RoomFx.err;
import static org.myelin.it.rooms.RoomFx.forbidden;
import static org.myelin.it.rooms.RoomFx.getEvent;
import static org.myelin.it.rooms.RoomFx.join;
import static org.myelin.it.rooms.RoomFx.map;
import static org.myelin.it.rooms.RoomFx.notFound;
import static org.myelin.it.rooms.RoomFx.ok;
import static org.myelin.it.rooms.RoomFx.publicRoom;
import static org.myelin.it.rooms.RoomFx.room;
import static org.myelin.it.rooms.RoomFx.send;
import static org.myelin.it.rooms.RoomFx.setState;
import static org.myelin.it.rooms.RoomFx.stateEvent;
import static org.myelin.it.rooms.RoomFx.txn;
import static org.myelin.it.rooms.RoomFx.user;

/** PUT /rooms/{roomId}/redact/{eventId}/{txnId}. */
class RedactionTest {
    private static U alice;
    private static U bob;
    private static U carol;

    @BeforeAll
    static void users() {
        alice = user("redact-a");
        bob = user("redact-b");
        carol = user("redact-c");
    }

    private static Resp redact(U u, String roomId, String eventId, String txnId, Object body) {
        return u.put(room(roomId) + "/redact/" + enc(eventId) + "/" + enc(txnId), body);
    }

    private static String redactOk(U u, String roomId, String eventId) {
        String id = ok(redact(u, roomId, eventId, txn(), map())).path("event_id").asText(null);
        assertTrue(id != null && id.startsWith("$"), id);
        return id;
    }

    @Test
    void redactOwnEvent() {
        String room = publicRoom(alice);
        join(bob, room);
        String msg = send(bob, room, "oops");
        String red = ok(redact(bob, room, msg, txn(), map("reason", "typo"))).path("event_id").asText();
        JsonNode ev = getEvent(alice, room, msg);
        assertTrue(ev.path("content").isObject() && ev.path("content").isEmpty(), ev::toString);
        assertEquals("m.room.message", ev.path("type").asText());
        JsonNode because = ev.path("unsigned").path("redacted_because");
        assertEquals(red, because.path("event_id").asText(), ev::toString);
        assertEquals("m.room.redaction", because.path("type").asText(), ev::toString);
        assertEquals(bob.id(), because.path("sender").asText(), ev::toString);
        assertEquals("typo", because.path("content").path("reason").asText(), ev::toString);
        // The redaction event itself.
        JsonNode r = getEvent(alice, room, red);
        assertEquals("m.room.redaction", r.path("type").asText());
        assertEquals(msg, r.path("redacts").asText(), r::toString);
        assertEquals(msg, r.path("content").path("redacts").asText(), "v11+ keeps redacts in content: " + r);
    }

    @Test
    void redactingOthersNeedsPower() {
        String room = publicRoom(alice);
        join(bob, room);
        join(carol, room);
        String msg = send(carol, room, "carol's");
        forbidden(redact(bob, room, msg, txn(), map()));
        assertEquals("carol's", getEvent(alice, room, msg).path("content").path("body").asText());
        // The room admin may.
        redactOk(alice, room, msg);
        assertTrue(getEvent(bob, room, msg).path("content").isEmpty());
    }

    @Test
    void redactPowerLevelIsRespected() {
        String room = createRoom(alice, map("preset", "public_chat", "power_level_content_override", map("redact", 0)));
        join(bob, room);
        String msg = send(alice, room, "alice's");
        redactOk(bob, room, msg);
    }

    /** Sets one user's level in the room's power levels, keeping the rest. */
    static String setLevel(U admin, String roomId, String userId, int level) {
        var pl = (com.fasterxml.jackson.databind.node.ObjectNode) RoomFx.getState(admin, roomId, "m.room.power_levels", "").deepCopy();
        pl.withObjectProperty("users").put(userId, level);
        return setState(admin, roomId, "m.room.power_levels", "", pl);
    }

    @Test
    void demotedModeratorMayRedactOnlyTheirOwnEvents() {
        String room = publicRoom(alice);
        join(bob, room);
        join(carol, room);
        setLevel(alice, room, bob.id(), 50);
        String first = send(carol, room, "first");
        String second = send(carol, room, "second");
        String bobs = send(bob, room, "bob's");
        String t = txn();
        String before = ok(redact(bob, room, first, t, map())).path("event_id").asText();

        setLevel(alice, room, bob.id(), 0);
        forbidden(redact(bob, room, second, txn(), map()));
        forbidden(bob.put(room(room) + "/send/m.room.redaction/" + txn(), map("redacts", second)));
        assertEquals("second", getEvent(alice, room, second).path("content").path("body").asText());
        // A retry of the redaction accepted before the demotion is the same transaction, not a new decision.
        assertEquals(before, ok(redact(bob, room, first, t, map())).path("event_id").asText());
        // Own events stay redactable without the redact level.
        redactOk(bob, room, bobs);
        assertTrue(getEvent(alice, room, bobs).path("content").isEmpty());

        setLevel(alice, room, bob.id(), 50);
        redactOk(bob, room, second);
    }

    @Test
    void nonMemberCannotRedact() {
        String room = publicRoom(alice);
        String msg = send(alice, room, "x");
        notFound(redact(carol, room, msg, txn(), map()));
        join(carol, room);
        forbidden(redact(carol, room, msg, txn(), map()));
    }

    @Test
    void redactTxnIsIdempotent() {
        String room = publicRoom(alice);
        String msg = send(alice, room, "x");
        String t = txn();
        String a = ok(redact(alice, room, msg, t, map())).path("event_id").asText();
        String b = ok(redact(alice, room, msg, t, map())).path("event_id").asText();
        assertEquals(a, b);
        assertEquals(1, countEvents(room, "m.room.redaction"));
        // The same txn ID on /send is a different endpoint, so a different transaction.
        String sent = ok(alice.put(room(room) + "/send/m.room.message/" + enc(t), RoomFx.text("same txn"))).path("event_id").asText();
        assertNotEquals(a, sent);
    }

    @Test
    void redactionShowsTransactionIdToSendingDevice() {
        String room = publicRoom(alice);
        String msg = send(alice, room, "x");
        String t = txn();
        String red = ok(redact(alice, room, msg, t, map())).path("event_id").asText();
        JsonNode own = getEvent(alice, room, red);
        assertEquals(t, own.path("unsigned").path("transaction_id").asText(null), own::toString);
        JsonNode other = getEvent(RoomFx.otherDevice(alice), room, red);
        assertFalse(other.path("unsigned").has("transaction_id"), other::toString);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"10", "11", "12"})
    void redactionThroughSendFollowsTheSameRules(String version) {
        String room = createRoom(alice, map("preset", "public_chat", "room_version", version));
        join(bob, room);
        String msg = send(alice, room, "alice's");
        // A member without redact power may not redact someone else's event through /send either.
        forbidden(bob.put(room(room) + "/send/m.room.redaction/" + txn(), map("redacts", msg)));
        assertEquals("alice's", getEvent(bob, room, msg).path("content").path("body").asText());
        // Through /send the target is named in content.redacts; it takes effect like /redact.
        String own = send(bob, room, "bob's");
        String red = ok(bob.put(room(room) + "/send/m.room.redaction/" + txn(), map("redacts", own))).path("event_id").asText();
        JsonNode ev = getEvent(alice, room, own);
        assertTrue(ev.path("content").isEmpty(), ev::toString);
        assertEquals(red, ev.path("unsigned").path("redacted_because").path("event_id").asText(), ev::toString);
        err(bob.put(room(room) + "/send/m.room.redaction/" + txn(), map()), 400, "M_BAD_JSON");
    }

    @Test
    void redactUnknownEvent() {
        String room = publicRoom(alice);
        notFound(redact(alice, room, "$unknown", txn(), map()));
    }

    @Test
    void redactedStateEventKeepsProtectedKeys() {
        String room = createRoom(alice, map("preset", "public_chat", "room_version", "11"));
        setState(alice, room, "m.room.join_rules", "", map("join_rule", "public", "extra", "gone"));
        String id = stateEvent(alice, room, "m.room.join_rules", "").path("event_id").asText();
        redactOk(alice, room, id);
        JsonNode ev = getEvent(alice, room, id);
        assertEquals("public", ev.path("content").path("join_rule").asText(), ev::toString);
        assertFalse(ev.path("content").has("extra"), ev::toString);
        assertTrue(ev.path("unsigned").has("redacted_because"), ev::toString);
        // The state read back is redacted too.
        JsonNode st = RoomFx.getState(alice, room, "m.room.join_rules", "");
        assertFalse(st.has("extra"), st::toString);
    }

    @Test
    void redactionBodyMustBeObject() {
        String room = publicRoom(alice);
        String msg = send(alice, room, "x");
        err(alice.raw("PUT", room(room) + "/redact/" + enc(msg) + "/" + txn(), "[]".getBytes()), 400, "M_BAD_JSON");
        err(redact(alice, room, msg, txn(), map("reason", 5)), 400, "M_BAD_JSON");
    }
}
