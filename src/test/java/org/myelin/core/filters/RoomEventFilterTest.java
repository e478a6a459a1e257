package org.myelin.core.filters;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.myelin.core.events.Event;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.core.filters.SyncFilterTest.json;

/** Matching: types and senders (EventFilter), rooms and contains_url (RoomEventFilter). */
class RoomEventFilterTest {
    private static final String ROOM = "!room:x";

    private static EventFilter ef(String s) { return EventFilter.parse(json(s), "presence"); }

    private static RoomEventFilter ref(String s) { return RoomEventFilter.parse(json(s)); }

    private static Event event(String room, String type, String sender, String content) {
        ObjectNode pdu = (ObjectNode) json("{}");
        if (room != null) pdu.put("room_id", room);
        pdu.put("type", type);
        pdu.put("sender", sender);
        pdu.set("content", json(content));
        return new Event("$e", pdu);
    }

    @Test
    void absentListsDoNotFilter() {
        EventFilter f = ef("{}");
        assertTrue(f.matches("m.room.message", "@a:x"));
        assertTrue(f.matches(null, null));
        assertNull(f.types());
        assertNull(f.notSenders());
    }

    @Test
    void types() {
        EventFilter f = ef("{'types': ['m.room.message', 'm.call.*']}");
        assertTrue(f.matches("m.room.message", "@a:x"));
        assertTrue(f.matches("m.call.invite", "@a:x"));
        assertFalse(f.matches("m.room.name", "@a:x"));
        assertFalse(f.matches(null, "@a:x"), "a typeless event never matches a types list");
        assertEquals(List.of("m.room.message", "m.call.*"), f.types());
    }

    @Test
    void emptyIncludeListsMatchNothing() {
        assertFalse(ef("{'types': []}").matches("m.room.message", "@a:x"));
        assertFalse(ef("{'senders': []}").matches("m.room.message", "@a:x"));
        assertFalse(ref("{'rooms': []}").matches(ROOM, "m.room.message", "@a:x", null));
        assertTrue(ef("{'not_types': [], 'not_senders': []}").matches("m.room.message", "@a:x"));
        assertTrue(ref("{'not_rooms': []}").matches(ROOM, "m.room.message", "@a:x", null));
    }

    @Test
    void notTypesWinsOverTypes() {
        EventFilter f = ef("{'types': ['m.room.*'], 'not_types': ['m.room.member']}");
        assertTrue(f.matches("m.room.message", "@a:x"));
        assertFalse(f.matches("m.room.member", "@a:x"));
        assertFalse(ef("{'types': ['*'], 'not_types': ['*']}").matches("m.room.message", "@a:x"));
        EventFilter wild = ef("{'not_types': ['m.room.*']}");
        assertFalse(wild.matches("m.room.message", "@a:x"));
        assertTrue(wild.matches("m.reaction", "@a:x"));
        assertTrue(wild.matches(null, "@a:x"));
    }

    @Test
    void senders() {
        EventFilter f = ef("{'senders': ['@a:x', '@b:x'], 'not_senders': ['@b:x']}");
        assertTrue(f.matches("m.room.message", "@a:x"));
        assertFalse(f.matches("m.room.message", "@b:x"), "not_senders wins over senders");
        assertFalse(f.matches("m.room.message", "@c:x"));
        assertFalse(f.matches("m.typing", null), "no sender: excluded by a senders list");
        EventFilter not = ef("{'not_senders': ['@spam:x']}");
        assertTrue(not.matches("m.typing", null), "no sender: never excluded by not_senders");
        assertFalse(not.matches("m.room.message", "@spam:x"));
        assertTrue(not.matches("m.room.message", "@SPAM:x"), "sender IDs compare exactly");
        assertFalse(ef("{'senders': ['@a:*']}").matches("m.room.message", "@a:x"), "no wildcards in senders");
    }

