package org.myelin.core.rooms;

/**
 * Membership of other rooms, for the allow conditions of restricted joins ({@code m.room_membership}:
 * "the joiner is joined to room X").
 *
 * <p>The spec's auth rules never look at allow conditions: they only require that the user named in
 * {@code join_authorised_via_users_server} can invite and is joined, and that that user's server
 * signed the join. Checking the conditions is the duty of the server that vouches for the join, i.e.
 * this server when one of its own users is the authoriser (a local join, or {@code make_join} /
 * {@code send_join} for a remote user). So the caller decides:
 * <ul>
 *   <li>vouching for a join: pass a lookup of this server's membership, e.g.
 *       {@code (user, room) -> membershipStore.isJoined(user, room)}; {@link AuthRules} then also
 *       rejects a restricted join whose joiner meets no allow condition;</li>
 *   <li>authorising someone else's event (federation, state resolution, re-checks): pass
 *       {@link #TRUST_AUTHORISING_SERVER}, because a server's own membership view must not make it
 *       disagree with other servers about which events are valid.</li>
 * </ul>
 * Rooms this server cannot see should answer false; a caller that needs to tell "not joined" from
 * "cannot tell" ({@code M_UNABLE_TO_AUTHORISE_JOIN}) checks {@link AuthState#allowedRoomIds()} first.
 */
@FunctionalInterface
public interface JoinedElsewhere {
    boolean isJoined(String userId, String roomId);

    /** Whether allow conditions are to be checked with this lookup; false only for {@link #TRUST_AUTHORISING_SERVER}. */
    default boolean checksAllowConditions() {
        return true;
    }

    /** Spec-only checking: allow conditions are the authorising server's business. */
    JoinedElsewhere TRUST_AUTHORISING_SERVER = new JoinedElsewhere() {
        @Override
        public boolean isJoined(String userId, String roomId) {
            return false;
        }

        @Override
        public boolean checksAllowConditions() {
            return false;
        }
    };
}
