package org.myelin.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.myelin.core.events.Event;
import org.myelin.core.events.StateKey;
import org.myelin.core.json.StrictCanonicalJson;
import org.myelin.core.rooms.AuthState;
import org.myelin.core.rooms.PowerLevels;
import org.myelin.core.rooms.RoomCreators;
import org.myelin.core.rooms.RoomVersion;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.storage.RoomStore;
import org.myelin.storage.RoomStore.StoredEvent;
import org.myelin.users.Secrets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Room upgrades (spec module "Room Upgrades", server behaviour): a replacement room whose create
 * event names its predecessor, the transferable state copied, power levels carried over (creators
 * taken out of them for v12) and bans kept; then the tombstone in the old room; then local aliases,
 * the canonical alias and the directory listing moved, pending invites re-issued and the old room's
 * power levels raised so that ordinary members can no longer talk or invite there.
 */
public final class RoomUpgrader {
    /** State copied as is (the spec's recommended list; power levels are handled separately). */
    private static final List<String> COPIED = List.of("m.room.server_acl", "m.room.encryption", "m.room.name",
            "m.room.avatar", "m.room.topic", "m.room.guest_access", "m.room.history_visibility", "m.room.join_rules");
    private static final List<String> SCALARS =
            List.of("users_default", "events_default", "state_default", "ban", "redact", "kick", "invite");
    private static final long MAX_SAFE = (1L << 53) - 1;
    private static final int LOCK_STRIPES = 256;

