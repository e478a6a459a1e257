package org.myelin.it.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.sync.SyncFx.U;
import static org.myelin.it.sync.SyncFx.V3;
import static org.myelin.it.sync.SyncFx.bodies;
import static org.myelin.it.sync.SyncFx.createRoom;
import static org.myelin.it.sync.SyncFx.enc;
import static org.myelin.it.sync.SyncFx.filterJson;
import static org.myelin.it.sync.SyncFx.find;
import static org.myelin.it.sync.SyncFx.ids;
import static org.myelin.it.sync.SyncFx.initialSync;
import static org.myelin.it.sync.SyncFx.invite;
import static org.myelin.it.sync.SyncFx.join;
import static org.myelin.it.sync.SyncFx.joined;
import static org.myelin.it.sync.SyncFx.leave;
import static org.myelin.it.sync.SyncFx.map;
import static org.myelin.it.sync.SyncFx.ok;
import static org.myelin.it.sync.SyncFx.room;
import static org.myelin.it.sync.SyncFx.send;
import static org.myelin.it.sync.SyncFx.sync;
import static org.myelin.it.sync.SyncFx.timeline;
import static org.myelin.it.sync.SyncFx.user;

/** rooms.invite, rooms.leave and rooms.knock in /sync. */
class MembershipSyncTest {

    private static String next(JsonNode s) { return s.path("next_batch").asText(); }

    @Test
    void inviteCarriesStrippedStateAndTheInviteeJoinsFromIt() {
        U a = user("ms-inv");
        U b = user("ms-inv2");
        String roomId = createRoom(a, map("preset", "private_chat", "name", "Invited here", "topic", "a topic"));
        send(a, roomId, "before the invite");
        String since = next(initialSync(b));
        invite(a, roomId, b);
        JsonNode s = sync(b, since, null);
        JsonNode inv = s.path("rooms").path("invite").path(roomId);
        assertTrue(inv.isObject(), s::toString);
        assertFalse(s.path("rooms").path("join").has(roomId), s::toString);
        JsonNode st = inv.path("invite_state").path("events");
        assertTrue(find(st, "m.room.create", "").isObject(), st::toString);
        assertEquals("invite", find(st, "m.room.join_rules", "").path("content").path("join_rule").asText(), st::toString);
        assertEquals("Invited here", find(st, "m.room.name", "").path("content").path("name").asText(), st::toString);
        assertEquals("a topic", find(st, "m.room.topic", "").path("content").path("topic").asText(), st::toString);
        assertEquals("join", find(st, "m.room.member", a.id()).path("content").path("membership").asText(), "the inviter: " + st);
        JsonNode own = find(st, "m.room.member", b.id());
        assertEquals("invite", own.path("content").path("membership").asText(), st::toString);
        assertEquals(a.id(), own.path("sender").asText(), st::toString);
        for (JsonNode e : st) {
            Set<String> fields = new HashSet<>();
            e.fieldNames().forEachRemaining(fields::add);
            assertTrue(Set.of("type", "state_key", "sender", "content").containsAll(fields), () -> "stripped: " + e);
        }
        assertTrue(find(st, "m.room.power_levels", "").isMissingNode(), "not part of stripped state: " + st);
        // Once delivered, the invite is not repeated; an initial sync shows it again.
        JsonNode again = sync(b, next(s), null);
        assertFalse(again.path("rooms").path("invite").has(roomId), again::toString);
        assertTrue(initialSync(b).path("rooms").path("invite").has(roomId));
        // Joining moves the room to join with its history (shared visibility) and full state.
        join(b, roomId);
        JsonNode j = sync(b, next(again), null);
        assertFalse(j.path("rooms").path("invite").has(roomId), j::toString);
        JsonNode r = joined(j, roomId);
        assertTrue(bodies(r.path("timeline").path("events")).contains("before the invite"), r::toString);
        assertEquals(b.id(), r.path("timeline").path("events").get(r.path("timeline").path("events").size() - 1)
                .path("state_key").asText(), r::toString);
        JsonNode all = r.path("state").path("events");
        assertTrue(find(all, "m.room.create", "").isObject() || find(r.path("timeline").path("events"), "m.room.create", "").isObject(),
                r::toString);
    }

    @Test
    void rejectedInviteShowsInLeaveOnce() {
        U a = user("ms-rej");
        U b = user("ms-rej2");
        String roomId = createRoom(a, map("preset", "private_chat"));
        invite(a, roomId, b);
        String since = next(initialSync(b));
        leave(b, roomId);
        JsonNode s = sync(b, since, null);
        assertTrue(s.path("rooms").path("leave").has(roomId), s::toString);
        assertFalse(s.path("rooms").path("invite").has(roomId), s::toString);
        JsonNode again = sync(b, next(s), null);
        assertFalse(again.path("rooms").path("leave").has(roomId), again::toString);
        // The inviter sees the rejection in the timeline.
        JsonNode own = find(timeline(initialSync(a), roomId), "m.room.member", b.id());
        assertEquals("leave", own.path("content").path("membership").asText());
    }

