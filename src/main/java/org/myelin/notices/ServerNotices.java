package org.myelin.notices;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.config.Config;
import org.myelin.core.events.Event;
import org.myelin.http.Body;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.rooms.EventTemplate;
import org.myelin.rooms.LiveRoom;
import org.myelin.rooms.MembershipGate;
import org.myelin.rooms.RoomService;
import org.myelin.storage.AccountStore;
import org.myelin.storage.RoomStore.StoredEvent;
import org.myelin.storage.RoomStore.TxnKey;
import org.myelin.storage.ServerNoticeStore;
import org.myelin.users.AccountService;
import org.myelin.users.UserIds;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Server Notices module: official messages from the server to a user, in one room per user
 * that a configured system user creates on the first notice. The user is invited (not joined),
 * the room is tagged {@code m.server_notice} for them, and its power levels let only the system
 * user send. Rejecting the invite is refused with M_CANNOT_LEAVE_SERVER_NOTICE_ROOM (the spec);
 * leaving after joining is allowed, and the next notice invites the user back into the same room,
 * so there is never more than one notices room per user. Notices of type
 * {@code m.server_notice.usage_limit_reached} are also pinned, which is how clients find the
 * active ones.
 */
public final class ServerNotices implements MembershipGate {
    public static final String MSGTYPE = "m.server_notice";
    public static final String TAG = "m.server_notice";
    public static final String USAGE_LIMIT_REACHED = "m.server_notice.usage_limit_reached";
    /** server_notice_type of a plain text notice (the spec defines only usage_limit_reached). */
    public static final String PLAIN_NOTICE_TYPE = "org.myelin.server_notice.message";

    /** Puts the m.server_notice tag on a room in the user's room account data. */
    @FunctionalInterface
    public interface RoomTagger {
        void tag(String userId, String roomId);
    }

    private final Config.ServerNotices config;
    private final String serverName;
    private final AccountService accounts;
    private final RoomService rooms;
    private final ServerNoticeStore store;
    private final ReentrantLock[] locks = new ReentrantLock[64];
    private volatile RoomTagger tagger = (u, r) -> { };

    public ServerNotices(Config.ServerNotices config, String serverName, AccountService accounts, RoomService rooms,
                         ServerNoticeStore store) {
        this.config = config;
        this.serverName = serverName;
        this.accounts = accounts;
        this.rooms = rooms;
        this.store = store;
        for (int i = 0; i < locks.length; i++) locks[i] = new ReentrantLock();
    }

    public void setTagger(RoomTagger tagger) { this.tagger = tagger; }

    public boolean enabled() { return config.enabled(); }

    /** The system user's ID, or null when server notices are not configured. */
    public String systemUserId() {
        return enabled() ? UserIds.of(config.systemUserLocalpart(), serverName) : null;
    }

    /** A plain text notice's content. */
    public static ObjectNode text(String body) {
        ObjectNode c = Json.object();
        c.put("msgtype", MSGTYPE);
        c.put("body", body);
        c.put("server_notice_type", PLAIN_NOTICE_TYPE);
        return c;
    }

    /** A usage limit notice's content (limitType e.g. monthly_active_user; adminContact a URI). */
    public static ObjectNode usageLimitReached(String body, String limitType, String adminContact) {
        ObjectNode c = Json.object();
        c.put("msgtype", MSGTYPE);
        c.put("body", body);
        c.put("server_notice_type", USAGE_LIMIT_REACHED);
        c.put("limit_type", limitType);
        c.put("admin_contact", adminContact);
        return c;
    }

    /**
     * Sends a notice to a local user: a message (type m.room.message, stateKey null) or a state
     * event, into the user's notices room, creating the room or inviting the user back as needed.
     * Content of an m.room.message without msgtype becomes a plain m.server_notice; an
     * m.server_notice without server_notice_type gets the plain type.
     */
    public StoredEvent send(String userId, String type, String stateKey, ObjectNode content, TxnKey txn) {
        if (!enabled()) throw MatrixException.unknown("Server notices are not enabled on this server");
        if (!UserIds.isValid(userId)) throw MatrixException.invalidParam("Invalid user ID " + userId);
        if (!UserIds.isLocal(userId, serverName)) {
            throw MatrixException.invalidParam("Server notices can only be sent to local users");
        }
        String system = systemUserId();
        if (userId.equals(system)) throw MatrixException.invalidParam("The system user cannot receive server notices");
        Optional<AccountStore.UserRow> user = accounts.user(userId);
        if (user.isEmpty() || user.get().deactivated()) throw MatrixException.notFound("Unknown user " + userId);
        if (type.equals("m.room.member") || type.equals("m.room.create")) {
            throw MatrixException.invalidParam(type + " cannot be sent as a server notice");
        }
        ObjectNode c = content.deepCopy();
        if ("m.room.message".equals(type) && stateKey == null) normalise(c);
        ReentrantLock l = locks[Math.floorMod(userId.hashCode(), locks.length)];
        l.lock();
        try {
            String roomId = roomFor(userId, system);
            StoredEvent se = rooms.send(roomId, new EventTemplate(type, stateKey, system, c, null), txn);
            if ("m.room.message".equals(type) && stateKey == null && USAGE_LIMIT_REACHED.equals(c.path("server_notice_type").asText())) {
                pin(roomId, system, se.event().eventId());
            }
            return se;
        } finally {
            l.unlock();
        }
    }

