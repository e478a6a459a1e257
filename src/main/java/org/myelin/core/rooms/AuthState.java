package org.myelin.core.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.core.events.Event;
import org.myelin.core.events.StateKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parts of room state the auth rules read, with the spec's readings of missing state (no
 * membership event means "leave"; no join rules event means "invite"). Works equally over a room's
 * full state and over just the auth events of one event, since it looks up only the keys it needs;
 * so an instance over the current state costs the same in a room of ten members or ten thousand.
 */
public final class AuthState {
    private static final StateKey CREATE_KEY = StateKey.of(EventTypes.CREATE, "");
    private static final StateKey POWER_LEVELS_KEY = StateKey.of(EventTypes.POWER_LEVELS, "");
    private static final StateKey JOIN_RULES_KEY = StateKey.of(EventTypes.JOIN_RULES, "");

    private final Map<StateKey, Event> state;
    private final RoomVersion version;
    private PowerLevels powerLevels;

    private AuthState(Map<StateKey, Event> state, RoomVersion version) {
        this.state = state;
        this.version = version;
    }

    public static AuthState of(Map<StateKey, Event> state, RoomVersion version) {
        return new AuthState(state, version);
    }

    public RoomVersion version() { return version; }

    /** Null only in a state that is not a room's (the auth rules reject every event against it). */
    public Event createEvent() { return state.get(CREATE_KEY); }

    /** See {@link RoomCreators#all}; empty without a create event. */
    public Set<String> creators() {
        Event create = createEvent();
        return create == null ? Set.of() : RoomCreators.all(create, version);
    }

    public PowerLevels powerLevels() {
        if (powerLevels == null) powerLevels = PowerLevels.fromState(state, version);
        return powerLevels;
    }

    /** The current {@code m.room.power_levels} event, or null if the room has none yet. */
    public Event powerLevelsEvent() {
        return state.get(POWER_LEVELS_KEY);
    }

    public Event memberEvent(String userId) {
        return state.get(StateKey.of(EventTypes.MEMBER, userId));
    }

    /** The user's membership, {@link Membership#LEAVE} if they have no member event (or one without a membership). */
    public String membership(String userId) {
        Event member = memberEvent(userId);
        String membership = member == null ? null : member.membership();
        return membership == null ? Membership.LEAVE : membership;
    }

    public boolean isJoined(String userId) {
        return Membership.JOIN.equals(membership(userId));
    }

    /**
     * The join rule as written, {@link JoinRule#INVITE} if the room has no join rules event (the spec
     * does not say; "invite" is what every implementation assumes and the only safe reading), and ""
     * if the event has no string {@code join_rule}, which no rule accepts. Whether
     * the room version supports the rule is for the caller: see {@link #isJoinableByInvite} and
     * {@link #isRestricted}.
     */
    public String joinRule() {
        Event rules = state.get(JOIN_RULES_KEY);
        if (rules == null) return JoinRule.INVITE;
        String rule = JsonFields.text(rules.content(), "join_rule");
        return rule != null ? rule : "";
    }

    /** "invite", or "knock" where the version has knocking: joins need a prior invite. */
    public boolean isJoinableByInvite() {
        String rule = joinRule();
        return rule.equals(JoinRule.INVITE) || (rule.equals(JoinRule.KNOCK) && version.knockJoinRule());
    }

    /** "restricted" (v8+) or "knock_restricted" (v10+): joins may be authorised by a member. */
    public boolean isRestricted() {
        String rule = joinRule();
        return (rule.equals(JoinRule.RESTRICTED) && version.restrictedJoinRule())
                || (rule.equals(JoinRule.KNOCK_RESTRICTED) && version.knockRestrictedJoinRule());
    }

    /** "knock" (v7+) or "knock_restricted" (v10+): users may knock. */
    public boolean allowsKnocking() {
        String rule = joinRule();
        return (rule.equals(JoinRule.KNOCK) && version.knockJoinRule())
                || (rule.equals(JoinRule.KNOCK_RESTRICTED) && version.knockRestrictedJoinRule());
    }

    /**
     * The rooms named by the {@code m.room_membership} allow conditions of a restricted room, in
     * order; malformed conditions are skipped, as the spec says they never match.
     */
    public List<String> allowedRoomIds() {
        Event rules = state.get(JOIN_RULES_KEY);
        JsonNode allow = rules == null ? null : rules.content().get("allow");
        List<String> rooms = new ArrayList<>();
        if (allow == null || !allow.isArray()) return rooms;
        for (JsonNode condition : allow) {
            String roomId = JsonFields.text(condition, "room_id");
            if ("m.room_membership".equals(JsonFields.text(condition, "type")) && roomId != null) rooms.add(roomId);
        }
        return rooms;
    }

    /** Whether the user meets one of the allow conditions, per the caller's view of other rooms. */
    public boolean meetsAllowConditions(String userId, JoinedElsewhere joined) {
        for (String roomId : allowedRoomIds()) {
            if (joined.isJoined(userId, roomId)) return true;
        }
        return false;
    }

    /** The {@code m.room.third_party_invite} event for this token, or null. */
    public Event thirdPartyInvite(String token) {
        return state.get(StateKey.of(EventTypes.THIRD_PARTY_INVITE, token));
    }
}
