package org.myelin.core.filters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A whole filter as uploaded with {@code POST /user/{userId}/filter} or passed inline to
 * {@code /sync}: {@code event_fields}, {@code event_format}, {@code presence},
 * {@code account_data} and {@code room}. Parsing validates against the spec's schema and turns
 * every field into a precompiled matcher; absent parts read as "everything" so accessors never
 * return null (except {@link #eventFields()}, where null means all fields).
 *
 * <p>Unknown fields are allowed (the schema does not forbid them, and clients send unstable
 * ones) and kept in {@link #json()}, so that a client that downloads its filter to compare it
 * with its own definition gets back exactly what it uploaded.
 *
 * <p>Immutable and thread-safe.
 */
public final class SyncFilter {
    /** The filter of a request without one: everything, client format. */
    public static final SyncFilter DEFAULT = parse(JsonNodeFactory.instance.objectNode());

    private final ObjectNode json;
    private final List<String> eventFields;
    private final EventFields projection;
    private final boolean federationFormat;
    private final EventFilter presence;
    private final EventFilter accountData;
    private final RoomFilter room;

    private SyncFilter(ObjectNode json, List<String> eventFields, boolean federationFormat, EventFilter presence,
                       EventFilter accountData, RoomFilter room) {
        this.json = json;
        this.eventFields = eventFields;
        this.projection = EventFields.compile(eventFields);
        this.federationFormat = federationFormat;
        this.presence = presence;
        this.accountData = accountData;
        this.room = room;
    }

    /**
     * Validates and compiles a filter definition. The input is copied, so later changes to it do
     * not affect the filter.
     *
     * @throws FilterException naming the first field that does not follow the schema
     */
    public static SyncFilter parse(JsonNode json) {
        FilterJson f = FilterJson.of(json, "");
        List<String> fields = f.strings("event_fields");
        String format = f.string("event_format");
        if (format != null && !format.equals("client") && !format.equals("federation")) {
            throw new FilterException("event_format", "event_format must be 'client' or 'federation'");
        }
        FilterJson presence = f.object("presence");
        FilterJson accountData = f.object("account_data");
        FilterJson room = f.object("room");
        return new SyncFilter(((ObjectNode) json).deepCopy(), fields, "federation".equals(format),
                presence == null ? EventFilter.ALL : EventFilter.parse(presence),
                accountData == null ? EventFilter.ALL : EventFilter.parse(accountData),
                room == null ? RoomFilter.ALL : RoomFilter.parse(room));
    }

    /** The definition as given (validated), as a fresh copy the caller may modify. */
    public ObjectNode json() { return json.deepCopy(); }

    /** {@code event_fields}, unmodifiable, or null when absent (all fields). */
    public List<String> eventFields() { return eventFields; }

    /** {@code event_fields} compiled for {@link EventFields#apply(ObjectNode)}, or null when absent. */
    public EventFields projection() { return projection; }

    /** Whether {@code event_format} is {@code federation}; the default is {@code client}. */
    public boolean federationFormat() { return federationFormat; }

    public EventFilter presence() { return presence; }

    public EventFilter accountData() { return accountData; }

    public RoomFilter room() { return room; }
}
