package org.myelin.core.filters;

/**
 * A filter definition that does not follow the filter schema. The message names the offending
 * field by its dotted path from the filter's top level (for example {@code room.timeline.limit}),
 * so that it can be shown to the client as is.
 */
public final class FilterException extends RuntimeException {
    private final String field;

    public FilterException(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    /** The dotted path of the offending field, or "" for the filter as a whole. */
    public String field() { return field; }
}
