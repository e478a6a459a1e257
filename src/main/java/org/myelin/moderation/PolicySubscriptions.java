package org.myelin.moderation;

import org.myelin.core.events.StateKey;
import org.myelin.core.moderation.PolicyList;
import org.myelin.core.moderation.PolicyRule;
import org.myelin.http.MatrixException;
import org.myelin.rooms.LiveRoom;
import org.myelin.rooms.MembershipGate;
import org.myelin.rooms.RoomWriter;
import org.myelin.storage.RoomStore;
import org.myelin.storage.RoomStore.StoredEvent;
import org.myelin.users.UserIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's subscription to moderation policy rooms (config {@code moderation.policy_rooms}):
 * the {@code m.ban} rules in their current state refuse local joins and invites, as the module
 * suggests: a user rule bans the joining or invited user (and keeps a banned user from inviting),
 * a room rule bans joining or being invited to the room (matched against its ID and its canonical
 * alias), a server rule bans users of that server. Policy rooms are read from this server's own
 * copy of their state (a room another server hosts is only readable once federation exists); the
 * compiled rules of each room are cached until the room's next event (a rule change, removal or
 * redaction), found by comparing the room's newest stream position.
 */
public final class PolicySubscriptions implements MembershipGate {
    private static final Logger log = LoggerFactory.getLogger(PolicySubscriptions.class);

    private final List<String> policyRooms;
    private final RoomWriter writer;
    private final RoomStore store;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(long lastNid, PolicyList rules) {}

    public PolicySubscriptions(List<String> policyRooms, RoomWriter writer, RoomStore store) {
        this.policyRooms = List.copyOf(policyRooms);
        this.writer = writer;
        this.store = store;
    }

    public boolean active() { return !policyRooms.isEmpty(); }

    @Override
    public void beforeJoin(String roomId, String userId) {
        if (!active()) return;
        refuseUser(userId, "You are banned by a moderation policy");
        refuseRoom(roomId);
    }

    @Override
    public void beforeInvite(String roomId, String sender, String target) {
        if (!active()) return;
        refuseUser(sender, "You are banned by a moderation policy and cannot invite");
        refuseUser(target, "The invited user is banned by a moderation policy");
        refuseRoom(roomId);
    }

    private void refuseUser(String userId, String msg) {
        for (PolicyList l : lists()) {
            Optional<PolicyRule> r = l.bannedUser(userId);
            if (r.isEmpty() && UserIds.isValid(userId)) r = l.bannedServer(UserIds.server(userId));
            if (r.isPresent()) throw MatrixException.forbidden(msg + reason(r.get()));
        }
    }

    private void refuseRoom(String roomId) {
        String alias = canonicalAlias(roomId);
        for (PolicyList l : lists()) {
            Optional<PolicyRule> r = l.bannedRoom(roomId);
            if (r.isEmpty() && alias != null) r = l.bannedRoom(alias);
            if (r.isPresent()) throw MatrixException.forbidden("This room is banned by a moderation policy" + reason(r.get()));
        }
    }

    private static String reason(PolicyRule r) {
        return r.reason() == null || r.reason().isBlank() ? "" : ": " + r.reason();
    }

    private String canonicalAlias(String roomId) {
        Optional<LiveRoom> room = writer.room(roomId);
        if (room.isEmpty()) return null;
        var e = writer.stateEvent(room.get(), "m.room.canonical_alias", "");
        return e == null || !e.content().path("alias").isTextual() ? null : e.content().get("alias").asText();
    }

    /** The rule lists of the subscribed rooms this server can read now. */
    List<PolicyList> lists() {
        List<PolicyList> out = new ArrayList<>(policyRooms.size());
        for (String ref : policyRooms) {
            String roomId = resolve(ref);
            if (roomId == null) continue;
            Optional<LiveRoom> room = writer.room(roomId);
            if (room.isEmpty()) {
                log.debug("policy room {} is not known to this server; its rules do not apply", ref);
                continue;
            }
            Cached c = cache.get(roomId);
            // The writer publishes a room's state before its newest position, so reading the position
            // first can only make the cached rules look older than they are, never newer.
            long nid = room.get().lastNid();
            if (c == null || c.lastNid() != nid) {
                c = new Cached(nid, load(room.get()));
                cache.put(roomId, c);
            }
            out.add(c.rules());
        }
        return out;
    }

    private String resolve(String ref) {
        if (ref.startsWith("!")) return ref;
        return store.alias(ref).map(target -> target[0]).orElse(null);
    }

    private PolicyList load(LiveRoom room) {
        List<Long> nids = new ArrayList<>();
        for (Map.Entry<StateKey, Long> e : room.state().entrySet()) {
            if (PolicyRule.Kind.ofEventType(e.getKey().type()).isPresent()) nids.add(e.getValue());
        }
        List<PolicyRule> rules = new ArrayList<>(nids.size());
        for (StoredEvent se : writer.events().byNids(nids).values()) {
            if (se.redactedBy() != null) continue;
            PolicyRule.fromEvent(se.event().type(), se.event().content()).ifPresent(rules::add);
        }
        return new PolicyList(rules);
    }
}
