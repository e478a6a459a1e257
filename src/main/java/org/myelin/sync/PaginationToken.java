package org.myelin.sync;

import org.myelin.http.MatrixException;

/**
 * A position in a room's timeline for /messages and /context: the boundary just before event
 * nid {@code position}. Backwards pagination from it returns events with nid < position, forwards
 * returns events with nid >= position. A sync token is accepted too: its event position P is the
 * boundary after P.
 */
public final class PaginationToken {
    private PaginationToken() {}

    public static String of(long boundary) { return "t" + boundary; }

    public static long parse(String token) {
        if (token == null) throw MatrixException.missingParam("Missing pagination token");
        if (SyncToken.isSyncToken(token)) return SyncToken.parse(token).events() + 1;
        if (token.startsWith("t")) {
            try {
                long v = Long.parseLong(token.substring(1));
                if (v >= 0) return v;
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        throw MatrixException.invalidParam("Invalid pagination token");
    }
}
