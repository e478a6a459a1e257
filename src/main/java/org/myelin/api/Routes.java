package org.myelin.api;

import org.myelin.http.Access;
import org.myelin.http.Handler;
import org.myelin.http.RateLimiter;
import org.myelin.http.Req;
import org.myelin.http.Router;

import java.util.function.Consumer;

/**
 * Route registration with the Client-Server API's prefixes: every client endpoint is served under
 * /_matrix/client/v3 and, where the endpoint existed then, the legacy r0 prefix that older clients
 * still call.
 */
public final class Routes {
    private static final String CLIENT = "/_matrix/client";
    private final Router router;
    private volatile Consumer<Req> observer;

    public Routes(Router router) { this.router = router; }

    /**
     * Sees every request before its handler runs, whenever it was registered (presence counts
     * authenticated requests as user activity here). One observer; it must be cheap and not throw.
     */
    public void observe(Consumer<Req> o) { this.observer = o; }

    public Router router() { return router; }

    /** A client endpoint under v3 and r0 (path starts with '/', e.g. "/login"). */
    public void client(String method, String path, Access access, Handler h) {
        client(method, path, access, RateLimiter.GENERAL, h);
    }

    public void client(String method, String path, Access access, String rateClass, Handler h) {
        add(method, CLIENT + "/v3" + path, access, rateClass, 0, h);
        add(method, CLIENT + "/r0" + path, access, rateClass, 0, h);
    }

    /** A client endpoint that exists only under one version prefix (e.g. "v1"). */
    public void clientVersion(String version, String method, String path, Access access, Handler h) {
        add(method, CLIENT + "/" + version + path, access, RateLimiter.GENERAL, 0, h);
    }

    public void add(String method, String fullPath, Access access, String rateClass, int maxBody, Handler h) {
        Handler observed = req -> {
            Consumer<Req> o = observer;
            if (o != null) o.accept(req);
            return h.handle(req);
        };
        router.add(new Router.Route(method, fullPath, access, maxBody, rateClass, observed));
    }
}
