package org.myelin.api.admin;

import org.myelin.api.Routes;
import org.myelin.core.events.Event;
import org.myelin.http.Access;
import org.myelin.http.MatrixException;
import org.myelin.http.RateLimiter;
import org.myelin.http.Req;
import org.myelin.rooms.RoomWriter;
import org.myelin.storage.RoomStore;
import org.myelin.users.AccountService;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Synapse admin API's event report listing (GET /_synapse/admin/v1/event_reports), so that
 * reports made through the Reporting Content module reach someone. Room reports (no event) are
 * listed too, without event_id and sender.
 */
public final class EventReportsAdminApi {
    private final AccountService accounts;
    private final RoomStore store;
    private final RoomWriter writer;

    public EventReportsAdminApi(AccountService accounts, RoomStore store, RoomWriter writer) {
        this.accounts = accounts;
        this.store = store;
        this.writer = writer;
    }

    public void register(Routes routes) {
        routes.add("GET", "/_synapse/admin/v1/event_reports", Access.USER, RateLimiter.GENERAL, 0, this::list);
    }

    private Object list(Req req) {
        if (!accounts.isAdmin(req.userId())) throw MatrixException.forbidden("You are not a server admin");
        long limitParam = req.queryLong("limit", 100);
        long from = req.queryLong("from", 0);
        if (limitParam < 0 || from < 0) throw MatrixException.invalidParam("limit and from must not be negative");
        int limit = (int) Math.min(limitParam, 1000);
        String dir = req.query("dir");
        if (dir != null && !dir.equals("f") && !dir.equals("b")) throw MatrixException.invalidParam("dir must be 'f' or 'b'");
        String userId = req.query("user_id");
        String roomId = req.query("room_id");
        // A filter holding U+0000 matches no report (and PostgreSQL text cannot even be asked about it).
        boolean none = (userId != null && userId.indexOf('\0') >= 0) || (roomId != null && roomId.indexOf('\0') >= 0);
        List<RoomStore.Report> reports = none ? List.of() : store.reports(from, limit, "f".equals(dir), userId, roomId);
        long total = none ? 0 : store.countReports(userId, roomId);
        List<Object> out = new ArrayList<>();
        for (RoomStore.Report r : reports) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("received_ts", r.receivedTs());
            m.put("room_id", r.roomId());
            if (r.eventId() != null) m.put("event_id", r.eventId());
            m.put("user_id", r.userId());
            m.put("reason", r.reason());
            m.put("score", r.score());
            writer.room(r.roomId()).ifPresent(room -> {
                Event name = writer.stateEvent(room, "m.room.name", "");
                m.put("name", name == null ? null : name.content().path("name").asText(null));
                Event alias = writer.stateEvent(room, "m.room.canonical_alias", "");
                m.put("canonical_alias", alias == null ? null : alias.content().path("alias").asText(null));
            });
            if (r.eventId() != null) {
                writer.events().byId(r.eventId()).ifPresent(se -> m.put("sender", se.event().sender()));
            }
            out.add(m);
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("event_reports", out);
        if (from + reports.size() < total) res.put("next_token", from + reports.size());
        res.put("total", total);
        return res;
    }
}
