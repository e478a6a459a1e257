package org.myelin.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.events.Event;
import org.myelin.core.acl.ServerAcl;
import org.myelin.core.events.StateKey;
import org.myelin.core.rooms.AuthState;
import org.myelin.core.rooms.JoinedElsewhere;
import org.myelin.core.rooms.PowerLevels;
import org.myelin.core.rooms.RoomVersion;
import org.myelin.http.Body;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.storage.AccountStore;
import org.myelin.storage.RoomStore;
import org.myelin.storage.RoomStore.StoredEvent;
import org.myelin.storage.RoomStore.TxnKey;
import org.myelin.users.Secrets;
import org.myelin.users.UserIds;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Room operations on behalf of local users: creating rooms, membership changes and sending
 * events, with the checks the Client-Server API adds on top of the auth rules (message shape,
 * canonical alias validity, power level shape, no changing other users' membership by state PUT).
 */
public final class RoomService {
    private final RoomWriter writer;
    private final RoomStore store;
    private final AccountStore accounts;
    private final String serverName;
    /** Local membership, for the allow conditions of restricted joins vouched for by this server. */
    private final JoinedElsewhere localMembership;
    /** Vetoes from modules (policy lists, server notices) on local joins, invites and leaves. */
    private final List<MembershipGate> gates = new java.util.concurrent.CopyOnWriteArrayList<>();

    public RoomService(RoomWriter writer, RoomStore store, AccountStore accounts) {
        this.writer = writer;
        this.store = store;
        this.accounts = accounts;
        this.serverName = writer.serverName();
        this.localMembership = (user, room) -> "join".equals(membershipOf(room, user));
    }

    public RoomWriter writer() { return writer; }

    public void addMembershipGate(MembershipGate gate) { gates.add(gate); }

    public String serverName() { return serverName; }

    /** The user's current membership in the room, or null. */
    public String membershipOf(String roomId, String userId) {
        Optional<LiveRoom> r = writer.room(roomId);
        if (r.isEmpty()) return null;
        Event m = writer.stateEvent(r.get(), "m.room.member", userId);
        return m == null ? null : m.membership();
    }

    public AuthState authState(LiveRoom room, String... userIds) {
        List<StateKey> keys = new ArrayList<>(List.of(StateKey.of("m.room.create", ""), StateKey.of("m.room.power_levels", ""),
                StateKey.of("m.room.join_rules", "")));
        for (String u : userIds) keys.add(StateKey.of("m.room.member", u));
        return AuthState.of(writer.stateEvents(room, keys), room.version());
    }

    // ---------------------------------------------------------------- sending

    public StoredEvent send(String roomId, EventTemplate t, TxnKey txn) {
        validateContent(roomId, t);
        return writer.send(roomId, t, txn, localMembership);
    }

    /** Sets state unless the same content is already current, in which case the current event is returned. */
    public StoredEvent setState(String roomId, EventTemplate t) {
        LiveRoom room = writer.requireRoom(roomId);
        if ("m.room.member".equals(t.type())) {
            String target = t.stateKey();
            String membership = t.content().path("membership").asText(null);
            if (!t.sender().equals(target) || !"join".equals(membership) || !"join".equals(membershipOf(roomId, target))) {
                throw MatrixException.forbidden("Use the membership endpoints (join, invite, leave, kick, ban) to change membership");
            }
        }
        Event current = writer.stateEvent(room, t.type(), t.stateKey());
        if (current != null && current.sender().equals(t.sender()) && current.content().equals(t.content())) {
            return writer.stored(current);
        }
        StoredEvent sent = send(roomId, t, null);
        if ("m.room.guest_access".equals(t.type()) && "".equals(t.stateKey())
                && !"can_join".equals(t.content().path("guest_access").asText())) {
            removeGuests(room);
        }
        return sent;
    }

    /** Guest access was withdrawn: joined guests are made to leave (guest access module). */
    private void removeGuests(LiveRoom room) {
        room.memberships().forEach((user, membership) -> {
            if (!"join".equals(membership) || !UserIds.isLocal(user, serverName)) return;
            if (accounts.user(user).map(AccountStore.UserRow::guest).orElse(false)) {
                writer.send(room.roomId(), EventTemplate.state("m.room.member", user, user, memberContent("leave", user, null)),
                        null, localMembership);
            }
        });
    }

    private void validateContent(String roomId, EventTemplate t) {
        ObjectNode c = t.content();
        switch (t.type()) {
            case "m.room.message" -> {
                if (t.stateKey() == null) {
                    if (!c.path("msgtype").isTextual()) throw MatrixException.badJson("m.room.message needs a string 'msgtype'");
                    if (!c.path("body").isTextual()) throw MatrixException.badJson("m.room.message needs a string 'body'");
                }
            }
            case "m.room.power_levels" -> {
                if (t.stateKey() != null) {
                    LiveRoom room = writer.requireRoom(roomId);
                    PowerLevels.validate(c, room.version()).ifPresent(msg -> {
                        throw MatrixException.badJson("Invalid power levels: " + msg);
                    });
                }
            }
            case "m.room.canonical_alias" -> {
                if ("".equals(t.stateKey())) {
                    validateCanonicalAlias(c, a -> store.alias(a).map(target -> target[0].equals(roomId)).orElse(false));
                }
            }
            case "m.room.server_acl" -> {
                if ("".equals(t.stateKey())) {
                    ServerAcl.validate(c).ifPresent(msg -> {
                        throw MatrixException.badJson("Invalid server ACL: " + msg);
                    });
                }
            }
            default -> { }
        }
    }

    private static void validateCanonicalAlias(ObjectNode c, java.util.function.Predicate<String> pointsHere) {
        List<String> aliases = new ArrayList<>();
        JsonNode alias = c.get("alias");
        if (alias != null && !alias.isNull()) {
            if (!alias.isTextual()) throw new MatrixException(400, "M_INVALID_PARAM", "alias must be a string");
            aliases.add(alias.asText());
        }
        JsonNode alt = c.get("alt_aliases");
        if (alt != null && !alt.isNull()) {
            if (!alt.isArray()) throw new MatrixException(400, "M_INVALID_PARAM", "alt_aliases must be an array");
            for (JsonNode a : alt) {
                if (!a.isTextual()) throw new MatrixException(400, "M_INVALID_PARAM", "alt_aliases must contain strings");
                aliases.add(a.asText());
            }
        }
        for (String a : aliases) {
            if (!RoomAliases.isValid(a)) throw new MatrixException(400, "M_INVALID_PARAM", "Invalid alias " + a);
            if (!pointsHere.test(a)) {
                throw new MatrixException(400, "M_BAD_ALIAS", "Alias " + a + " does not point to this room");
            }
        }
    }

    // ---------------------------------------------------------------- membership

    private ObjectNode memberContent(String membership, String userId, String reason) {
        ObjectNode c = Json.object();
        c.put("membership", membership);
        if (membership.equals("join") || membership.equals("invite") || membership.equals("knock")) {
            accounts.user(userId).ifPresent(u -> {
                if (u.displayname() != null) c.put("displayname", u.displayname());
                if (u.avatarUrl() != null) c.put("avatar_url", u.avatarUrl());
            });
        }
        if (reason != null) c.put("reason", reason);
        return c;
    }

    public StoredEvent join(String roomId, String userId, String reason, boolean guest) {
        LiveRoom room = writer.requireRoom(roomId);
        if (guest) {
            Event ga = writer.stateEvent(room, "m.room.guest_access", "");
            if (ga == null || !"can_join".equals(ga.content().path("guest_access").asText())) {
                throw new MatrixException(403, "M_GUEST_ACCESS_FORBIDDEN", "Guests cannot join this room");
            }
        }
        ObjectNode content = memberContent("join", userId, reason);
        AuthState auth = authState(room, userId);
        String current = auth.membership(userId);
        if (!"join".equals(current)) for (MembershipGate g : gates) g.beforeJoin(roomId, userId);
        if ("join".equals(current)) {
            Event existing = writer.stateEvent(room, "m.room.member", userId);
            ObjectNode ex = existing.content().deepCopy();
            ex.remove("reason");
            ObjectNode want = content.deepCopy();
            want.remove("reason");
            if (ex.equals(want)) return writer.stored(existing);
        }
        if (("restricted".equals(auth.joinRule()) || "knock_restricted".equals(auth.joinRule()))
                && room.version().restrictedJoinRule() && !"join".equals(current) && !"invite".equals(current)) {
            if (!auth.meetsAllowConditions(userId, localMembership)) {
                throw MatrixException.forbidden("You do not meet the conditions to join this restricted room");
            }
            content.put("join_authorised_via_users_server", authoriser(room));
        }
        return writer.send(roomId, EventTemplate.state("m.room.member", userId, userId, content), null, localMembership);
    }

    /** A local joined user who may invite, to vouch for a restricted join. */
    private String authoriser(LiveRoom room) {
        PowerLevels pl = authState(room).powerLevels();
        String best = null;
        long bestLevel = Long.MIN_VALUE;
        for (RoomStore.Member m : store.members(room.roomId())) {
            if (!"join".equals(m.membership()) || !UserIds.isLocal(m.userId(), serverName)) continue;
            long lvl = pl.userLevel(m.userId());
            if (lvl >= pl.invite() && lvl > bestLevel) {
                best = m.userId();
                bestLevel = lvl;
            }
        }
        if (best == null) throw new MatrixException(400, "M_UNABLE_TO_GRANT_JOIN", "No user in the room can authorise the join");
        return best;
    }

    public StoredEvent invite(String roomId, String sender, String target, String reason, boolean isDirect) {
        requireLocalUser(target);
        for (MembershipGate g : gates) g.beforeInvite(roomId, sender, target);
        ObjectNode content = memberContent("invite", target, reason);
        if (isDirect) content.put("is_direct", true);
        return writer.send(roomId, EventTemplate.state("m.room.member", target, sender, content), null, localMembership);
    }

    public StoredEvent knock(String roomId, String userId, String reason) {
        return writer.send(roomId, EventTemplate.state("m.room.member", userId, userId, memberContent("knock", userId, reason)),
                null, localMembership);
    }

    public StoredEvent leave(String roomId, String userId, String reason) {
        String current = membershipOf(roomId, userId);
        if (current == null || current.equals("leave") || current.equals("ban")) {
            if (writer.room(roomId).isEmpty()) throw MatrixException.notFound("Unknown room " + roomId);
            throw MatrixException.forbidden("You are not in this room");
        }
        for (MembershipGate g : gates) g.beforeLeave(roomId, userId, current);
        return writer.send(roomId, EventTemplate.state("m.room.member", userId, userId, memberContent("leave", userId, reason)),
                null, localMembership);
    }

    public StoredEvent kick(String roomId, String sender, String target, String reason) {
        if (!UserIds.isValid(target)) throw MatrixException.invalidParam("Invalid user ID " + target);
        String current = membershipOf(roomId, target);
        if (current == null || current.equals("leave") || current.equals("ban")) {
            writer.requireRoom(roomId);
            throw MatrixException.forbidden("The user is not in the room");
        }
        return writer.send(roomId, EventTemplate.state("m.room.member", target, sender, memberContent("leave", target, reason)),
                null, localMembership);
    }

    public StoredEvent ban(String roomId, String sender, String target, String reason) {
        if (!UserIds.isValid(target)) throw MatrixException.invalidParam("Invalid user ID " + target);
        return writer.send(roomId, EventTemplate.state("m.room.member", target, sender, memberContent("ban", target, reason)),
                null, localMembership);
    }

    public StoredEvent unban(String roomId, String sender, String target, String reason) {
        if (!UserIds.isValid(target)) throw MatrixException.invalidParam("Invalid user ID " + target);
        if (!"ban".equals(membershipOf(roomId, target))) {
            writer.requireRoom(roomId);
            throw MatrixException.forbidden("The user is not banned");
        }
        return writer.send(roomId, EventTemplate.state("m.room.member", target, sender, memberContent("leave", target, reason)),
                null, localMembership);
    }

    public void forget(String roomId, String userId) {
        String current = membershipOf(roomId, userId);
        if (current == null) {
            if (writer.room(roomId).isEmpty()) throw MatrixException.notFound("Unknown room " + roomId);
            return;
        }
        if (current.equals("join") || current.equals("invite") || current.equals("knock")) {
            throw MatrixException.unknown("The user has not left the room");
        }
        store.setForgotten(roomId, userId);
    }

    private void requireLocalUser(String userId) {
        if (!UserIds.isValid(userId)) throw MatrixException.invalidParam("Invalid user ID " + userId);
        if (!UserIds.server(userId).equals(serverName)) {
            throw MatrixException.forbidden("Cannot invite users on other servers: federation is not available");
        }
        if (accounts.user(userId).isEmpty()) throw MatrixException.notFound("Unknown user " + userId);
    }

    // ---------------------------------------------------------------- creation

    public record CreateResult(String roomId, String alias) {}

    public CreateResult createRoom(String creator, Body body) {
        String versionId = body.optString("room_version");
        if (versionId == null) versionId = RoomVersion.DEFAULT;
        RoomVersion version = RoomVersion.of(versionId).orElse(null);
        if (version == null) throw new MatrixException(400, "M_UNSUPPORTED_ROOM_VERSION", "Unsupported room version " + versionId);
        String visibility = body.optString("visibility");
        if (visibility != null && !visibility.equals("public") && !visibility.equals("private")) {
            throw MatrixException.invalidParam("visibility must be 'public' or 'private'");
        }
        String preset = body.optString("preset");
        if (preset == null) preset = "public".equals(visibility) ? "public_chat" : "private_chat";
        if (!Set.of("private_chat", "public_chat", "trusted_private_chat").contains(preset)) {
            throw MatrixException.invalidParam("Unknown preset " + preset);
        }
        List<String> invites = body.optStringList("invite");
        if (invites == null) invites = List.of();
        for (String u : invites) requireLocalUser(u);
        if (body.has("invite_3pid") && !body.raw("invite_3pid").isEmpty()) {
            throw MatrixException.invalidParam("invite_3pid is not supported: no identity server is configured");
        }
        boolean isDirect = body.bool("is_direct", false);
        String name = body.optString("name");
        String topic = body.optString("topic");
        ObjectNode creation = body.optObject("creation_content");
        ObjectNode plOverride = body.optObject("power_level_content_override");
        List<ObjectNode> initialState = new ArrayList<>();
        JsonNode is = body.raw("initial_state");
        if (is != null && !is.isNull()) {
            if (!is.isArray()) throw MatrixException.badJson("initial_state must be an array");
            for (JsonNode e : is) {
                if (!e.isObject() || !e.path("type").isTextual() || !e.path("content").isObject()
                        || (e.has("state_key") && !e.get("state_key").isTextual())) {
                    throw MatrixException.badJson("initial_state entries need a string type, an object content and an optional string state_key");
                }
                String type = e.get("type").asText();
                if (type.equals("m.room.create") || type.equals("m.room.member")) {
                    throw new MatrixException(400, "M_INVALID_ROOM_STATE", type + " cannot be set through initial_state");
                }
                initialState.add((ObjectNode) e);
            }
        }
        String alias = null;
        String aliasName = body.optString("room_alias_name");
        if (aliasName != null) {
            alias = "#" + aliasName + ":" + serverName;
            if (aliasName.isEmpty() || aliasName.contains(":") || !RoomAliases.isValid(alias)) {
                throw MatrixException.invalidParam("Invalid room_alias_name");
            }
            if (store.alias(alias).isPresent()) throw new MatrixException(400, "M_ROOM_IN_USE", "Room alias already taken");
        }

        // 1. m.room.create
        ObjectNode createContent = creation == null ? Json.object() : creation.deepCopy();
        createContent.put("room_version", version.id());
        if (version.v11RedactionAndCreator()) createContent.remove("creator");
        else createContent.put("creator", creator);
        if (version.roomIdFromCreateEvent() && preset.equals("trusted_private_chat") && !invites.isEmpty()) {
            Set<String> extra = new LinkedHashSet<>();
            JsonNode ac = createContent.get("additional_creators");
            if (ac != null && ac.isArray()) ac.forEach(n -> extra.add(n.asText()));
            extra.addAll(invites);
            ArrayNode arr = createContent.putArray("additional_creators");
            extra.forEach(arr::add);
        }
        if (!version.roomIdFromCreateEvent()) createContent.remove("additional_creators");
        ObjectNode pl = defaultPowerLevels(creator, version, preset, invites, createContent);
        if (plOverride != null) plOverride.fields().forEachRemaining(en -> pl.set(en.getKey(), en.getValue()));
        // Content the write path would refuse is refused before the room exists.
        validateInitialContent("m.room.power_levels", "", pl, version, alias);
        for (ObjectNode e : initialState) {
            validateInitialContent(e.get("type").asText(), e.path("state_key").asText(""), (ObjectNode) e.get("content"), version, alias);
        }
        String roomId = version.roomIdFromCreateEvent() ? null : "!" + Secrets.alnum(18) + ":" + serverName;
        StoredEvent create = writer.create(roomId, version, creator, createContent);
        roomId = create.event().roomId();
        boolean aliasCreated = false;
        try {
            // 2. creator joins
            writer.send(roomId, EventTemplate.state("m.room.member", creator, creator, memberContent("join", creator, null)),
                    null, localMembership);
            // 3. power levels
            sendInitial(roomId, creator, "m.room.power_levels", "", pl);
            // 4. canonical alias
            if (alias != null) {
                // Checked before the room was created, but another creation may have taken it since:
                // then this one fails, and must not delete the alias it does not own.
                if (!store.createAlias(alias, roomId, creator)) {
                    throw new MatrixException(400, "M_ROOM_IN_USE", "Room alias already taken");
                }
                aliasCreated = true;
                ObjectNode ca = Json.object();
                ca.put("alias", alias);
                sendInitial(roomId, creator, "m.room.canonical_alias", "", ca);
            }
            // 5. preset
            sendInitial(roomId, creator, "m.room.join_rules", "",
                    Json.object().put("join_rule", preset.equals("public_chat") ? "public" : "invite"));
            sendInitial(roomId, creator, "m.room.history_visibility", "", Json.object().put("history_visibility", "shared"));
            sendInitial(roomId, creator, "m.room.guest_access", "",
                    Json.object().put("guest_access", preset.equals("public_chat") ? "forbidden" : "can_join"));
            // 6. initial_state
            for (ObjectNode e : initialState) {
                String type = e.get("type").asText();
                sendInitial(roomId, creator, type, e.path("state_key").asText(""), (ObjectNode) e.get("content"));
            }
            // 7. name and topic
            if (name != null) sendInitial(roomId, creator, "m.room.name", "", Json.object().put("name", name));
            if (topic != null) {
                ObjectNode t = Json.object().put("topic", topic);
                ObjectNode block = t.putObject("m.topic");
                block.putArray("m.text").addObject().put("body", topic).put("mimetype", "text/plain");
                sendInitial(roomId, creator, "m.room.topic", "", t);
            }
            // 8. invites
            for (String u : invites) invite(roomId, creator, u, null, isDirect);
            if ("public".equals(visibility)) store.setPublic(roomId, true);
        } catch (RuntimeException e) {
            abandon(roomId, creator, aliasCreated ? alias : null);
            if (e instanceof MatrixException me && me.status() == 403) {
                throw new MatrixException(400, "M_INVALID_ROOM_STATE", me.getMessage());
            }
            throw e;
        }
        return new CreateResult(roomId, alias);
    }

    /** The checks of validateContent for initial state, before the room exists: only its new alias can point to it. */
    private static void validateInitialContent(String type, String stateKey, ObjectNode content, RoomVersion version,
                                               String newAlias) {
        if (type.equals("m.room.power_levels")) {
            PowerLevels.validate(content, version).ifPresent(msg -> {
                throw MatrixException.badJson("Invalid power levels: " + msg);
            });
        } else if (type.equals("m.room.canonical_alias") && stateKey.isEmpty()) {
            validateCanonicalAlias(content, a -> a.equals(newAlias));
        }
    }

    /**
     * A room whose creation (or upgrade) failed part-way is left by its creator and its new alias
     * freed, so the failed request leaves nothing the user can see. Failures here must not hide the original error.
     */
    void abandon(String roomId, String creator, String alias) {
        try {
            if (alias != null) store.deleteAlias(alias);
            if ("join".equals(membershipOf(roomId, creator))) {
                writer.send(roomId, EventTemplate.state("m.room.member", creator, creator, memberContent("leave", creator, null)),
                        null, localMembership);
            }
        } catch (RuntimeException ignored) {
            // The original failure is what the client needs to hear about.
        }
    }

    private void sendInitial(String roomId, String sender, String type, String stateKey, ObjectNode content) {
        send(roomId, EventTemplate.state(type, stateKey, sender, content), null);
    }

    private static ObjectNode defaultPowerLevels(String creator, RoomVersion v, String preset, List<String> invites,
                                                 ObjectNode createContent) {
        ObjectNode pl = Json.object();
        ObjectNode users = pl.putObject("users");
        Set<String> creators = new LinkedHashSet<>();
        creators.add(creator);
        if (v.roomIdFromCreateEvent() && createContent.get("additional_creators") instanceof ArrayNode ac) {
            ac.forEach(n -> creators.add(n.asText()));
        }
        if (!v.roomIdFromCreateEvent()) {
            users.put(creator, 100);
            if (preset.equals("trusted_private_chat")) for (String u : invites) users.put(u, 100);
        }
        pl.put("users_default", 0);
        ObjectNode events = pl.putObject("events");
        events.put("m.room.name", 50);
        events.put("m.room.power_levels", 100);
        events.put("m.room.history_visibility", 100);
        events.put("m.room.canonical_alias", 50);
        events.put("m.room.avatar", 50);
        events.put("m.room.tombstone", v.roomIdFromCreateEvent() ? 150 : 100);
        events.put("m.room.server_acl", 100);
        events.put("m.room.encryption", 100);
        pl.put("events_default", 0);
        pl.put("state_default", 50);
        pl.put("ban", 50);
        pl.put("kick", 50);
        pl.put("redact", 50);
        pl.put("invite", preset.equals("public_chat") ? 50 : 0);
        pl.putObject("notifications").put("room", 50);
        return pl;
    }

    // ---------------------------------------------------------------- account lifecycle

    /** A profile change is mirrored into the user's member event in every room they are joined to. */
    public void propagateProfile(String userId) {
        for (String roomId : store.roomsOf(userId, List.of("join"))) {
            try {
                join(roomId, userId, null, false);
            } catch (MatrixException e) {
                // A room where the user may no longer change their member event keeps the old profile.
            }
        }
    }

    /** A deactivated account leaves every room and declines every invite. */
    public void leaveAll(String userId) {
        for (String roomId : store.roomsOf(userId, List.of("join", "invite", "knock"))) {
            try {
                leave(roomId, userId, null);
            } catch (MatrixException e) {
                // Already gone or not permitted: nothing more to do for this room.
            }
        }
    }

    // ---------------------------------------------------------------- reads

    /** Current state events of a room (all of them). */
    public List<StoredEvent> currentState(LiveRoom room) {
        return new ArrayList<>(writer.events().byNids(room.state().values()).values());
    }
}
