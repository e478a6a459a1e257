package org.myelin.rooms;

/**
 * A module's veto on local membership changes, asked by {@link RoomService} before it builds the
 * event (moderation policy lists refuse banned users and rooms; server notices refuse rejecting
 * the notices room's invite). A gate refuses by throwing a MatrixException; the defaults allow.
 */
public interface MembershipGate {
    /** A local user asks to join a room they are not joined to. */
    default void beforeJoin(String roomId, String userId) {}

    /** A local user invites target (local, since there is no federation yet). */
    default void beforeInvite(String roomId, String sender, String target) {}

    /** A local user leaves, or rejects an invite (current is "invite"). */
    default void beforeLeave(String roomId, String userId, String current) {}
}
