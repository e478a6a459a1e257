package org.myelin.api.client;

import org.myelin.api.Routes;
import org.myelin.core.filters.SyncFilter;
import org.myelin.http.Access;
import org.myelin.http.MatrixException;
import org.myelin.sync.Filters;
import org.myelin.sync.SyncService;
import org.myelin.sync.SyncToken;

/** GET /sync. */
public final class SyncApi {
    private static final long MAX_TIMEOUT_MS = 5 * 60_000;

    private final SyncService sync;
    private final Filters filters;

    public SyncApi(SyncService sync, Filters filters) {
        this.sync = sync;
        this.filters = filters;
    }

    public void register(Routes r) {
        r.client("GET", "/sync", Access.GUEST_OK, req -> {
            String since = req.query("since");
            SyncToken token = since == null || since.isEmpty() ? null : SyncToken.parse(since);
            SyncFilter filter = filters.resolve(req.userId(), req.query("filter"));
            long timeout = Math.min(MAX_TIMEOUT_MS, Math.max(0, req.queryLong("timeout", 0)));
            String setPresence = req.query("set_presence");
            if (setPresence != null && !setPresence.equals("online") && !setPresence.equals("offline")
                    && !setPresence.equals("unavailable")) {
                throw MatrixException.invalidParam("set_presence must be online, offline or unavailable");
            }
            return sync.sync(new SyncService.Request(req.userId(), req.auth().deviceId(), token, filter,
                    req.queryBool("full_state", false), timeout));
        });
    }
}
