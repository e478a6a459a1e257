package org.myelin.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.events.Event;
import org.myelin.core.events.StateKey;
import org.myelin.core.rooms.AuthState;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.storage.RoomStore;
import org.myelin.users.AccountService;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Room aliases and the published room directory (spec "Room aliases" and "Published room
 * directory"): who may create and delete aliases, keeping m.room.canonical_alias free of deleted
 * aliases, who may publish a room, and the /publicRooms listing with its filter and pagination.
 */
public final class RoomDirectory {
    private static final StateKey CANONICAL_ALIAS = StateKey.of("m.room.canonical_alias", "");
    private static final Comparator<Entry> ORDER =
            Comparator.comparingInt(Entry::joined).reversed().thenComparing(Entry::roomId);

    private final RoomService rooms;
    private final RoomWriter writer;
    private final RoomStore store;
    private final AccountService accounts;
    private final String serverName;

    public RoomDirectory(RoomService rooms, RoomStore store, AccountService accounts) {
        this.rooms = rooms;
        this.writer = rooms.writer();
        this.store = store;
        this.accounts = accounts;
        this.serverName = rooms.serverName();
    }

    public String serverName() { return serverName; }

    // ---------------------------------------------------------------- aliases

    /** Validates an alias from a path: grammar (400 M_INVALID_PARAM). */
    public static void requireValidAlias(String alias) {
        if (!RoomAliases.isValid(alias)) throw MatrixException.invalidParam("Invalid room alias: " + alias);
    }

    private void requireLocalAlias(String alias) {
        requireValidAlias(alias);
        if (!RoomAliases.server(alias).equals(serverName)) {
            throw MatrixException.invalidParam("Room alias " + alias + " is not on this server (" + serverName + ")");
        }
    }

    public void createAlias(String userId, String alias, String roomId) {
        requireLocalAlias(alias);
        if (roomId == null || !roomId.startsWith("!")) throw MatrixException.invalidParam("Invalid room ID " + roomId);
        if (writer.room(roomId).isEmpty()) throw MatrixException.notFound("Unknown room " + roomId);
        if (!"join".equals(rooms.membershipOf(roomId, userId))) {
            throw MatrixException.forbidden("You must be joined to the room to create an alias for it");
        }
        if (!store.createAlias(alias, roomId, userId)) {
            throw new MatrixException(409, "M_UNKNOWN", "Room alias " + alias + " already exists");
        }
    }

    public record Resolved(String roomId, List<String> servers) {}

    public Resolved resolve(String alias) {
        requireValidAlias(alias);
        if (!RoomAliases.server(alias).equals(serverName)) {
            throw MatrixException.notFound("Room alias " + alias + " not found: this server does not federate with "
                    + RoomAliases.server(alias));
        }
        String roomId = store.alias(alias).map(a -> a[0])
                .orElseThrow(() -> MatrixException.notFound("Room alias " + alias + " not found"));
        return new Resolved(roomId, List.of(serverName));
    }

    /**
     * Deletes an alias: allowed for its creator, server admins and joined users who may send
     * m.room.canonical_alias. Afterwards the room's canonical alias event is cleaned of the alias,
     * sent by the deleting user or, if they may not, by the alias's creator; if neither may, the
     * event is left as it is (the deletion still succeeds, as the spec recommends).
     */
    public void deleteAlias(String userId, String alias) {
        requireLocalAlias(alias);
        String[] row = store.alias(alias).orElseThrow(() -> MatrixException.notFound("Room alias " + alias + " not found"));
        String roomId = row[0];
        String creator = row[1];
        if (!userId.equals(creator) && !accounts.isAdmin(userId) && !maySendState(roomId, userId, "m.room.canonical_alias")) {
            throw MatrixException.forbidden("You may not delete this alias");
        }
        if (!store.deleteAlias(alias)) throw MatrixException.notFound("Room alias " + alias + " not found");
        removeFromCanonicalAlias(roomId, alias, userId, creator);
    }

    private void removeFromCanonicalAlias(String roomId, String alias, String... senders) {
        Optional<LiveRoom> room = writer.room(roomId);
        if (room.isEmpty()) return;
        Event current = writer.stateEvent(room.get(), "m.room.canonical_alias", "");
        if (current == null || !mentions(current.content(), alias)) return;
        ObjectNode content = withoutAliases(current.content(), roomId);
        for (String sender : senders) {
            if (!maySendState(roomId, sender, "m.room.canonical_alias")) continue;
            try {
                rooms.send(roomId, EventTemplate.state("m.room.canonical_alias", "", sender, content), null);
                return;
            } catch (MatrixException e) {
                // Try the next candidate; the alias is gone either way.
            }
        }
    }

    private static boolean mentions(ObjectNode content, String alias) {
        if (alias.equals(content.path("alias").asText(null))) return true;
        for (JsonNode a : content.path("alt_aliases")) if (alias.equals(a.asText(null))) return true;
        return false;
    }

    /** The canonical alias content keeping only aliases that still point to the room. */
    ObjectNode withoutAliases(ObjectNode content, String roomId) {
        ObjectNode out = content.deepCopy();
        JsonNode alias = out.get("alias");
        if (alias != null && (!alias.isTextual() || !pointsTo(alias.asText(), roomId))) out.remove("alias");
        JsonNode alt = out.get("alt_aliases");
        if (alt != null) {
            ArrayNode kept = Json.MAPPER.createArrayNode();
            if (alt.isArray()) for (JsonNode a : alt) if (a.isTextual() && pointsTo(a.asText(), roomId)) kept.add(a);
            if (kept.isEmpty()) out.remove("alt_aliases");
            else out.set("alt_aliases", kept);
        }
        return out;
    }

    private boolean pointsTo(String alias, String roomId) {
        return RoomAliases.isValid(alias) && store.alias(alias).map(a -> a[0].equals(roomId)).orElse(false);
    }

    /** Local aliases of a room, for joined members, server admins, or anyone if the room is world-readable. */
    public List<String> aliasesOf(String userId, String roomId, RoomVisibility visibility) {
        Optional<LiveRoom> room = writer.room(roomId);
        boolean allowed = room.isPresent() && ("join".equals(rooms.membershipOf(roomId, userId))
                || visibility.isWorldReadable(room.get()) || accounts.isAdmin(userId));
        if (!allowed) throw MatrixException.forbidden("You are not a member of the room");
        return store.aliasesOf(roomId);
    }

    /** Whether the user is joined and has the power to send this state event type. */
    public boolean maySendState(String roomId, String userId, String type) {
        Optional<LiveRoom> room = writer.room(roomId);
        if (room.isEmpty() || userId == null) return false;
        AuthState auth = rooms.authState(room.get(), userId);
        if (!auth.isJoined(userId)) return false;
        return auth.powerLevels().userLevel(userId) >= auth.powerLevels().eventLevel(type, true);
    }

    // ---------------------------------------------------------------- published room directory

    public String visibility(String roomId) {
        Optional<RoomStore.RoomRow> row = store.room(roomId);
        if (row.isEmpty()) throw MatrixException.notFound("Room not found");
        return row.get().isPublic() ? "public" : "private";
    }

    public void setVisibility(String userId, String roomId, String visibility) {
        if (!"public".equals(visibility) && !"private".equals(visibility)) {
            throw MatrixException.invalidParam("visibility must be 'public' or 'private'");
        }
        if (store.room(roomId).isEmpty()) throw MatrixException.notFound("Room not found");
        if (!accounts.isAdmin(userId) && !maySendState(roomId, userId, "m.room.canonical_alias")) {
            throw MatrixException.forbidden("You may not change this room's visibility in the directory");
        }
        store.setPublic(roomId, "public".equals(visibility));
    }

    /** What a /publicRooms request asks for. roomTypes null: any type; a null entry in it: rooms without a type. */
    public record Query(Integer limit, String since, String searchTerm, List<String> roomTypes, String thirdPartyInstanceId) {}

    public record Page(List<Map<String, Object>> chunk, String nextBatch, String prevBatch, int total) {}

    private record Entry(String roomId, int joined, Map<String, Object> json) {}

    public Page publicRooms(Query q) {
        Cursor cursor = q.since() == null ? null : Cursor.parse(q.since());
        List<Entry> all = new ArrayList<>();
        if (q.thirdPartyInstanceId() == null) {
            List<String> ids = store.publicRooms();
            Map<String, Integer> counts = store.joinedMemberCounts(ids);
            String term = q.searchTerm() == null || q.searchTerm().isBlank() ? null : q.searchTerm().toLowerCase(Locale.ROOT);
            for (String id : ids) {
                int joined = counts.getOrDefault(id, 0);
                if (joined == 0) continue;
                Map<String, Object> json = describe(id, joined);
                if (json == null || !matches(json, term, q.roomTypes())) continue;
                all.add(new Entry(id, joined, json));
            }
        }
        all.sort(ORDER);
        int start = 0;
        int end = all.size();
        if (cursor != null) {
            int pos = 0;
            while (pos < all.size() && ORDER.compare(all.get(pos), cursor.entry()) < 0) pos++;
            if (cursor.forward()) {
                // Entries strictly after the cursor key.
                start = pos < all.size() && ORDER.compare(all.get(pos), cursor.entry()) == 0 ? pos + 1 : pos;
                end = q.limit() == null ? all.size() : Math.min(all.size(), start + q.limit());
            } else {
                // Entries strictly before the cursor key, the last `limit` of them.
                end = pos;
                start = q.limit() == null ? 0 : Math.max(0, end - q.limit());
            }
        } else if (q.limit() != null) {
            end = Math.min(all.size(), q.limit());
        }
        List<Map<String, Object>> chunk = new ArrayList<>();
        for (Entry e : all.subList(start, end)) chunk.add(e.json());
        String next = end < all.size() && end > start ? new Cursor(true, all.get(end - 1)).token() : null;
        String prev = start > 0 && end > start ? new Cursor(false, all.get(start)).token() : null;
        if (end == start && cursor != null) {
            // An empty page still lets the client turn back.
            if (cursor.forward() && start > 0) prev = new Cursor(false, all.get(start - 1)).token();
            if (!cursor.forward() && end < all.size()) next = new Cursor(true, all.get(end)).token();
        }
        return new Page(chunk, next, prev, all.size());
    }

    private Map<String, Object> describe(String roomId, int joined) {
        Optional<LiveRoom> r = writer.room(roomId);
        if (r.isEmpty()) return null;
        LiveRoom room = r.get();
        Map<StateKey, Event> state = writer.stateEvents(room, List.of(StateKey.of("m.room.create", ""),
                StateKey.of("m.room.name", ""), StateKey.of("m.room.topic", ""), StateKey.of("m.room.avatar", ""),
                CANONICAL_ALIAS, StateKey.of("m.room.join_rules", ""), StateKey.of("m.room.guest_access", ""),
                StateKey.of("m.room.history_visibility", "")));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("room_id", roomId);
        out.put("num_joined_members", joined);
        out.put("world_readable", "world_readable".equals(text(state, "m.room.history_visibility", "history_visibility")));
        out.put("guest_can_join", "can_join".equals(text(state, "m.room.guest_access", "guest_access")));
        putIfPresent(out, "name", text(state, "m.room.name", "name"));
        putIfPresent(out, "topic", plainTopic(state.get(StateKey.of("m.room.topic", ""))));
        putIfPresent(out, "avatar_url", text(state, "m.room.avatar", "url"));
        putIfPresent(out, "canonical_alias", text(state, "m.room.canonical_alias", "alias"));
        String joinRule = text(state, "m.room.join_rules", "join_rule");
        putIfPresent(out, "join_rule", joinRule == null ? "invite" : joinRule);
        putIfPresent(out, "room_type", text(state, "m.room.create", "type"));
        return out;
    }

    private static void putIfPresent(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isEmpty()) m.put(key, value);
    }

    private static String text(Map<StateKey, Event> state, String type, String field) {
        Event e = state.get(StateKey.of(type, ""));
        if (e == null) return null;
        JsonNode v = e.content().get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    /** The text/plain topic: from the m.topic content block if it has one, else the topic field. */
    static String plainTopic(Event topic) {
        if (topic == null) return null;
        JsonNode texts = topic.content().path("m.topic").path("m.text");
        if (texts.isArray()) {
            for (JsonNode t : texts) {
                JsonNode mime = t.get("mimetype");
                if ((mime == null || "text/plain".equals(mime.asText(null))) && t.path("body").isTextual()) {
                    return t.get("body").asText();
                }
            }
        }
        JsonNode plain = topic.content().get("topic");
        return plain != null && plain.isTextual() ? plain.asText() : null;
    }

    private static boolean matches(Map<String, Object> room, String term, List<String> roomTypes) {
        if (roomTypes != null && !roomTypes.contains((String) room.get("room_type"))) return false;
        if (term == null) return true;
        for (String key : Set.of("name", "topic", "canonical_alias")) {
            Object v = room.get(key);
            if (v instanceof String s && s.toLowerCase(Locale.ROOT).contains(term)) return true;
        }
        return false;
    }

    /** A pagination token: a direction and the sort key (joined count, room ID) it continues from. */
    private record Cursor(boolean forward, Entry entry) {
        String token() {
            String raw = (forward ? "f" : "b") + "|" + entry.joined() + "|" + entry.roomId();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor parse(String token) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                String[] parts = raw.split("\\|", 3);
                if (parts.length == 3 && (parts[0].equals("f") || parts[0].equals("b")) && parts[2].startsWith("!")) {
                    return new Cursor(parts[0].equals("f"), new Entry(parts[2], Integer.parseInt(parts[1]), Map.of()));
                }
            } catch (IllegalArgumentException e) {
                // fall through
            }
            throw MatrixException.invalidParam("Invalid pagination token");
        }
    }
}
