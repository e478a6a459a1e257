package org.myelin.rooms;

import java.nio.charset.StandardCharsets;

/** Room alias grammar: #localpart:server, at most 255 bytes. */
public final class RoomAliases {
    private RoomAliases() {}

    public static boolean isValid(String alias) {
        if (alias == null || !alias.startsWith("#") || alias.getBytes(StandardCharsets.UTF_8).length > 255) return false;
        int colon = alias.indexOf(':');
        if (colon < 2 || colon == alias.length() - 1) return false;
        String local = alias.substring(1, colon);
        for (int i = 0; i < local.length(); i++) {
            char ch = local.charAt(i);
            if (ch == ':' || Character.isWhitespace(ch) || ch < 0x20) return false;
        }
        return true;
    }

    public static String server(String alias) { return alias.substring(alias.indexOf(':') + 1); }
}
