package org.myelin.core.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.events.Event;

import java.util.ArrayList;
import java.util.List;

import static org.myelin.core.rooms.JsonFields.text;

/**
 * The {@code m.room.member} branch of the auth rules: the one place where users who are not joined
 * may act (join, accept or reject an invite, knock), so every transition is spelled out. Each
 * rejection names the membership and the clause, in the spec's order.
 */
final class MembershipRules {
    private final ServerSignatures serverSignatures;
    private final ThirdPartyInviteSignatures thirdPartySignatures;

    MembershipRules(ServerSignatures serverSignatures, ThirdPartyInviteSignatures thirdPartySignatures) {
        this.serverSignatures = serverSignatures;
        this.thirdPartySignatures = thirdPartySignatures;
    }

    void check(Event event, AuthState state, JoinedElsewhere joined) {
        RoomVersion version = state.version();
        if (event.stateKey() == null) throw new AuthFailure("m.room.member without a state_key");
        String membership = event.membership();
        if (membership == null) throw new AuthFailure("m.room.member without content.membership");
        if (version.restrictedJoinRule()) checkAuthoriserSignature(event);
        switch (membership) {
            case Membership.JOIN -> join(event, state, joined);
            case Membership.INVITE -> invite(event, state);
            case Membership.LEAVE -> leave(event, state);
            case Membership.BAN -> ban(event, state);
            case Membership.KNOCK -> {
                if (!version.knockJoinRule()) throw unknown(membership, version);
                knock(event, state);
            }
            default -> throw unknown(membership, version);
        }
    }

    private static AuthFailure unknown(String membership, RoomVersion version) {
        return new AuthFailure("unknown membership \"" + membership + "\" in room version " + version.id());
    }

    /** v8+: whoever vouches for a join must have signed it, whatever the membership. */
    private void checkAuthoriserSignature(Event event) {
        if (!event.content().has("join_authorised_via_users_server")) return;
        String authoriser = text(event.content(), "join_authorised_via_users_server");
        String server = MatrixIds.domain(authoriser);
        if (server == null || !serverSignatures.isSignedBy(event, server)) {
            throw new AuthFailure("join_authorised_via_users_server " + authoriser
                    + ": the event is not signed by that user's server");
        }
    }

    private void join(Event event, AuthState state, JoinedElsewhere joined) {
        String sender = event.sender();
        String target = event.stateKey();
        Event create = state.createEvent();
        List<String> prev = event.prevEvents();
        if (prev.size() == 1 && prev.get(0).equals(create.eventId())
                && target.equals(RoomCreators.primary(create, state.version()))) {
            return;
        }
        if (!target.equals(sender)) throw new AuthFailure("join: sender " + sender + " cannot join for " + target);
        String current = state.membership(sender);
        if (current.equals(Membership.BAN)) throw new AuthFailure("join: " + sender + " is banned");
        boolean invitedOrJoined = current.equals(Membership.INVITE) || current.equals(Membership.JOIN);
        String rule = state.joinRule();
        if (state.isJoinableByInvite()) {
            if (invitedOrJoined) return;
            throw new AuthFailure("join: join rule is \"" + rule + "\" and " + sender + " is not invited");
        }
        if (state.isRestricted()) {
            if (invitedOrJoined) return;
            restrictedJoin(event, state, joined);
            return;
        }
        if (rule.equals(JoinRule.PUBLIC)) return;
        throw new AuthFailure("join: join rule \"" + rule + "\" does not allow joining in room version "
                + state.version().id());
    }

    private static void restrictedJoin(Event event, AuthState state, JoinedElsewhere joined) {
        String authoriser = text(event.content(), "join_authorised_via_users_server");
        if (authoriser == null) {
            throw new AuthFailure("join: restricted room and no join_authorised_via_users_server");
        }
        if (!state.isJoined(authoriser)) {
            throw new AuthFailure("join: authorising user " + authoriser + " is not joined");
        }
        PowerLevels levels = state.powerLevels();
        if (levels.userLevel(authoriser) < levels.invite()) {
            throw new AuthFailure("join: authorising user " + authoriser + " may not invite");
        }
        if (joined.checksAllowConditions() && !state.meetsAllowConditions(event.sender(), joined)) {
            throw new AuthFailure("join: " + event.sender() + " meets none of the restricted room's allow conditions");
        }
    }

