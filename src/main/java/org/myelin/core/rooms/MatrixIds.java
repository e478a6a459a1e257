package org.myelin.core.rooms;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The little identifier parsing the auth rules need: several rules compare "the domain of" a user,
 * room or event ID, and some require "a valid user ID". Validation accepts the historical user ID
 * grammar (any localpart without ':' or NUL) because the spec requires servers to keep accepting
 * events from such users; rejecting them here would split the room's state between servers.
 */
final class MatrixIds {
    private static final Pattern SERVER_NAME =
            Pattern.compile("(\\[[0-9A-Fa-f:.]{2,45}]|[0-9A-Za-z.-]{1,255})(:[0-9]{1,5})?");
    private static final int MAX_USER_ID_BYTES = 255;

    private MatrixIds() {}

    /** The server name after the first ':' of a sigil-prefixed ID, or null if there is none. */
    static String domain(String id) {
        if (id == null) return null;
        int colon = id.indexOf(':');
        return colon < 0 ? null : id.substring(colon + 1);
    }

    static boolean isValidUserId(String id) {
        if (id == null || !id.startsWith("@")) return false;
        if (id.getBytes(StandardCharsets.UTF_8).length > MAX_USER_ID_BYTES) return false;
        int colon = id.indexOf(':');
        if (colon < 0 || id.substring(1, colon).indexOf('\0') >= 0) return false;
        return SERVER_NAME.matcher(id.substring(colon + 1)).matches();
    }
}