    private final RoomService rooms;
    private final RoomWriter writer;
    private final RoomStore store;
    private final RoomDirectory directory;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
    /** A retried request (same user, room and version) gets the room the first one created. */
    private final Cache<String, String> recent = Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(5))
            .maximumSize(10_000).build();

    public RoomUpgrader(RoomService rooms, RoomStore store, RoomDirectory directory) {
        this.rooms = rooms;
        this.writer = rooms.writer();
        this.store = store;
        this.directory = directory;
        for (int i = 0; i < LOCK_STRIPES; i++) locks[i] = new ReentrantLock();
    }

    /** Validates additional_creators: every entry a user ID valid for the auth rules (400 M_INVALID_PARAM). */
    public static void checkUserIds(List<String> ids) {
        for (String id : ids) {
            if (!validUserId(id)) throw MatrixException.invalidParam("Invalid user ID in additional_creators: " + id);
        }
    }

    private static boolean validUserId(String id) {
        ObjectNode probe = Json.object();
        probe.putObject("users").put(id, 0);
        return id.startsWith("@") && PowerLevels.validate(probe, RoomVersion.require(RoomVersion.DEFAULT)).isEmpty();
    }

    /** Upgrades the room and returns the replacement room's ID. */
    public String upgrade(String userId, String oldRoomId, String newVersionId, List<String> additionalCreators) {
        RoomVersion newVersion = RoomVersion.of(newVersionId).orElseThrow(() -> new MatrixException(400,
                "M_UNSUPPORTED_ROOM_VERSION", "This server does not support room version " + newVersionId));
        LiveRoom old = writer.room(oldRoomId).orElseThrow(() -> MatrixException.notFound("Unknown room " + oldRoomId));
        ReentrantLock lock = locks[Math.floorMod(oldRoomId.hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            String key = userId + "|" + oldRoomId + "|" + newVersion.id();
            String done = recent.getIfPresent(key);
            if (done != null) return done;
            AuthState auth = rooms.authState(old, userId);
            if (!auth.isJoined(userId)) throw MatrixException.forbidden("You are not joined to this room");
            PowerLevels oldPl = auth.powerLevels();
            if (oldPl.userLevel(userId) < oldPl.eventLevel("m.room.tombstone", true)) {
                throw MatrixException.forbidden("You do not have permission to upgrade this room");
            }
            return doUpgrade(userId, old, auth, newVersion, additionalCreators, key);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Everything that can be checked is checked before the replacement room exists. The tombstone in
     * the old room is the commit point: until it is sent, a failure only abandons the new room (the
     * user leaves it; nothing in the old room, the aliases or the directory has changed); after it,
     * the remaining steps are each complete or absent, so the old room always points to a room that
     * has its state, and a retry returns that room rather than making another.
     */
    private String doUpgrade(String userId, LiveRoom old, AuthState auth, RoomVersion newVersion, List<String> additional,
                             String retryKey) {
        String oldRoomId = old.roomId();
        RoomVersion oldVersion = old.version();
        Event oldCreate = auth.createEvent();

        // What to carry over, read from the old room's current state.
        List<Event> copied = new ArrayList<>();
        for (String type : COPIED) {
            Event e = writer.stateEvent(old, type, "");
            if (e != null) copied.add(e);
        }
        String roomType = oldCreate.content().path("type").isTextual() ? oldCreate.content().get("type").asText() : null;
        if ("m.space".equals(roomType)) {
            List<StateKey> children = new ArrayList<>();
            for (StateKey k : old.state().keySet()) if (k.type().equals("m.space.child")) children.add(k);
            copied.addAll(writer.stateEvents(old, children).values());
        }
        Event canonicalAlias = writer.stateEvent(old, "m.room.canonical_alias", "");
        List<String[]> invites = new ArrayList<>();
        List<String[]> bans = new ArrayList<>();
        for (RoomStore.Member m : store.members(oldRoomId)) {
            if (!"invite".equals(m.membership()) && !"ban".equals(m.membership())) continue;
            Event member = writer.stateEvent(old, "m.room.member", m.userId());
            if (member == null || !m.membership().equals(member.membership())) continue;
            if (m.membership().equals("invite")) {
                invites.add(new String[] {m.userId(), member.content().path("is_direct").asBoolean(false) ? "direct" : ""});
            } else {
                bans.add(new String[] {m.userId(), member.content().path("reason").isTextual()
                        ? member.content().get("reason").asText() : null});
            }
        }

        // The replacement room's create event and power levels, checked before anything is created.
        Set<String> creators = new LinkedHashSet<>();
        creators.add(userId);
        ObjectNode create = Json.object();
        create.put("room_version", newVersion.id());
        if (!newVersion.v11RedactionAndCreator()) create.put("creator", userId);
        if (roomType != null) create.put("type", roomType);
        if (oldCreate.content().path("m.federate").isBoolean() && !oldCreate.content().get("m.federate").asBoolean()) {
            create.put("m.federate", false);
        }
        ObjectNode predecessor = create.putObject("predecessor");
        predecessor.put("room_id", oldRoomId);
        // The old room's newest event: the last one before the upgrade (the tombstone comes after it).
        List<String> ext = old.extremities;
        if (!ext.isEmpty()) predecessor.put("event_id", ext.get(ext.size() - 1));
        if (newVersion.roomIdFromCreateEvent() && additional != null) {
            var arr = create.putArray("additional_creators");
            for (String u : new LinkedHashSet<>(additional)) {
                if (u.equals(userId)) continue;
                arr.add(u);
                creators.add(u);
            }
            if (arr.isEmpty()) create.remove("additional_creators");
        }
        Event oldPlEvent = auth.powerLevelsEvent();
        ObjectNode finalPl = carriedPowerLevels(oldPlEvent == null ? null : oldPlEvent.content(), auth, oldVersion,
                newVersion, creators);
        PowerLevels newPl = PowerLevels.of(finalPl, creators, newVersion);
        long needed = newPl.eventLevel("m.room.power_levels", true);
        for (Event e : copied) needed = Math.max(needed, newPl.eventLevel(e.type(), true));
        if (canonicalAlias != null) needed = Math.max(needed, newPl.eventLevel("m.room.canonical_alias", true));
        if (!invites.isEmpty()) needed = Math.max(needed, newPl.invite());
        if (!bans.isEmpty()) needed = Math.max(needed, newPl.ban());
        boolean raised = newPl.userLevel(userId) < needed;
        ObjectNode initialPl = finalPl;
        if (raised) {
            initialPl = finalPl.deepCopy();
            users(initialPl).put(userId, needed);
        }
        checkCarriable("m.room.power_levels", finalPl, newVersion);
        checkCarriable("m.room.power_levels", initialPl, newVersion);
        for (Event e : copied) checkCarriable(e.type(), e.content(), newVersion);

        // 1. The replacement room, with the upgrading user joined and its state; bans are kept from
        // the start, so that nobody they keep out can join in between.
        String newRoomId = newVersion.roomIdFromCreateEvent() ? null : "!" + Secrets.alnum(18) + ":" + rooms.serverName();
        StoredEvent created = writer.create(newRoomId, newVersion, userId, create);
        newRoomId = created.event().roomId();
        try {
            rooms.join(newRoomId, userId, null, false);
            send(newRoomId, userId, "m.room.power_levels", "", initialPl);
            for (Event e : copied) send(newRoomId, userId, e.type(), e.stateKey(), e.content().deepCopy());
            final String target = newRoomId;
            for (String[] ban : bans) tryTo(() -> rooms.ban(target, userId, ban[0], ban[1]));

            // 2. The tombstone: checked once more by the old room's writer against its state now, since
            // the user's power may have changed since the check above.
            ObjectNode tombstone = Json.object();
            tombstone.put("body", "This room has been replaced");
            tombstone.put("replacement_room", newRoomId);
            send(oldRoomId, userId, "m.room.tombstone", "", tombstone);
        } catch (RuntimeException e) {
            rooms.abandon(newRoomId, userId, null);
            throw e;
        }
        recent.put(retryKey, newRoomId);

        // 3. Local aliases (in one transaction), the canonical alias and the directory listing move to
        // the new room. The new room is listed before the old one is unlisted: a failure in between
        // leaves both listed, with the old one tombstoned, rather than neither.
        store.moveAliases(oldRoomId, newRoomId);
        final String target = newRoomId;
        if (canonicalAlias != null) {
            ObjectNode moved = directory.withoutAliases(canonicalAlias.content(), newRoomId);
            if (moved.has("alias") || moved.has("alt_aliases")) {
                tryTo(() -> send(target, userId, "m.room.canonical_alias", "", moved));
            }
            if (directory.maySendState(oldRoomId, userId, "m.room.canonical_alias")) {
                tryTo(() -> rooms.send(oldRoomId, EventTemplate.state("m.room.canonical_alias", "", userId, Json.object()), null));
            }
        }
        if (store.room(oldRoomId).map(RoomStore.RoomRow::isPublic).orElse(false)) {
            store.setPublic(newRoomId, true);
            store.setPublic(oldRoomId, false);
        }

        // 4. Pending invites are re-issued, so the upgrade neither drops nor lets in anyone; then the
        // user's level goes back to what was carried over.
        for (String[] inv : invites) tryTo(() -> rooms.invite(target, userId, inv[0], null, !inv[1].isEmpty()));
        if (raised) {
            final ObjectNode pl = finalPl;
            tryTo(() -> send(target, userId, "m.room.power_levels", "", pl));
        }

        // 5. Restrict the old room.
        restrictOldRoom(old, userId);
        return newRoomId;
    }

    /**
     * State the replacement room would refuse is refused before it exists (400 M_BAD_JSON): the
     * values stricter room versions forbid, and power levels the new version cannot hold.
     */
    private static void checkCarriable(String type, ObjectNode content, RoomVersion newVersion) {
        if (newVersion.strictCanonicalJson()) {
            StrictCanonicalJson.violation(content).ifPresent(msg -> {
                throw MatrixException.badJson("The room's " + type + " cannot be carried into room version "
                        + newVersion.id() + ": " + msg);
            });
        }
        if (type.equals("m.room.power_levels")) {
            PowerLevels.validate(content, newVersion).ifPresent(msg -> {
                throw MatrixException.badJson("The room's power levels cannot be carried into room version "
                        + newVersion.id() + ": " + msg);
            });
        }
    }

    private void send(String roomId, String sender, String type, String stateKey, ObjectNode content) {
        rooms.send(roomId, EventTemplate.state(type, stateKey, sender, content), null);
    }

    private static void tryTo(Runnable r) {
        try {
            r.run();
        } catch (MatrixException e) {
            // Best effort: the user may no longer exist, or the state may forbid it; the upgrade goes on.
        }
    }

    /**
     * The old room's power levels as the new room's: values normalised to integers (v10+ rejects
     * strings), user IDs the new version would reject dropped, creators of a v12 room taken out of
     * users, and, when leaving v12 for an older version, the old creators (who had infinite power)
     * given the highest level the room uses (at least 100).
     */
    ObjectNode carriedPowerLevels(ObjectNode oldContent, AuthState oldAuth, RoomVersion oldVersion, RoomVersion newVersion,
                                  Set<String> newCreators) {
        ObjectNode out = oldContent == null ? Json.object() : oldContent.deepCopy();
        PowerLevels parsed = PowerLevels.of(oldContent, Set.of(), oldVersion);
        long top = 100;
        for (String key : SCALARS) {
            var v = parsed.explicit(key);
            if (v.isPresent()) {
                out.put(key, clamp(v.getAsLong()));
                top = Math.max(top, clamp(v.getAsLong()));
            } else {
                out.remove(key);
            }
        }
        for (String map : List.of("events", "notifications", "users")) {
            Map<String, Long> values = switch (map) {
                case "events" -> parsed.events();
                case "notifications" -> parsed.notifications();
                default -> parsed.users();
            };
            if (!out.has(map)) continue;
            ObjectNode o = Json.object();
            for (Map.Entry<String, Long> en : values.entrySet()) {
                if (map.equals("users") && !validUserId(en.getKey())) continue;
                o.put(en.getKey(), clamp(en.getValue()));
                if (!map.equals("notifications")) top = Math.max(top, clamp(en.getValue()));
            }
            out.set(map, o);
        }
        if (newVersion.roomIdFromCreateEvent()) {
            for (String c : newCreators) users(out).remove(c);
        } else {
            Set<String> promoted = new LinkedHashSet<>(newCreators);
            if (oldVersion.roomIdFromCreateEvent()) promoted.addAll(oldAuth.creators());
            for (String c : promoted) {
                Long current = parsed.users().get(c);
                if (oldVersion.roomIdFromCreateEvent() && oldAuth.creators().contains(c)) {
                    users(out).put(c, Math.max(current == null ? 0 : clamp(current), top));
                } else if (current == null && oldContent == null) {
                    users(out).put(c, 100);
                }
            }
        }
        return out;
    }

    private static ObjectNode users(ObjectNode pl) {
        JsonNode u = pl.get("users");
        if (u instanceof ObjectNode o) return o;
        return pl.putObject("users");
    }

    private static long clamp(long v) { return Math.max(-MAX_SAFE, Math.min(MAX_SAFE, v)); }

    /** Spec step 6: events_default and invite raised to max(50, users_default + 1) where lower. */
    private void restrictOldRoom(LiveRoom old, String userId) {
        Event plEvent = rooms.authState(old).powerLevelsEvent();
        ObjectNode content = plEvent == null ? Json.object() : plEvent.content().deepCopy();
        PowerLevels pl = PowerLevels.of(plEvent == null ? null : plEvent.content(), Set.of(), old.version());
        long restricted = Math.max(50, clamp(pl.usersDefault()) + 1);
        boolean changed = false;
        for (String key : List.of("events_default", "invite")) {
            long current = key.equals("invite") ? pl.invite() : pl.eventsDefault();
            if (current < restricted) {
                content.put(key, restricted);
                changed = true;
            }
        }
        if (!changed) return;
        final ObjectNode c = content;
        tryTo(() -> send(old.roomId(), userId, "m.room.power_levels", "", c));
    }
}
