package org.myelin.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.stats.CacheStats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Process-wide counters, gauges and cache statistics, rendered in the Prometheus text format at
 * /_myelin/metrics. Static because the things counted (SQL statements, caches) are created in
 * many places and a registry threaded through every constructor would only add noise.
 */
public final class Metrics {
    private static final Map<String, LongAdder> COUNTERS = new ConcurrentHashMap<>();
    private static final Map<String, LongSupplier> GAUGES = new ConcurrentHashMap<>();
    private static final Map<String, Cache<?, ?>> CACHES = new ConcurrentHashMap<>();

    private Metrics() {}

    public static LongAdder counter(String name) { return COUNTERS.computeIfAbsent(name, k -> new LongAdder()); }

    public static void gauge(String name, LongSupplier value) { GAUGES.put(name, value); }

    /** Drops a gauge if it is still this supplier (a newer owner, e.g. a second server in tests, keeps its own). */
    public static void removeGauge(String name, LongSupplier value) { GAUGES.remove(name, value); }

    /** Registers a cache (built with recordStats()) under a name; returns it for chaining. */
    public static <K, V> Cache<K, V> cache(String name, Cache<K, V> cache) {
        CACHES.put(name, cache);
        return cache;
    }

    public static long value(String counter) {
        LongAdder a = COUNTERS.get(counter);
        return a == null ? 0 : a.sum();
    }

    public static String render() {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(COUNTERS).forEach((k, v) -> b.append("# TYPE ").append(k).append(" counter\n")
                .append(k).append(' ').append(v.sum()).append('\n'));
        new TreeMap<>(GAUGES).forEach((k, v) -> b.append("# TYPE ").append(k).append(" gauge\n")
                .append(k).append(' ').append(v.getAsLong()).append('\n'));
        new TreeMap<>(CACHES).forEach((name, c) -> {
            CacheStats s = c.stats();
            String l = "{cache=\"" + name + "\"}";
            b.append("myelin_cache_size").append(l).append(' ').append(c.estimatedSize()).append('\n');
            b.append("myelin_cache_hits_total").append(l).append(' ').append(s.hitCount()).append('\n');
            b.append("myelin_cache_misses_total").append(l).append(' ').append(s.missCount()).append('\n');
            b.append("myelin_cache_evictions_total").append(l).append(' ').append(s.evictionCount()).append('\n');
        });
        return b.toString();
    }
}
