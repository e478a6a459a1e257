package org.myelin.core.filters;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.myelin.core.filters.SyncFilterTest.filter;
import static org.myelin.core.filters.SyncFilterTest.json;

class EventFieldsTest {
    private static final ObjectNode EVENT = (ObjectNode) json("""
            {'type': 'm.room.message', 'sender': '@a:x', 'event_id': '$e', 'origin_server_ts': 5,
             'content': {'body': 'hi', 'msgtype': 'm.text', 'm.relates_to': {'rel_type': 'm.thread', 'event_id': '$t'},
                         'a\\\\b': 1, 'a\\\\.b': 2, 'x\\\\y': 3},
             'unsigned': {'age': 7, 'transaction_id': 'txn'}}""");

    private static ObjectNode apply(String... fields) { return EventFields.apply(EVENT, List.of(fields)); }

    @Test
    void topLevelFields() {
        assertEquals(json("{'type': 'm.room.message', 'sender': '@a:x'}"), apply("type", "sender"));
        assertEquals(json("{'content': " + EVENT.get("content") + "}"), apply("content"));
    }

    @Test
    void nestedFieldsMerge() {
        assertEquals(json("{'content': {'body': 'hi', 'msgtype': 'm.text'}, 'unsigned': {'age': 7}}"),
                apply("content.body", "content.msgtype", "unsigned.age"));
    }

    @Test
    void wholeObjectWinsOverItsParts() {
        ObjectNode full = (ObjectNode) json("{'unsigned': {'age': 7, 'transaction_id': 'txn'}}");
        assertEquals(full, apply("unsigned.age", "unsigned"));
        assertEquals(full, apply("unsigned", "unsigned.age"));
    }

    @Test
    void escapedDots() {
        assertEquals(json("{'content': {'m.relates_to': {'rel_type': 'm.thread', 'event_id': '$t'}}}"),
                apply("content.m\\.relates_to"));
        assertEquals(json("{'content': {'m.relates_to': {'rel_type': 'm.thread'}}}"),
                apply("content.m\\.relates_to.rel_type"));
        assertEquals(json("{}"), apply("content.m.relates_to"), "an unescaped dot separates names");
    }

    @Test
    void escapedBackslashes() {
        // The event has content keys a\b, a\.b and x\y (the JSON text above doubles each backslash twice).
        assertEquals(json("{'content': {'a\\\\b': 1}}"), apply("content.a\\\\b"));
        assertEquals(json("{'content': {'a\\\\.b': 2}}"), apply("content.a\\\\\\.b"));
        assertEquals(json("{'content': {'x\\\\y': 3}}"), apply("content.x\\y"), "other escapes are literal");
        assertEquals(List.of("a\\", "b"), EventFields.split("a\\\\.b"));
        assertEquals(List.of("a.b", "c"), EventFields.split("a\\.b.c"));
        assertEquals(List.of("a\\"), EventFields.split("a\\"), "a trailing backslash is literal");
        assertEquals(List.of("", ""), EventFields.split("."));
    }

    @Test
    void missingAndNonObjectParentsSelectNothing() {
        assertEquals(json("{}"), apply("nope", "content.nope", "type.inner", "content.body.inner"));
        assertEquals(json("{'type': 'm.room.message'}"), apply("type", "redacts"));
    }

    @Test
    void emptyListKeepsNothingAndNullKeepsEverything() {
        assertEquals(json("{}"), EventFields.apply(EVENT, List.of()));
        ObjectNode copy = EventFields.apply(EVENT, null);
        assertEquals(EVENT, copy);
        assertNotSame(EVENT, copy);
    }

    @Test
    void resultNeverAliasesTheSource() {
        ObjectNode out = apply("content", "unsigned.age");
        ((ObjectNode) out.get("content")).put("body", "changed");
        ((ObjectNode) out.get("unsigned")).put("age", 0);
        assertEquals("hi", EVENT.get("content").get("body").asText());
        assertEquals(7, EVENT.get("unsigned").get("age").asInt());
    }

    @Test
    void filterProjection() {
        SyncFilter f = filter("{'event_fields': ['type', 'content.body']}");
        assertEquals(json("{'type': 'm.room.message', 'content': {'body': 'hi'}}"), f.projection().apply(EVENT));
    }
}
