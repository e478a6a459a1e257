package org.myelin.core.rooms;

/**
 * The values of {@code content.membership} in {@code m.room.member} events. Kept as strings rather
 * than an enum because events from other servers may carry values this server does not know, and
 * the auth rules must reject those explicitly rather than fail to parse them.
 */
public final class Membership {
    public static final String JOIN = "join";
    public static final String INVITE = "invite";
    public static final String LEAVE = "leave";
    public static final String BAN = "ban";
    /** Room version 7+. */
    public static final String KNOCK = "knock";

    private Membership() {}
}
