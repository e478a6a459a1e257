package org.myelin.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.api.Routes;
import org.myelin.http.Access;
import org.myelin.http.Body;
import org.myelin.http.MatrixException;
import org.myelin.http.Req;
import org.myelin.rooms.RoomDirectory;
import org.myelin.rooms.RoomVisibility;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Room aliases (/directory/room), local alias listing, and the published room directory (/publicRooms). */
public final class DirectoryApi {
    private static final Pattern SERVER_NAME = Pattern.compile("(\\[[0-9A-Fa-f:.]{2,45}]|[0-9A-Za-z.-]{1,255})(:[0-9]{1,5})?");

    private final RoomDirectory directory;
    private final RoomVisibility visibility;

    public DirectoryApi(RoomDirectory directory, RoomVisibility visibility) {
        this.directory = directory;
        this.visibility = visibility;
    }

    public void register(Routes r) {
        r.client("PUT", "/directory/room/{roomAlias}", Access.USER, req -> {
            String alias = req.param("roomAlias");
            RoomDirectory.requireValidAlias(alias);
            directory.createAlias(req.userId(), alias, req.json().requireString("room_id"));
            return Map.of();
        });
        r.client("GET", "/directory/room/{roomAlias}", Access.OPTIONAL, req -> {
            var res = directory.resolve(req.param("roomAlias"));
            return Map.of("room_id", res.roomId(), "servers", res.servers());
        });
        r.client("DELETE", "/directory/room/{roomAlias}", Access.USER, req -> {
            directory.deleteAlias(req.userId(), req.param("roomAlias"));
            return Map.of();
        });
        r.client("GET", "/rooms/{roomId}/aliases", Access.USER,
                req -> Map.of("aliases", directory.aliasesOf(req.userId(), roomId(req), visibility)));

        r.client("GET", "/directory/list/room/{roomId}", Access.OPTIONAL,
                req -> Map.of("visibility", directory.visibility(roomId(req))));
        r.client("PUT", "/directory/list/room/{roomId}", Access.USER, req -> {
            String v = req.json().optString("visibility");
            directory.setVisibility(req.userId(), roomId(req), v == null ? "public" : v);
            return Map.of();
        });

        r.client("GET", "/publicRooms", Access.OPTIONAL, req -> {
            checkServer(req);
            Integer limit = limit(req.query("limit") == null ? null : parseLimit(req.query("limit")));
            return render(directory.publicRooms(new RoomDirectory.Query(limit, emptyToNull(req.query("since")), null, null, null)));
        });
        r.client("POST", "/publicRooms", Access.GUEST_OK, req -> {
            checkServer(req);
            Body b = req.json();
            Long limit = b.optLong("limit");
            String since = emptyToNull(b.optString("since"));
            boolean allNetworks = b.bool("include_all_networks", false);
            String instance = b.optString("third_party_instance_id");
            if (allNetworks && instance != null) {
                throw MatrixException.invalidParam("include_all_networks cannot be combined with third_party_instance_id");
            }
            String term = null;
            List<String> roomTypes = null;
            Body filter = b.optBody("filter");
            if (filter != null) {
                term = filter.optString("generic_search_term");
                JsonNode types = filter.raw("room_types");
                if (types != null && !types.isNull()) {
                    if (!types.isArray()) throw MatrixException.badJson("filter.room_types must be an array");
                    roomTypes = new ArrayList<>();
                    for (JsonNode t : types) {
                        if (t.isNull()) roomTypes.add(null);
                        else if (t.isTextual()) roomTypes.add(t.asText());
                        else throw MatrixException.badJson("filter.room_types entries must be strings or null");
                    }
                }
            }
            return render(directory.publicRooms(new RoomDirectory.Query(limit(limit), since, term, roomTypes, instance)));
        });
    }

    private static long parseLimit(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("limit must be an integer");
        }
    }

    private static Integer limit(Long limit) {
        if (limit == null) return null;
        if (limit < 0) throw MatrixException.invalidParam("limit must not be negative");
        if (limit == 0) return null;
        return (int) Math.min(limit, 10_000);
    }

    private static String emptyToNull(String s) { return s == null || s.isEmpty() ? null : s; }

    /** Only this server's directory can be listed: there is no federation to ask another server. */
    private void checkServer(Req req) {
        String server = req.query("server");
        if (server == null || server.isEmpty() || server.equals(directory.serverName())) return;
        if (!SERVER_NAME.matcher(server).matches()) throw MatrixException.invalidParam("Invalid server name " + server);
        throw MatrixException.notFound("Cannot list the rooms of " + server + ": this server does not federate");
    }

    private static Map<String, Object> render(RoomDirectory.Page page) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("chunk", page.chunk());
        if (page.nextBatch() != null) out.put("next_batch", page.nextBatch());
        if (page.prevBatch() != null) out.put("prev_batch", page.prevBatch());
        out.put("total_room_count_estimate", page.total());
        return out;
    }

    private static String roomId(Req req) {
        String id = req.param("roomId");
        if (!id.startsWith("!")) throw MatrixException.invalidParam("Invalid room ID " + id);
        return id;
    }
}