    /** Fills the defaults and checks a message before any room is created for it. */
    private static void normalise(ObjectNode c) {
        if (!c.has("msgtype")) c.put("msgtype", MSGTYPE);
        if (!c.path("msgtype").isTextual() || !c.path("body").isTextual()) {
            throw MatrixException.badJson("A notice needs a string 'body' (and 'msgtype', if given, must be a string)");
        }
        if (!MSGTYPE.equals(c.path("msgtype").asText())) return;
        if (!c.has("server_notice_type")) c.put("server_notice_type", PLAIN_NOTICE_TYPE);
        JsonNode kind = c.get("server_notice_type");
        if (!kind.isTextual()) throw MatrixException.badJson("server_notice_type must be a string");
        if (USAGE_LIMIT_REACHED.equals(kind.asText())) {
            if (!c.path("limit_type").isTextual() || !c.path("admin_contact").isTextual()) {
                throw MatrixException.badJson(USAGE_LIMIT_REACHED + " needs string 'limit_type' and 'admin_contact'");
            }
        }
    }

    /** The user's notices room, with the system user joined and the user invited or joined. */
    private String roomFor(String userId, String system) {
        ensureSystemUser(system);
        Optional<String> known = store.roomOf(userId)
                .filter(r -> "join".equals(rooms.membershipOf(r, system)));
        if (known.isPresent()) {
            String roomId = known.get();
            String m = rooms.membershipOf(roomId, userId);
            if ("join".equals(m) || "invite".equals(m)) return roomId;
            if (!"ban".equals(m)) {
                // The user left (or never got the invite through): invite them back into the same room.
                rooms.invite(roomId, system, userId, null, false);
                tagger.tag(userId, roomId);
                return roomId;
            }
        }
        String roomId = createRoom(system);
        store.setRoom(userId, roomId);
        rooms.invite(roomId, system, userId, null, false);
        tagger.tag(userId, roomId);
        return roomId;
    }

    private void ensureSystemUser(String system) {
        if (accounts.exists(system)) return;
        try {
            String name = config.systemUserDisplayname();
            accounts.create(system, null, false, false, name, null);
        } catch (MatrixException e) {
            if (!"M_USER_IN_USE".equals(e.errcode())) throw e;
        }
    }

    private String createRoom(String system) {
        ObjectNode body = Json.object();
        body.put("preset", "private_chat");
        body.put("name", config.roomName());
        if (config.roomTopic() != null) body.put("topic", config.roomTopic());
        // Only the system user (100, or a creator in room version 12) may send anything.
        ObjectNode pl = body.putObject("power_level_content_override");
        pl.put("users_default", 0);
        pl.put("events_default", 100);
        pl.put("state_default", 100);
        pl.put("invite", 100);
        pl.put("kick", 100);
        pl.put("ban", 100);
        pl.put("redact", 100);
        if (config.roomAvatarUrl() != null) {
            ArrayNode is = body.putArray("initial_state");
            ObjectNode avatar = is.addObject();
            avatar.put("type", "m.room.avatar");
            avatar.put("state_key", "");
            avatar.putObject("content").put("url", config.roomAvatarUrl());
        }
        return rooms.createRoom(system, new Body(body)).roomId();
    }

    private void pin(String roomId, String system, String eventId) {
        LiveRoom room = rooms.writer().requireRoom(roomId);
        Event current = rooms.writer().stateEvent(room, "m.room.pinned_events", "");
        ObjectNode c = Json.object();
        ArrayNode pinned = c.putArray("pinned");
        if (current != null && current.content().get("pinned") instanceof ArrayNode old) {
            for (JsonNode id : old) if (id.isTextual()) pinned.add(id);
        }
        pinned.add(eventId);
        rooms.setState(roomId, EventTemplate.state("m.room.pinned_events", "", system, c));
    }

    // ------------------------------------------------------------------ membership gate

    /** Rejecting the invite to one's notices room is refused (spec); leaving after joining is not. */
    @Override
    public void beforeLeave(String roomId, String userId, String current) {
        if (!"invite".equals(current) || !enabled()) return;
        if (store.userOf(roomId).filter(userId::equals).isPresent()) {
            throw new MatrixException(403, "M_CANNOT_LEAVE_SERVER_NOTICE_ROOM", "You cannot reject the invite to the server notices room",
                    Map.of());
        }
    }

    /** Which rooms are notices rooms (for tests and admin tools). */
    public Optional<String> roomOf(String userId) { return store.roomOf(userId); }
}
