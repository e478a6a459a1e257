package org.myelin.core.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.core.events.Event;
import org.myelin.core.events.StateKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static org.myelin.core.rooms.JsonFields.text;

/**
 * Which state an event cites as its {@code auth_events} (server-server API, "Auth events
 * selection"), and the auth rule that checks a received event's citations against the same
 * algorithm. The keys depend only on the event itself, never on the state, which is what lets a
 * receiving server verify them: the state only decides which of those keys exist.
 */
public final class AuthEventSelection {
    private static final StateKey CREATE_KEY = StateKey.of(EventTypes.CREATE, "");
    private static final StateKey POWER_LEVELS_KEY = StateKey.of(EventTypes.POWER_LEVELS, "");
    private static final StateKey JOIN_RULES_KEY = StateKey.of(EventTypes.JOIN_RULES, "");

    private AuthEventSelection() {}

    /**
     * Every key an event of this shape may cite, in selection order: the create event (not in v12,
     * where room_id implies it), the power levels, the sender's membership and, for membership
     * events, the target's membership, the join rules (join, invite, knock), the third-party invite
     * named by {@code content.third_party_invite.signed.token} (invites) and the membership of
     * {@code content.join_authorised_via_users_server} (joins, v8+). Empty for a create event.
     */
    public static Set<StateKey> candidates(String type, String stateKey, String sender, JsonNode content,
                                           RoomVersion version) {
        Set<StateKey> keys = new LinkedHashSet<>();
        if (EventTypes.CREATE.equals(type)) return keys;
        if (!version.roomIdFromCreateEvent()) keys.add(CREATE_KEY);
        keys.add(POWER_LEVELS_KEY);
        keys.add(member(sender));
        if (!EventTypes.MEMBER.equals(type)) return keys;
        if (stateKey != null) keys.add(member(stateKey));
        String membership = text(content, "membership");
        if (Membership.JOIN.equals(membership) || Membership.INVITE.equals(membership)
                || Membership.KNOCK.equals(membership)) {
            keys.add(JOIN_RULES_KEY);
        }
        if (Membership.INVITE.equals(membership) && content.has("third_party_invite")) {
            String token = text(content.get("third_party_invite").get("signed"), "token");
            if (token != null) keys.add(StateKey.of(EventTypes.THIRD_PARTY_INVITE, token));
        }
        if (Membership.JOIN.equals(membership) && version.restrictedJoinRule()) {
            String authoriser = text(content, "join_authorised_via_users_server");
            if (authoriser != null) keys.add(member(authoriser));
        }
        return keys;
    }

    /** What a new event's {@code auth_events} should reference: the {@link #candidates} present in {@code state}. */
    public static List<StateKey> select(String type, String stateKey, String sender, JsonNode content,
                                        RoomVersion version, Map<StateKey, Event> state) {
        List<StateKey> selected = new ArrayList<>();
        for (StateKey key : candidates(type, stateKey, sender, content, version)) {
            if (state.containsKey(key)) selected.add(key);
        }
        return selected;
    }

    /**
     * The auth rule "considering the event's auth_events", for an event received with them: rejects
     * duplicate keys, keys the selection algorithm would not pick (so, in v12, a cited create event),
     * events from another room and, before v12, a missing create event. Returns them as the state
     * for {@link AuthRules#check}; from v12 the caller adds the create event that room_id names.
     * Whether a cited event was itself rejected is the caller's to check.
     *
     * @param authEvents the events {@code event.authEvents()} refers to
     */
    public static Map<StateKey, Event> authStateOf(Event event, RoomVersion version, List<Event> authEvents) {
        Set<StateKey> allowed = candidates(event.type(), event.stateKey(), event.sender(), event.content(), version);
        Map<StateKey, Event> state = new HashMap<>();
        for (Event authEvent : authEvents) {
            StateKey key = StateKey.of(authEvent);
            if (!allowed.contains(key)) {
                throw new AuthFailure("auth event " + authEvent.eventId() + " (" + key.type() + ", " + key.stateKey()
                        + ") is not one the auth events selection picks for this event");
            }
            if (state.put(key, authEvent) != null) {
                throw new AuthFailure("auth events cite (" + key.type() + ", " + key.stateKey() + ") twice");
            }
            if (!Objects.equals(authEvent.roomId(), event.roomId())) {
                throw new AuthFailure("auth event " + authEvent.eventId() + " is from room " + authEvent.roomId());
            }
        }
        if (!version.roomIdFromCreateEvent() && !EventTypes.CREATE.equals(event.type()) && !state.containsKey(CREATE_KEY)) {
            throw new AuthFailure("auth events lack the m.room.create event");
        }
        return state;
    }

    private static StateKey member(String userId) {
        return StateKey.of(EventTypes.MEMBER, userId);
    }
}
