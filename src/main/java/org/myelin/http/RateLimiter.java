package org.myelin.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.myelin.config.Config;

import java.time.Duration;
import java.util.Map;

/**
 * Token buckets per (class, key), where the key is the user ID for authenticated requests and
 * the client IP otherwise. Buckets idle for ten minutes are forgotten, bounding memory.
 */
public final class RateLimiter {
    public static final String LOGIN = "login";
    public static final String REGISTER = "register";
    public static final String MESSAGE = "message";
    public static final String GENERAL = "general";

    private static final class Bucket {
        double tokens;
        long lastNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.lastNanos = now;
        }
    }

    private final boolean enabled;
    private final Map<String, Config.Bucket> limits;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(200_000).expireAfterAccess(Duration.ofMinutes(10)).build();

    public RateLimiter(Config.RateLimiting cfg) {
        this.enabled = cfg.enabled();
        this.limits = Map.of(LOGIN, cfg.login(), REGISTER, cfg.register(), MESSAGE, cfg.message(), GENERAL, cfg.general());
    }

    /** Takes one token or throws 429 M_LIMIT_EXCEEDED with the time until one is available. */
    public void acquire(String rateClass, String key) {
        if (!enabled || rateClass == null) return;
        Config.Bucket limit = limits.get(rateClass);
        if (limit == null) return;
        long now = System.nanoTime();
        Bucket b = buckets.get(rateClass + "|" + key, k -> new Bucket(limit.burst(), now));
        synchronized (b) {
            double elapsed = (now - b.lastNanos) / 1e9;
            b.tokens = Math.min(limit.burst(), b.tokens + elapsed * limit.perSecond());
            b.lastNanos = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return;
            }
            long waitMs = (long) Math.ceil((1 - b.tokens) / limit.perSecond() * 1000);
            throw MatrixException.limitExceeded(Math.max(1, waitMs));
        }
    }
}
