package org.myelin.core.rooms;

import org.myelin.core.events.Event;
import org.myelin.core.events.StateKey;

import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers to "may this user do X?" for the client API, before an event is built: the same
 * conditions as {@link AuthRules}, phrased per action, so that handlers can refuse early with a
 * precise error and offer only possible actions. They never replace running {@link AuthRules#check}
 * on the built event, which stays the authority.
 */
public final class RoomPermissions {
    /** How a user can join, given the join rule and their membership. */
    public enum JoinRoute {
        /** A plain join event is allowed: the room is public, or the user is invited or joined. */
        DIRECT,
        /**
         * A restricted room the user is not invited to: the join must name a joined user who can
         * invite in {@code join_authorised_via_users_server}, and the vouching server must check
         * the allow conditions (see {@link RoomPermissions#restrictedJoinAuthoriser} and {@link JoinedElsewhere}).
         */
        VIA_AUTHORISER,
        /** Banned, or the join rule admits only invited users (or is unknown to this room version). */
        FORBIDDEN
    }

    private final AuthState state;

    private RoomPermissions(AuthState state) {
        this.state = state;
    }

    public static RoomPermissions of(Map<StateKey, Event> state, RoomVersion version) {
        return new RoomPermissions(AuthState.of(state, version));
    }

    public AuthState state() { return state; }

    public boolean canSendMessage(String userId, String eventType) {
        return hasLevel(userId, state.powerLevels().eventLevel(eventType, false));
    }

    /**
     * Whether the user may set this piece of (non-membership) state: joined, at the type's level, and
     * not writing a state key that is another user's ID. Power levels content rules are not covered.
     */
    public boolean canSendState(String userId, String eventType, String stateKey) {
        if (stateKey.startsWith("@") && !stateKey.equals(userId)) return false;
        return hasLevel(userId, state.powerLevels().eventLevel(eventType, true));
    }

    /** Whether a join needs nothing, an authorising user, or is impossible; also decides {@code /join} errors. */
    public JoinRoute joinRoute(String userId) {
        String current = state.membership(userId);
        if (current.equals(Membership.BAN)) return JoinRoute.FORBIDDEN;
        boolean invitedOrJoined = current.equals(Membership.INVITE) || current.equals(Membership.JOIN);
        if (state.isJoinableByInvite()) return invitedOrJoined ? JoinRoute.DIRECT : JoinRoute.FORBIDDEN;
        if (state.isRestricted()) return invitedOrJoined ? JoinRoute.DIRECT : JoinRoute.VIA_AUTHORISER;
        return state.joinRule().equals(JoinRule.PUBLIC) ? JoinRoute.DIRECT : JoinRoute.FORBIDDEN;
    }

    /** Knocking needs a join rule that allows it and a user not already banned, invited or joined. */
    public boolean canKnock(String userId) {
        String current = state.membership(userId);
        return state.allowsKnocking() && !current.equals(Membership.BAN) && !current.equals(Membership.INVITE)
                && !current.equals(Membership.JOIN);
    }

    /** Whether {@code sender} may invite {@code target}, which also accepts a knock. */
    public boolean canInvite(String sender, String target) {
        String current = state.membership(target);
        if (current.equals(Membership.JOIN) || current.equals(Membership.BAN)) return false;
        return hasLevel(sender, state.powerLevels().invite());
    }

    /** Whether {@code sender} may set another user's membership to leave (kick, or refuse a knock or invite). */
    public boolean canKick(String sender, String target) {
        if (sender.equals(target) || state.membership(target).equals(Membership.BAN)) return false;
        return hasLevel(sender, state.powerLevels().kick()) && outranks(sender, target);
    }

    public boolean canBan(String sender, String target) {
        return hasLevel(sender, state.powerLevels().ban()) && outranks(sender, target);
    }

    /** Lifting a ban is a kick of a banned user, so it takes both the kick and the ban level. */
    public boolean canUnban(String sender, String target) {
        if (!state.membership(target).equals(Membership.BAN)) return false;
        PowerLevels levels = state.powerLevels();
        return hasLevel(sender, Math.max(levels.kick(), levels.ban())) && outranks(sender, target);
    }

    /**
     * Whether the user may redact an event sent by {@code originalSender}: they must be able to send
     * {@code m.room.redaction}, and need the redact level only for other users' events.
     */
    public boolean canRedact(String userId, String originalSender) {
        PowerLevels levels = state.powerLevels();
        if (!hasLevel(userId, levels.eventLevel(EventTypes.REDACTION, false))) return false;
        return userId.equals(originalSender) || levels.userLevel(userId) >= levels.redact();
    }

    /**
     * Whether an accepted redaction is to be applied to the event it targets ("Handling redactions",
     * v3+; in v1 and v2 the auth rules already demanded the equivalent): the redacter has the redact
     * level, or is on the same server as the original sender, since servers are trusted to have
     * checked their own users. This instance's state should be the state before the redaction.
     */
    public boolean redactionApplies(Event redaction, Event original) {
        PowerLevels levels = state.powerLevels();
        if (levels.userLevel(redaction.sender()) >= levels.redact()) return true;
        return Objects.equals(MatrixIds.domain(redaction.sender()), MatrixIds.domain(original.sender()));
    }

    /**
     * A user to name in {@code join_authorised_via_users_server} for a restricted join this server
     * vouches for: a joined user with the invite level, the most powerful first (least likely to be
     * demoted before the join is seen by others).
     *
     * @param localUsers this server's users joined to the room (this server can only sign for them)
     */
    public Optional<String> restrictedJoinAuthoriser(Collection<String> localUsers) {
        PowerLevels levels = state.powerLevels();
        return localUsers.stream()
                .filter(user -> hasLevel(user, levels.invite()))
                .max(Comparator.comparingLong(levels::userLevel));
    }

    private boolean hasLevel(String userId, long required) {
        return state.isJoined(userId) && state.powerLevels().userLevel(userId) >= required;
    }

    private boolean outranks(String sender, String target) {
        PowerLevels levels = state.powerLevels();
        return levels.userLevel(target) < levels.userLevel(sender);
    }
}
