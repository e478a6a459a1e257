package org.myelin.core.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.core.events.Event;
import org.myelin.core.events.StateKey;

import java.util.Map;
import java.util.Objects;

/**
 * The authorisation rules of room versions 1 to 12: whether an event is allowed given a set of room
 * state. The same check serves every place the spec applies it (against the event's auth events,
 * against the state before it, against the current state) and the local write path; only the state
 * passed in differs.
 *
 * <p>Not covered here, because they are properties of the event's {@code auth_events} list rather
 * than of state: duplicates, entries the selection algorithm would not pick and, in v12, a cited
 * create event ({@link AuthEventSelection#authStateOf}), and entries that were themselves rejected
 * (the caller's knowledge).
 *
 * <p>Signature verification is delegated (see {@link ServerSignatures} and
 * {@link ThirdPartyInviteSignatures}) so that this package needs neither ed25519 nor key fetching;
 * an instance holds those two verifiers and is otherwise stateless and thread-safe.
 */
public final class AuthRules {
    private final MembershipRules membershipRules;

    public AuthRules(ServerSignatures serverSignatures, ThirdPartyInviteSignatures thirdPartySignatures) {
        this.membershipRules = new MembershipRules(serverSignatures, thirdPartySignatures);
    }

    /**
     * Returns normally if {@code event} is allowed, else throws {@link AuthFailure} naming the rule.
     *
     * @param authState       the state to authorise against: the event's auth events, or a room
     *                        state (only the entries the rules need are looked up, so the full
     *                        current state is as cheap as the selected subset). It must hold the
     *                        create event, which from v12 is implied by room_id rather than cited.
     * @param restrictedCheck how to judge restricted joins' allow conditions; see {@link JoinedElsewhere}
     */
    public void check(Event event, RoomVersion version, Map<StateKey, Event> authState, JoinedElsewhere restrictedCheck) {
        if (event.sender() == null) throw new AuthFailure("event has no sender");
        if (EventTypes.CREATE.equals(event.type())) {
            checkCreate(event, version);
            return;
        }
        AuthState state = AuthState.of(authState, version);
        Event create = state.createEvent();
        if (create == null) throw new AuthFailure("no m.room.create event in the auth state");
        if (version.roomIdFromCreateEvent() && !roomIdFromCreate(create).equals(event.roomId())) {
            throw new AuthFailure("room_id " + event.roomId() + " is not that of the create event " + create.eventId());
        }
        JsonNode federate = create.content().get("m.federate");
        if (federate != null && federate.isBoolean() && !federate.booleanValue()
                && !Objects.equals(MatrixIds.domain(create.sender()), MatrixIds.domain(event.sender()))) {
            throw new AuthFailure("the room is not federated and the sender is from another server");
        }
        if (version.specialCaseAliasesAuth() && EventTypes.ALIASES.equals(event.type())) {
            checkAliases(event);
            return;
        }
        if (EventTypes.MEMBER.equals(event.type())) {
            membershipRules.check(event, state, restrictedCheck);
            return;
        }
        checkGeneric(event, state);
    }

    private static void checkCreate(Event event, RoomVersion version) {
        JsonNode prev = event.pdu().get("prev_events");
        if (prev != null && !prev.isEmpty()) throw new AuthFailure("m.room.create has prev_events");
        if (version.roomIdFromCreateEvent()) {
            if (event.pdu().has("room_id")) throw new AuthFailure("m.room.create has a room_id in room version 12");
        } else {
            String roomId = JsonFields.text(event.pdu(), "room_id");
            String roomDomain = MatrixIds.domain(roomId);
            if (roomDomain == null || !roomDomain.equals(MatrixIds.domain(event.sender()))) {
                throw new AuthFailure("m.room.create: room_id " + roomId + " is not on the sender's server");
            }
        }
        JsonNode roomVersion = event.content().get("room_version");
        if (roomVersion != null && (!roomVersion.isTextual() || RoomVersion.of(roomVersion.asText()).isEmpty())) {
            throw new AuthFailure("m.room.create: unknown room_version " + roomVersion);
        }
        if (!version.v11RedactionAndCreator() && !event.content().has("creator")) {
            throw new AuthFailure("m.room.create: no content.creator before room version 11");
        }
        if (version.roomIdFromCreateEvent() && event.content().has("additional_creators")) {
            JsonNode additional = event.content().get("additional_creators");
            if (!additional.isArray()) throw new AuthFailure("m.room.create: additional_creators is not an array");
            for (JsonNode user : additional) {
                if (!user.isTextual() || !MatrixIds.isValidUserId(user.asText())) {
                    throw new AuthFailure("m.room.create: additional_creators holds an invalid user ID " + user);
                }
            }
        }
    }

    /** v12: the room ID is the create event's ID with the '!' sigil. */
    private static String roomIdFromCreate(Event create) {
        return "!" + create.eventId().substring(1);
    }

    /** v1-v5: a server may always set its own aliases, even without a joined user. */
    private static void checkAliases(Event event) {
        String stateKey = event.stateKey();
        if (stateKey == null) throw new AuthFailure("m.room.aliases without a state_key");
        if (!stateKey.equals(MatrixIds.domain(event.sender()))) {
            throw new AuthFailure("m.room.aliases: state_key " + stateKey + " is not the sender's server");
        }
    }

    private static void checkGeneric(Event event, AuthState state) {
        String sender = event.sender();
        if (!state.isJoined(sender)) throw new AuthFailure("sender " + sender + " is not joined to the room");
        PowerLevels levels = state.powerLevels();
        long senderLevel = levels.userLevel(sender);
        if (EventTypes.THIRD_PARTY_INVITE.equals(event.type())) {
            if (senderLevel < levels.invite()) {
                throw new AuthFailure("m.room.third_party_invite: sender's power level " + senderLevel
                        + " is below the invite level " + levels.invite());
            }
            return;
        }
        long required = levels.eventLevel(event.type(), event.isState());
        if (required > senderLevel) {
            throw new AuthFailure(event.type() + " requires power level " + required + ", sender has " + senderLevel);
        }
        String stateKey = event.stateKey();
        if (stateKey != null && stateKey.startsWith("@") && !stateKey.equals(sender)) {
            throw new AuthFailure("state_key " + stateKey + " is another user's ID");
        }
        if (EventTypes.POWER_LEVELS.equals(event.type())) {
            PowerLevelsChangeRules.check(event, state);
        } else if (EventTypes.REDACTION.equals(event.type())
                && state.version().eventIdFormat() == RoomVersion.EventIdFormat.V1_LOCAL) {
            checkV1Redaction(event, senderLevel, levels);
        }
    }

    /**
     * v1-v2 only, where event IDs carry their origin server: a redaction needs the redact level or
     * must come from the server that created the redacted event. Later versions move this decision
     * out of the auth rules (see {@link RoomPermissions#redactionApplies}).
     */
    private static void checkV1Redaction(Event event, long senderLevel, PowerLevels levels) {
        if (senderLevel >= levels.redact()) return;
        String redactedDomain = MatrixIds.domain(event.redacts());
        if (redactedDomain != null && redactedDomain.equals(MatrixIds.domain(event.eventId()))) return;
        throw new AuthFailure("m.room.redaction: sender's power level " + senderLevel + " is below the redact level "
                + levels.redact() + " and the redacted event is from another server");
    }
}