    @Test
    void rooms() {
        RoomEventFilter f = ref("{'rooms': ['!a:x', '!b:x'], 'not_rooms': ['!b:x']}");
        assertTrue(f.matches("!a:x", "m.room.message", "@u:x", null));
        assertFalse(f.matches("!b:x", "m.room.message", "@u:x", null));
        assertFalse(f.matches("!c:x", "m.room.message", "@u:x", null));
        assertTrue(f.allowsRoom("!a:x"));
        assertFalse(f.allowsRoom(null));
        assertTrue(ref("{'not_rooms': ['!b:x']}").allowsRoom(null));
        assertTrue(f.matches(event("!a:x", "m.room.message", "@u:x", "{}")));
        assertFalse(f.matches(event("!c:x", "m.room.message", "@u:x", "{}")));
    }

    @Test
    void roomOfAVersion12CreateEventComesFromItsId() {
        RoomEventFilter f = ref("{'rooms': ['!e']}");
        ObjectNode pdu = (ObjectNode) json("{'type': 'm.room.create', 'state_key': '', 'sender': '@u:x', 'content': {}}");
        assertTrue(f.matches(new Event("$e", pdu)));
    }

    @Test
    void containsUrl() {
        RoomEventFilter with = ref("{'contains_url': true}");
        RoomEventFilter without = ref("{'contains_url': false}");
        RoomEventFilter any = ref("{}");
        Event image = event(ROOM, "m.room.message", "@u:x", "{'msgtype': 'm.image', 'url': 'mxc://x/y'}");
        Event text = event(ROOM, "m.room.message", "@u:x", "{'msgtype': 'm.text', 'body': 'url'}");
        Event numberUrl = event(ROOM, "m.room.message", "@u:x", "{'url': 5}");
        Event nullUrl = event(ROOM, "m.room.message", "@u:x", "{'url': null}");
        Event nestedUrl = event(ROOM, "m.room.message", "@u:x", "{'file': {'url': 'mxc://x/y'}}");
        assertTrue(with.matches(image));
        assertFalse(with.matches(text));
        assertFalse(with.matches(numberUrl), "only a string url counts");
        assertFalse(with.matches(nullUrl));
        assertFalse(with.matches(nestedUrl), "only content.url counts");
        assertFalse(without.matches(image));
        assertTrue(without.matches(text));
        assertTrue(without.matches(numberUrl));
        assertTrue(without.matches(nullUrl));
        for (Event e : List.of(image, text, numberUrl, nullUrl)) assertTrue(any.matches(e));
        assertFalse(with.matches(ROOM, "m.typing", null, null), "no content: no url");
        assertTrue(without.matches(ROOM, "m.typing", null, null));
        assertEquals(Boolean.TRUE, with.containsUrl());
        assertNull(any.containsUrl());
    }

    @Test
    void allConditionsTogether() {
        RoomEventFilter f = ref("""
                {'limit': 3, 'types': ['m.room.message'], 'not_senders': ['@spam:x'], 'rooms': ['!room:x'],
                 'contains_url': true, 'lazy_load_members': true}""");
        assertTrue(f.matches(event(ROOM, "m.room.message", "@u:x", "{'url': 'mxc://a/b'}")));
        assertFalse(f.matches(event(ROOM, "m.room.message", "@spam:x", "{'url': 'mxc://a/b'}")));
        assertFalse(f.matches(event(ROOM, "m.sticker", "@u:x", "{'url': 'mxc://a/b'}")));
        assertFalse(f.matches(event("!other:x", "m.room.message", "@u:x", "{'url': 'mxc://a/b'}")));
        assertFalse(f.matches(event(ROOM, "m.room.message", "@u:x", "{}")));
        assertEquals(3, f.limit(10));
        assertTrue(f.lazyLoadMembers());
        assertFalse(f.includeRedundantMembers());
    }

    @Test
    void allConstants() {
        assertTrue(RoomEventFilter.ALL.matches(event(ROOM, "m.room.message", "@u:x", "{}")));
        assertEquals(20, RoomEventFilter.ALL.limit(20));
        assertTrue(EventFilter.ALL.matches("x", null));
        assertTrue(RoomFilter.ALL.allowsRoom(ROOM));
    }
}
