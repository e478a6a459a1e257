package org.myelin.core.filters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing and validating whole filters, and the room filter. */
class SyncFilterTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    static SyncFilter filter(String s) { return SyncFilter.parse(json(s)); }

    @Test
    void defaultAdmitsEverything() {
        SyncFilter f = SyncFilter.DEFAULT;
        assertNull(f.eventFields());
        assertNull(f.projection());
        assertFalse(f.federationFormat());
        assertTrue(f.presence().matches("m.presence", "@a:x"));
        assertTrue(f.accountData().matches("m.push_rules", null));
        assertEquals(7, f.presence().limit(7));
        assertFalse(f.room().includeLeave());
        assertTrue(f.room().allowsRoom("!r:x"));
        assertTrue(f.room().allowsAllRooms());
        for (RoomEventFilter s : List.of(f.room().timeline(), f.room().state(), f.room().ephemeral(), f.room().accountData())) {
            assertTrue(s.matches("!r:x", "m.room.message", "@a:x", null));
            assertEquals(10, s.limit(10));
            assertFalse(s.lazyLoadMembers());
            assertFalse(s.includeRedundantMembers());
            assertFalse(s.unreadThreadNotifications());
        }
        assertEquals("{}", f.json().toString());
    }

    @Test
    void specExample() {
        SyncFilter f = filter("""
                {'room': {'state': {'types': ['m.room.*'], 'not_rooms': ['!726s6s6q:example.com']},
                          'timeline': {'limit': 10, 'types': ['m.room.message'], 'not_rooms': ['!726s6s6q:example.com'],
                                       'not_senders': ['@spam:example.com']},
                          'ephemeral': {'types': ['m.receipt', 'm.typing'], 'not_rooms': ['!726s6s6q:example.com'],
                                        'not_senders': ['@spam:example.com']}},
                 'presence': {'types': ['m.presence'], 'not_senders': ['@alice:example.com']},
                 'event_format': 'client', 'event_fields': ['type', 'content', 'sender']}""");
        assertEquals(List.of("type", "content", "sender"), f.eventFields());
        assertFalse(f.federationFormat());
        assertTrue(f.presence().matches("m.presence", "@bob:example.com"));
        assertFalse(f.presence().matches("m.presence", "@alice:example.com"));
        RoomEventFilter tl = f.room().timeline();
        assertEquals(10, tl.limit(20));
        assertTrue(tl.matches("!ok:example.com", "m.room.message", "@bob:example.com", null));
        assertFalse(tl.matches("!726s6s6q:example.com", "m.room.message", "@bob:example.com", null));
        assertFalse(tl.matches("!ok:example.com", "m.room.message", "@spam:example.com", null));
        assertFalse(tl.matches("!ok:example.com", "m.room.name", "@bob:example.com", null));
        assertTrue(f.room().state().matches("!ok:example.com", "m.room.name", "@bob:example.com", null));
        assertFalse(f.room().state().matches("!ok:example.com", "m.reaction", "@bob:example.com", null));
        assertTrue(f.room().ephemeral().matches("!ok:example.com", "m.typing", null, null));
        assertSame(RoomEventFilter.ALL, f.room().accountData());
    }

    @Test
    void eventFormat() {
        assertTrue(filter("{'event_format': 'federation'}").federationFormat());
        assertFalse(filter("{'event_format': 'client'}").federationFormat());
        FilterException e = assertThrows(FilterException.class, () -> filter("{'event_format': 'raw'}"));
        assertEquals("event_format", e.field());
        assertTrue(e.getMessage().contains("event_format"), e.getMessage());
    }

    @Test
    void roomFilterRoomsAndIncludeLeave() {
        RoomFilter r = filter("{'room': {'rooms': ['!a:x', '!b:x'], 'not_rooms': ['!b:x'], 'include_leave': true}}").room();
        assertTrue(r.includeLeave());
        assertTrue(r.allowsRoom("!a:x"));
        assertFalse(r.allowsRoom("!b:x"), "not_rooms wins over rooms");
        assertFalse(r.allowsRoom("!c:x"));
        assertFalse(r.allowsAllRooms());
        assertFalse(filter("{'room': {'rooms': []}}").room().allowsRoom("!a:x"), "empty rooms admits none");
        RoomFilter notOnly = filter("{'room': {'not_rooms': ['!b:x']}}").room();
        assertTrue(notOnly.allowsRoom("!a:x"));
        assertFalse(notOnly.allowsRoom("!b:x"));
        assertFalse(filter("{'room': {'include_leave': false}}").room().includeLeave());
    }

    @Test
    void roomEventFilterSwitches() {
        SyncFilter f = filter("""
                {'room': {'state': {'lazy_load_members': true, 'include_redundant_members': true},
                          'timeline': {'include_redundant_members': true, 'unread_thread_notifications': true},
                          'ephemeral': {'org.matrix.msc3773.unread_thread_notifications': true},
                          'account_data': {'unread_thread_notifications': false,
                                           'org.matrix.msc3773.unread_thread_notifications': true}}}""");
        assertTrue(f.room().state().lazyLoadMembers());
        assertTrue(f.room().state().includeRedundantMembers());
        assertFalse(f.room().timeline().lazyLoadMembers());
        assertFalse(f.room().timeline().includeRedundantMembers(), "does not apply without lazy_load_members");
        assertTrue(f.room().timeline().unreadThreadNotifications());
        assertTrue(f.room().ephemeral().unreadThreadNotifications(), "unstable name accepted");
        assertFalse(f.room().accountData().unreadThreadNotifications(), "stable name wins");
    }

    @Test
    void unknownFieldsAreKeptInJson() {
        String def = "{'room':{'timeline':{'limit':5,'org.example.x':[1,2]},'org.example.y':true},'org.example.z':{'a':null}}";
        SyncFilter f = filter(def);
        assertEquals(json(def), f.json());
        assertEquals(5, f.room().timeline().limit(1));
    }

    @Test
    void parseCopiesItsInput() {
        ObjectNode in = (ObjectNode) json("{'event_fields': ['type']}");
        SyncFilter f = SyncFilter.parse(in);
        in.put("event_format", "federation");
        assertFalse(f.json().has("event_format"));
        f.json().put("x", 1);
        assertFalse(f.json().has("x"), "json() returns a copy");
        assertThrows(UnsupportedOperationException.class, () -> f.eventFields().add("x"));
    }

    @Test
    void limits() {
        assertEquals(1, filter("{'room': {'timeline': {'limit': 1}}}").room().timeline().limit(10));
        assertTrue(filter("{'room': {'timeline': {'limit': 1}}}").room().timeline().hasLimit());
        assertFalse(filter("{'room': {'timeline': {}}}").room().timeline().hasLimit());
        assertEquals(Integer.MAX_VALUE, filter("{'presence': {'limit': 99999999999999}}").presence().limit(10));
        assertEquals(Integer.MAX_VALUE, filter("{'presence': {'limit': 999999999999999999999999999}}").presence().limit(10));
        assertEquals(3, filter("{'account_data': {'limit': 3}}").accountData().limit(10));
    }

    /** A filter, and the field the error must name. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "[]                                                      | ``",
            "'x'                                                     | ``",
            "null                                                    | ``",
            "{'event_fields': 'type'}                                | event_fields",
            "{'event_fields': ['type', 3]}                           | event_fields",
            "{'event_fields': null}                                  | event_fields",
            "{'event_format': 1}                                     | event_format",
            "{'event_format': 'Client'}                              | event_format",
            "{'presence': []}                                        | presence",
            "{'presence': {'limit': 0}}                              | presence.limit",
            "{'presence': {'limit': -5}}                             | presence.limit",
            "{'presence': {'limit': 1.5}}                            | presence.limit",
            "{'presence': {'limit': 10.0}}                           | presence.limit",
            "{'presence': {'limit': '10'}}                           | presence.limit",
            "{'presence': {'limit': true}}                           | presence.limit",
            "{'presence': {'types': 'm.presence'}}                   | presence.types",
            "{'presence': {'types': [null]}}                         | presence.types",
            "{'presence': {'not_types': [{}]}}                       | presence.not_types",
            "{'presence': {'senders': ['alice']}}                    | presence.senders",
            "{'presence': {'not_senders': [7]}}                      | presence.not_senders",
            "{'account_data': 'all'}                                 | account_data",
            "{'account_data': {'senders': {}}}                       | account_data.senders",
            "{'room': true}                                          | room",
            "{'room': {'rooms': '!a:x'}}                             | room.rooms",
            "{'room': {'rooms': ['#alias:x']}}                       | room.rooms",
            "{'room': {'not_rooms': ['a:x']}}                        | room.not_rooms",
            "{'room': {'include_leave': 'true'}}                     | room.include_leave",
            "{'room': {'include_leave': 1}}                          | room.include_leave",
            "{'room': {'timeline': []}}                              | room.timeline",
            "{'room': {'timeline': {'limit': 0}}}                    | room.timeline.limit",
            "{'room': {'timeline': {'types': [1]}}}                  | room.timeline.types",
            "{'room': {'state': {'lazy_load_members': 'yes'}}}       | room.state.lazy_load_members",
            "{'room': {'state': {'include_redundant_members': 0}}}   | room.state.include_redundant_members",
            "{'room': {'ephemeral': {'contains_url': 'true'}}}       | room.ephemeral.contains_url",
            "{'room': {'ephemeral': {'rooms': ['x']}}}               | room.ephemeral.rooms",
            "{'room': {'account_data': {'not_rooms': [false]}}}      | room.account_data.not_rooms",
            "{'room': {'account_data': {'unread_thread_notifications': 'no'}}} | room.account_data.unread_thread_notifications",
            "{'room': {'timeline': {'org.matrix.msc3773.unread_thread_notifications': 1}}} | room.timeline.org.matrix.msc3773.unread_thread_notifications",
            "{'room': {'state': null}}                               | room.state",
    })
    void invalid(String definition, String field) {
        FilterException e = assertThrows(FilterException.class, () -> filter(definition));
        assertEquals(field, e.field(), e::getMessage);
        if (!field.isEmpty()) assertTrue(e.getMessage().startsWith(field + " ") || e.getMessage().startsWith(field + "["),
                e::getMessage);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{'room': {'rooms': ['!a:x']}}",
            "{'room': {'rooms': ['!opaqueRoomIdV12']}}",
            "{'presence': {'senders': []}}",
            "{'event_fields': []}",
            "{'room': {'timeline': {'types': ['*'], 'not_types': []}}}",
            "{'room': {'timeline': {'contains_url': false}}}",
    })
    void valid(String definition) {
        filter(definition);
    }

    @Test
    void messagesNameTheOffendingElement() {
        FilterException e = assertThrows(FilterException.class, () -> filter("{'room': {'rooms': ['!a:x', '#b:x']}}"));
        assertEquals("room.rooms[1] must be a room ID starting with '!', got '#b:x'", e.getMessage());
        e = assertThrows(FilterException.class, () -> filter("{'room': {'timeline': {'limit': 0}}}"));
        assertEquals("room.timeline.limit must be an integer greater than 0", e.getMessage());
        e = assertThrows(FilterException.class, () -> filter("[]"));
        assertEquals("filter must be a JSON object", e.getMessage());
        e = assertThrows(FilterException.class, () -> RoomEventFilter.parse(json("{'senders': 'x'}")));
        assertEquals("senders must be an array of user IDs", e.getMessage());
    }
}
