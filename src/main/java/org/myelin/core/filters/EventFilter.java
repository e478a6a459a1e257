package org.myelin.core.filters;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;

/**
 * The EventFilter of the spec: {@code limit}, {@code types}/{@code not_types} (with {@code *}
 * wildcards), {@code senders}/{@code not_senders}. Used as is for the top-level presence and
 * account data filters and extended by {@link RoomEventFilter}.
 *
 * <p>Semantics, for every include/exclude pair: an absent list does not filter; a present
 * include list admits only what it names, so an empty one admits nothing; the exclude list wins
 * over the include list. Senders are compared exactly; an event without a sender is excluded by
 * any {@code senders} list and never by {@code not_senders}.
 *
 * <p>Immutable and thread-safe; patterns are compiled once at parse time.
 */
public class EventFilter {
    /** Admits everything, with no limit. */
    public static final EventFilter ALL = new EventFilter(null, null, null, null, null);

    private final Integer limit;
    private final List<String> types;
    private final List<String> notTypes;
    private final TypePatterns typesMatcher;
    private final TypePatterns notTypesMatcher;
    private final Set<String> senders;
    private final Set<String> notSenders;
    private final List<String> sendersList;
    private final List<String> notSendersList;
    /** True when no type or sender list is present: matching is a constant. */
    private final boolean noTypeOrSenderConditions;

    EventFilter(Integer limit, List<String> types, List<String> notTypes, List<String> senders, List<String> notSenders) {
        this.limit = limit;
        this.types = types;
        this.notTypes = notTypes;
        this.typesMatcher = types == null ? null : TypePatterns.compile(types);
        this.notTypesMatcher = notTypes == null ? null : TypePatterns.compile(notTypes);
        this.sendersList = senders;
        this.notSendersList = notSenders;
        this.senders = senders == null ? null : Set.copyOf(senders);
        this.notSenders = notSenders == null ? null : Set.copyOf(notSenders);
        this.noTypeOrSenderConditions = types == null && notTypes == null && senders == null && notSenders == null;
    }

    EventFilter(EventFilter other) {
        this.limit = other.limit;
        this.types = other.types;
        this.notTypes = other.notTypes;
        this.typesMatcher = other.typesMatcher;
        this.notTypesMatcher = other.notTypesMatcher;
        this.senders = other.senders;
        this.notSenders = other.notSenders;
        this.sendersList = other.sendersList;
        this.notSendersList = other.notSendersList;
        this.noTypeOrSenderConditions = other.noTypeOrSenderConditions;
    }

    /**
     * Parses an EventFilter object; {@code path} is its dotted path inside the whole filter (e.g.
     * "presence"), used in error messages. Unknown fields are ignored.
     *
     * @throws FilterException if a field does not follow the schema
     */
    public static EventFilter parse(JsonNode json, String path) {
        return parse(FilterJson.of(json, path));
    }

    static EventFilter parse(FilterJson f) {
        return new EventFilter(f.positiveInt("limit"), f.strings("types"), f.strings("not_types"),
                f.ids("senders", "@", "user ID"), f.ids("not_senders", "@", "user ID"));
    }

    /** True if an event of this type from this sender (either may be null) passes the filter. */
    public boolean matches(String type, String sender) {
        if (noTypeOrSenderConditions) return true;
        if (type != null && notTypesMatcher != null && notTypesMatcher.matches(type)) return false;
        if (sender != null && notSenders != null && notSenders.contains(sender)) return false;
        if (typesMatcher != null && (type == null || !typesMatcher.matches(type))) return false;
        return senders == null || sender != null && senders.contains(sender);
    }

    /**
     * The filter's {@code limit}, or {@code dflt} when it has none. Callers apply their own
     * maximum: the value is only known to be at least 1.
     */
    public int limit(int dflt) { return limit == null ? dflt : limit; }

    /** Whether the filter sets {@code limit}. */
    public boolean hasLimit() { return limit != null; }

    /** The {@code types} list as given, or null when absent (all types). */
    public List<String> types() { return types; }

    /** The {@code not_types} list as given, or null when absent. */
    public List<String> notTypes() { return notTypes; }

    /** The {@code senders} list as given, or null when absent (all senders). */
    public List<String> senders() { return sendersList; }

    /** The {@code not_senders} list as given, or null when absent. */
    public List<String> notSenders() { return notSendersList; }
}