    private void invite(Event event, AuthState state) {
        String sender = event.sender();
        String target = event.stateKey();
        if (event.content().has("third_party_invite")) {
            thirdPartyInvite(event, state);
            return;
        }
        if (!state.isJoined(sender)) throw new AuthFailure("invite: sender " + sender + " is not joined");
        String current = state.membership(target);
        if (current.equals(Membership.JOIN) || current.equals(Membership.BAN)) {
            throw new AuthFailure("invite: target " + target + " is already " + current);
        }
        PowerLevels levels = state.powerLevels();
        if (levels.userLevel(sender) < levels.invite()) {
            throw new AuthFailure("invite: sender's power level " + levels.userLevel(sender)
                    + " is below the invite level " + levels.invite());
        }
    }

    /** The invitee proves, via the identity server's signature, that they own the invited address. */
    private void thirdPartyInvite(Event event, AuthState state) {
        String target = event.stateKey();
        if (state.membership(target).equals(Membership.BAN)) {
            throw new AuthFailure("third-party invite: target " + target + " is banned");
        }
        JsonNode signedNode = event.content().get("third_party_invite").get("signed");
        if (!(signedNode instanceof ObjectNode signed)) {
            throw new AuthFailure("third-party invite: no \"signed\" object");
        }
        String mxid = text(signed, "mxid");
        String token = text(signed, "token");
        if (mxid == null || token == null) throw new AuthFailure("third-party invite: \"signed\" lacks mxid or token");
        if (!mxid.equals(target)) throw new AuthFailure("third-party invite: signed mxid " + mxid + " is not the target");
        Event invite = state.thirdPartyInvite(token);
        if (invite == null) throw new AuthFailure("third-party invite: no m.room.third_party_invite for the token");
        if (!event.sender().equals(invite.sender())) {
            throw new AuthFailure("third-party invite: sender did not send the m.room.third_party_invite");
        }
        for (String key : publicKeys(invite.content())) {
            if (thirdPartySignatures.isSignedWith(signed, key)) return;
        }
        throw new AuthFailure("third-party invite: no signature matches the invite's public keys");
    }

    private static List<String> publicKeys(ObjectNode inviteContent) {
        List<String> keys = new ArrayList<>();
        String single = text(inviteContent, "public_key");
        if (single != null) keys.add(single);
        JsonNode list = inviteContent.get("public_keys");
        if (list != null && list.isArray()) {
            for (JsonNode entry : list) {
                String key = text(entry, "public_key");
                if (key != null) keys.add(key);
            }
        }
        return keys;
    }

    private static void leave(Event event, AuthState state) {
        String sender = event.sender();
        String target = event.stateKey();
        if (sender.equals(target)) {
            String current = state.membership(sender);
            boolean mayLeave = current.equals(Membership.INVITE) || current.equals(Membership.JOIN)
                    || (current.equals(Membership.KNOCK) && state.version().knockJoinRule());
            if (mayLeave) return;
            throw new AuthFailure("leave: " + sender + " cannot leave from membership \"" + current + "\"");
        }
        if (!state.isJoined(sender)) throw new AuthFailure("kick: sender " + sender + " is not joined");
        PowerLevels levels = state.powerLevels();
        long senderLevel = levels.userLevel(sender);
        if (state.membership(target).equals(Membership.BAN) && senderLevel < levels.ban()) {
            throw new AuthFailure("unban: sender's power level " + senderLevel + " is below the ban level " + levels.ban());
        }
        if (senderLevel < levels.kick()) {
            throw new AuthFailure("kick: sender's power level " + senderLevel + " is below the kick level " + levels.kick());
        }
        if (levels.userLevel(target) >= senderLevel) {
            throw new AuthFailure("kick: target " + target + " has a power level at or above the sender's");
        }
    }

    private static void ban(Event event, AuthState state) {
        String sender = event.sender();
        String target = event.stateKey();
        if (!state.isJoined(sender)) throw new AuthFailure("ban: sender " + sender + " is not joined");
        PowerLevels levels = state.powerLevels();
        long senderLevel = levels.userLevel(sender);
        if (senderLevel < levels.ban()) {
            throw new AuthFailure("ban: sender's power level " + senderLevel + " is below the ban level " + levels.ban());
        }
        if (levels.userLevel(target) >= senderLevel) {
            throw new AuthFailure("ban: target " + target + " has a power level at or above the sender's");
        }
    }

    private static void knock(Event event, AuthState state) {
        String sender = event.sender();
        if (!state.allowsKnocking()) {
            throw new AuthFailure("knock: join rule \"" + state.joinRule() + "\" does not allow knocking");
        }
        if (!sender.equals(event.stateKey())) throw new AuthFailure("knock: sender " + sender + " cannot knock for another user");
        String current = state.membership(sender);
        if (current.equals(Membership.BAN) || current.equals(Membership.INVITE) || current.equals(Membership.JOIN)) {
            throw new AuthFailure("knock: " + sender + " is already " + current);
        }
    }
}
