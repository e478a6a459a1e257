package org.myelin.core.rooms;

/**
 * The values of {@code content.join_rule} in {@code m.room.join_rules}. Strings, like
 * {@link Membership}, because unknown or not-yet-supported rules must still be representable (the
 * auth rules treat them as "nobody may join without an invite").
 */
public final class JoinRule {
    public static final String PUBLIC = "public";
    public static final String INVITE = "invite";
    /** Room version 7+. */
    public static final String KNOCK = "knock";
    /** Room version 8+. */
    public static final String RESTRICTED = "restricted";
    /** Room version 10+. */
    public static final String KNOCK_RESTRICTED = "knock_restricted";

    private JoinRule() {}
}
