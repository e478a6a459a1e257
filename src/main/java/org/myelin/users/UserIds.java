package org.myelin.users;

import org.myelin.http.MatrixException;

import java.util.regex.Pattern;

/** User ID grammar (spec appendix "User Identifiers"). */
public final class UserIds {
    /** Localparts we allocate or accept at registration: the current grammar, lower case only. */
    private static final Pattern LOCALPART = Pattern.compile("^[a-z0-9._=\\-/+]+$");
    /** Historical user IDs may contain any printable ASCII except ':'; accepted when reading IDs. */
    private static final Pattern HISTORICAL = Pattern.compile("^[\\x21-\\x39\\x3b-\\x7e]+$");

    private UserIds() {}

    public static String of(String localpart, String serverName) { return "@" + localpart + ":" + serverName; }

    /** Validates a desired localpart for registration; throws M_INVALID_USERNAME. */
    public static void checkNewLocalpart(String localpart, String serverName) {
        if (localpart.isEmpty()) throw invalid("User ID cannot be empty");
        if (!LOCALPART.matcher(localpart).matches()) {
            throw invalid("User ID can only contain characters a-z, 0-9, or '._=-/+'");
        }
        if (localpart.startsWith("_")) throw invalid("User IDs starting with '_' are reserved");
        if (localpart.chars().allMatch(Character::isDigit)) throw invalid("Numeric user IDs are reserved for guest users");
        if (of(localpart, serverName).length() > 255) throw invalid("User ID is too long");
    }

    private static MatrixException invalid(String msg) { return new MatrixException(400, "M_INVALID_USERNAME", msg); }

    /** True when s is a syntactically valid (possibly historical) user ID. */
    public static boolean isValid(String s) {
        if (s == null || s.length() > 255 || !s.startsWith("@")) return false;
        int colon = s.indexOf(':');
        if (colon < 2 || colon == s.length() - 1) return false;
        return HISTORICAL.matcher(s.substring(1, colon)).matches();
    }

    public static String localpart(String userId) {
        int colon = userId.indexOf(':');
        return userId.substring(1, colon);
    }

    public static String server(String userId) {
        return userId.substring(userId.indexOf(':') + 1);
    }

    public static boolean isLocal(String userId, String serverName) {
        return isValid(userId) && server(userId).equals(serverName);
    }
}