    @Test
    void leaveShowsInLeaveOnceWithTheFinalEvents() {
        U a = user("ms-lv");
        U b = user("ms-lv2");
        String roomId = createRoom(a, map("preset", "public_chat"));
        join(b, roomId);
        String since = next(initialSync(b));
        String last = send(a, roomId, "last thing b sees");
        leave(b, roomId);
        String after = send(a, roomId, "after b left");
        JsonNode s = sync(b, since, null);
        assertFalse(s.path("rooms").path("join").has(roomId), s::toString);
        JsonNode lv = s.path("rooms").path("leave").path(roomId);
        List<String> tl = ids(lv.path("timeline").path("events"));
        assertTrue(tl.contains(last), lv::toString);
        assertFalse(tl.contains(after), lv::toString);
        JsonNode leaveEvent = lv.path("timeline").path("events").get(tl.size() - 1);
        assertEquals("m.room.member", leaveEvent.path("type").asText(), lv::toString);
        assertEquals("leave", leaveEvent.path("content").path("membership").asText(), lv::toString);
        assertTrue(lv.path("state").path("events").isArray(), lv::toString);
        // Not again, even when the room goes on.
        send(a, roomId, "more");
        JsonNode again = sync(b, next(s), null);
        assertFalse(again.path("rooms").path("leave").has(roomId), again::toString);
        assertFalse(again.path("rooms").path("join").has(roomId), again::toString);
        // Initial sync leaves left rooms out unless include_leave.
        assertFalse(initialSync(b).path("rooms").path("leave").has(roomId));
        JsonNode incl = sync(b, null, filterJson(map("room", map("include_leave", true))));
        JsonNode lr = incl.path("rooms").path("leave").path(roomId);
        assertTrue(lr.isObject(), incl::toString);
        assertFalse(ids(lr.path("timeline").path("events")).contains(after), lr::toString);
        // After forgetting, the room is gone even with include_leave.
        ok(b.post(room(roomId) + "/forget", map()));
        assertFalse(sync(b, null, filterJson(map("room", map("include_leave", true)))).path("rooms").path("leave").has(roomId));
    }

    @Test
    void kickAndBanShowInLeave() {
        U a = user("ms-kb");
        U b = user("ms-kb2");
        U c = user("ms-kb3");
        String roomId = createRoom(a, map("preset", "public_chat"));
        join(b, roomId);
        join(c, roomId);
        String sb = next(initialSync(b));
        String sc = next(initialSync(c));
        ok(a.post(room(roomId) + "/kick", map("user_id", b.id(), "reason", "bye")));
        ok(a.post(room(roomId) + "/ban", map("user_id", c.id(), "reason", "go")));
        send(a, roomId, "after");
        JsonNode s = sync(b, sb, null);
        JsonNode kicked = s.path("rooms").path("leave").path(roomId).path("timeline").path("events");
        JsonNode kick = kicked.get(kicked.size() - 1);
        assertEquals("leave", kick.path("content").path("membership").asText(), s::toString);
        assertEquals(a.id(), kick.path("sender").asText());
        assertEquals("bye", kick.path("content").path("reason").asText());
        assertFalse(bodies(kicked).contains("after"));
        JsonNode t = sync(c, sc, null);
        JsonNode banned = t.path("rooms").path("leave").path(roomId).path("timeline").path("events");
        assertEquals("ban", banned.get(banned.size() - 1).path("content").path("membership").asText(), t::toString);
        assertFalse(bodies(banned).contains("after"));
        assertFalse(sync(b, next(s), null).path("rooms").path("leave").has(roomId));
        assertFalse(sync(c, next(t), null).path("rooms").path("leave").has(roomId));
    }

    @Test
    void leaveAndRejoinWithinOneSyncWindow() {
        U a = user("ms-rj");
        U b = user("ms-rj2");
        String roomId = createRoom(a, map("preset", "public_chat"));
        join(b, roomId);
        String since = next(initialSync(b));
        leave(b, roomId);
        send(a, roomId, "while away");
        join(b, roomId);
        JsonNode s = sync(b, since, null);
        assertTrue(joined(s, roomId).isObject(), s::toString);
        assertFalse(s.path("rooms").path("leave").has(roomId), s::toString);
    }

    @Test
    void knockShowsInKnockSection() {
        U a = user("ms-kn");
        U b = user("ms-kn2");
        String roomId = createRoom(a, map("preset", "private_chat", "name", "Knock here", "initial_state",
                List.of(map("type", "m.room.join_rules", "content", map("join_rule", "knock")))));
        String since = next(initialSync(b));
        ok(b.post(V3 + "/knock/" + enc(roomId), map("reason", "let me in")));
        JsonNode s = sync(b, since, null);
        JsonNode kn = s.path("rooms").path("knock").path(roomId);
        assertTrue(kn.isObject(), s::toString);
        JsonNode st = kn.path("knock_state").path("events");
        assertTrue(find(st, "m.room.create", "").isObject(), st::toString);
        assertEquals("knock", find(st, "m.room.join_rules", "").path("content").path("join_rule").asText(), st::toString);
        assertEquals("Knock here", find(st, "m.room.name", "").path("content").path("name").asText(), st::toString);
        assertEquals("knock", find(st, "m.room.member", b.id()).path("content").path("membership").asText(), st::toString);
        assertFalse(sync(b, next(s), null).path("rooms").path("knock").has(roomId));
        assertTrue(initialSync(b).path("rooms").path("knock").has(roomId));
        // The room's members see the knock in their timeline; accepting it with an invite moves b to invite.
        JsonNode knock = find(timeline(initialSync(a), roomId), "m.room.member", b.id());
        assertEquals("knock", knock.path("content").path("membership").asText());
        invite(a, roomId, b);
        JsonNode t = sync(b, next(s), null);
        assertTrue(t.path("rooms").path("invite").has(roomId), t::toString);
        assertFalse(t.path("rooms").path("knock").has(roomId), t::toString);
    }

    @Test
    void memberChangesUpdateTheSummary() {
        U a = user("ms-sum");
        U b = user("ms-sum2");
        String roomId = createRoom(a, map("preset", "public_chat"));
        String since = next(initialSync(a));
        join(b, roomId);
        JsonNode r = joined(sync(a, since, null), roomId);
        assertEquals(2, r.path("summary").path("m.joined_member_count").asInt(), r::toString);
        assertEquals(b.id(), r.path("summary").path("m.heroes").path(0).asText(), r::toString);
    }
}
