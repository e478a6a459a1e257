package org.myelin.api.client;

import org.myelin.api.Routes;
import org.myelin.core.filters.SyncFilter;
import org.myelin.ephemeral.Presence;
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
    private final Presence presence;

    public SyncApi(SyncService sync, Filters filters, Presence presence) {
        this.sync = sync;
        this.filters = filters;
        this.presence = presence;
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
            SyncService.Request request = new SyncService.Request(req.userId(), req.auth().deviceId(), token, filter,
                    req.queryBool("full_state", false), timeout);
            // set_presence: online (the default) brings the user online, unavailable marks them
            // idle, offline leaves their presence alone; a sync in progress keeps them from going offline.
            presence.syncStarted(req.userId(), setPresence);
            try {
                return sync.sync(request);
            } finally {
                presence.syncEnded(req.userId());
            }
        });
    }
}
