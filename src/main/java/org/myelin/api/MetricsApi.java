package org.myelin.api;

import org.myelin.http.Access;
import org.myelin.http.MatrixException;
import org.myelin.http.RateLimiter;
import org.myelin.http.Reply;
import org.myelin.metrics.Metrics;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Prometheus metrics at /_myelin/metrics, answered only to loopback clients (operators, benchmarks). */
public final class MetricsApi {
    private MetricsApi() {}

    public static void register(Routes routes) {
        routes.add("GET", "/_myelin/metrics", Access.PUBLIC, RateLimiter.GENERAL, 0, req -> {
            if (!isLoopback(req.remoteIp())) throw MatrixException.unrecognized(404, "Unrecognized request");
            return Reply.bytes(200, Metrics.render().getBytes(StandardCharsets.UTF_8), "text/plain; version=0.0.4", Map.of());
        });
    }

    private static boolean isLoopback(String ip) {
        if (ip == null) return false;
        String a = ip.startsWith("[") ? ip.substring(1, ip.length() - 1) : ip;
        return a.startsWith("127.") || a.equals("::1") || a.equals("0:0:0:0:0:0:0:1") || a.startsWith("::ffff:127.");
    }
}
