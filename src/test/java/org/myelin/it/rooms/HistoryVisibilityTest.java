package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.rooms.RoomFx.U;
import static org.myelin.it.rooms.RoomFx.createRoom;
import static org.myelin.it.rooms.RoomFx.event;
import static org.myelin.it.rooms.RoomFx.forbidden;
import static org.myelin.it.rooms.RoomFx.getEvent;
import static org.myelin.it.rooms.RoomFx.getState;
import static org.myelin.it.rooms.RoomFx.invite;
import static org.myelin.it.rooms.RoomFx.join;
import static org.myelin.it.rooms.RoomFx.leave;
import static org.myelin.it.rooms.RoomFx.map;
import static org.myelin.it.rooms.RoomFx.notFound;
import static org.myelin.it.rooms.RoomFx.ok;
import static org.myelin.it.rooms.RoomFx.room;
import static org.myelin.it.rooms.RoomFx.send;
import static org.myelin.it.rooms.RoomFx.setState;
import static org.myelin.it.rooms.RoomFx.state;
import static org.myelin.it.rooms.RoomFx.stateMap;
import static org.myelin.it.rooms.RoomFx.user;

/** History visibility as GET /event, /state and /members apply it. */
class HistoryVisibilityTest {

    private static String roomWith(U creator, String visibility) {
        return createRoom(creator, map("preset", "public_chat", "name", "before", "initial_state",
                List.of(map("type", "m.room.history_visibility", "content", map("history_visibility", visibility)))));
    }

    @Test
    void leftUserSeesStateAtLeaveTimeAndNoLaterEvents() {
        U a = user("hv-a");
        U b = user("hv-b");
        String room = roomWith(a, "shared");
        join(b, room);
        String before = send(a, room, "before leave");
        leave(b, room);
        setState(a, room, "m.room.name", "", map("name", "after"));
        setState(a, room, "org.example.new", "", map("v", 1));
        String after = send(a, room, "after leave");

        assertEquals("before", getState(b, room, "m.room.name", "").path("name").asText());
        notFound(b.get(state(room, "org.example.new", "")));
        Map<String, JsonNode> st = stateMap(b, room);
        assertEquals("before", st.get("m.room.name|").path("content").path("name").asText(), st::toString);
        assertFalse(st.containsKey("org.example.new|"), st::toString);
        assertEquals("leave", st.get("m.room.member|" + b.id()).path("content").path("membership").asText());

        assertEquals("before leave", getEvent(b, room, before).path("content").path("body").asText());
        notFound(b.get(event(room, after)));
        // The current members still see everything.
        assertEquals("after", getState(a, room, "m.room.name", "").path("name").asText());
    }

    @Test
    void kickedAndBannedUsersSeeStateAtThatPoint() {
        U a = user("hvk-a");
        U b = user("hvk-b");
        String room = roomWith(a, "shared");
        join(b, room);
        ok(a.post(room(room) + "/ban", map("user_id", b.id())));
        setState(a, room, "m.room.name", "", map("name", "after ban"));
        assertEquals("before", getState(b, room, "m.room.name", "").path("name").asText());
        String after = send(a, room, "after ban");
        notFound(b.get(event(room, after)));
    }

    @Test
    void userWhoNeverJoinedSeesNothing() {
        U a = user("hvn-a");
        U b = user("hvn-b");
        String room = roomWith(a, "shared");
        String msg = send(a, room, "m");
        forbidden(b.get(room(room) + "/state"));
        forbidden(b.get(state(room, "m.room.name", "")));
        notFound(b.get(event(room, msg)));
        // Invited but not joined: still no state.
        invite(a, room, b);
        forbidden(b.get(room(room) + "/state"));
    }

    @Test
    void worldReadableRoomIsReadableByNonMembers() {
        U a = user("hvw-a");
        U b = user("hvw-b");
        String room = roomWith(a, "world_readable");
        String msg = send(a, room, "for everyone");
        assertEquals("for everyone", getEvent(b, room, msg).path("content").path("body").asText());
        assertEquals("before", getState(b, room, "m.room.name", "").path("name").asText());
        assertTrue(stateMap(b, room).containsKey("m.room.create|"));
        ok(b.get(room(room) + "/members"));
        // Reading does not make a member, and sending still needs membership.
        forbidden(b.put(room(room) + "/send/m.room.message/" + RoomFx.txn(), RoomFx.text("x")));
    }

    @Test
    void sharedLateJoinerSeesEarlierEvents() {
        U a = user("hvs-a");
        U b = user("hvs-b");
        String room = roomWith(a, "shared");
        String early = send(a, room, "early");
        notFound(b.get(event(room, early)));
        join(b, room);
        assertEquals("early", getEvent(b, room, early).path("content").path("body").asText());
    }

    @Test
    void joinedLateJoinerSeesOnlyEventsAfterJoining() {
        U a = user("hvj-a");
        U b = user("hvj-b");
        String room = roomWith(a, "joined");
        String early = send(a, room, "early");
        join(b, room);
        String late = send(a, room, "late");
        notFound(b.get(event(room, early)));
        assertEquals("late", getEvent(b, room, late).path("content").path("body").asText());
        // After leaving, still the events from while joined, not the others.
        leave(b, room);
        String afterLeave = send(a, room, "after leave");
        assertEquals("late", getEvent(b, room, late).path("content").path("body").asText());
        notFound(b.get(event(room, afterLeave)));
        notFound(b.get(event(room, early)));
    }

    @Test
    void invitedSeesEventsFromTheInviteOn() {
        U a = user("hvi-a");
        U b = user("hvi-b");
        String room = createRoom(a, map("preset", "private_chat", "initial_state",
                List.of(map("type", "m.room.history_visibility", "content", map("history_visibility", "invited")))));
        String beforeInvite = send(a, room, "before invite");
        invite(a, room, b);
        String whileInvited = send(a, room, "while invited");
        // While invited, events since the invite are visible.
        assertEquals("while invited", getEvent(b, room, whileInvited).path("content").path("body").asText());
        join(b, room);
        String joined = send(a, room, "joined");
        assertEquals("while invited", getEvent(b, room, whileInvited).path("content").path("body").asText());
        assertEquals("joined", getEvent(b, room, joined).path("content").path("body").asText());
        notFound(b.get(event(room, beforeInvite)));
    }

    @Test
    void visibilityChangeAppliesFromThatPoint() {
        U a = user("hvc-a");
        U b = user("hvc-b");
        String room = roomWith(a, "joined");
        String hidden = send(a, room, "hidden from late joiners");
        setState(a, room, "m.room.history_visibility", "", map("history_visibility", "shared"));
        String shared = send(a, room, "shared with late joiners");
        join(b, room);
        notFound(b.get(event(room, hidden)));
        assertEquals("shared with late joiners", getEvent(b, room, shared).path("content").path("body").asText());
    }

    @Test
    void stateEventsAreSubjectToVisibilityOnEventEndpoint() {
        U a = user("hvse-a");
        U b = user("hvse-b");
        String room = roomWith(a, "joined");
        String topic = setState(a, room, "m.room.topic", "", map("topic", "old"));
        join(b, room);
        // Not visible as an event, though it is part of the current state b may read.
        notFound(b.get(event(room, topic)));
        assertEquals("old", getState(b, room, "m.room.topic", "").path("topic").asText());
    }
}
