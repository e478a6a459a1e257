package org.myelin.it.ephemeral;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of {@link TypingLoadTest}, run in its own JVM: every user long-polls /sync and
 * switches typing on and off every 2-4 s; each other member's /sync that shows the change yields
 * one latency sample (from just before the PUT was sent). Prints progress lines and finally
 * {@code RESULT {json}}.
 *
 * <p>Arguments: base URL, plan file (user ID, access token, room ID per line, tab-separated),
 * warm-up seconds, measured seconds.
 */
public final class TypingLoadDriver {
    private record Change(boolean typing, long nanos) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static String base;

    public static void main(String[] args) throws Exception {
        base = args[0];
        List<String[]> plan = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) if (!line.isBlank()) plan.add(line.split("\t"));
        int warmup = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int n = plan.size();
        String[] ids = new String[n];
        String[] tokens = new String[n];
        String[] rooms = new String[n];
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            ids[i] = plan.get(i)[0];
            tokens[i] = plan.get(i)[1];
            rooms[i] = plan.get(i)[2];
            index.put(ids[i], i);
        }
        Change[] change = new Change[n];
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean measuring = new AtomicBoolean(false);
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        List<Long> putTimes = Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        ExecutorService loops = Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < n; i++) {
            int me = i;
            loops.submit(() -> {
                Set<String> seen = new HashSet<>();
                String since = call("GET", "/_matrix/client/v3/sync?timeout=0", tokens[me], null).path("next_batch").asText();
                while (running.get()) {
                    JsonNode s;
                    try {
                        s = call("GET", "/_matrix/client/v3/sync?timeout=10000&since=" + enc(since), tokens[me], null);
                    } catch (RuntimeException e) {
                        if (running.get() && errors.incrementAndGet() <= 5) System.out.println("sync error: " + e.getMessage());
                        continue;
                    }
                    long now = System.nanoTime();
                    since = s.path("next_batch").asText(since);
                    for (JsonNode e : s.path("rooms").path("join").path(rooms[me]).path("ephemeral").path("events")) {
                        if (!"m.typing".equals(e.path("type").asText())) continue;
                        Set<String> list = new HashSet<>();
                        e.path("content").path("user_ids").forEach(x -> list.add(x.asText()));
                        Set<String> changed = new HashSet<>(list);
                        changed.addAll(seen);
                        for (String u : changed) {
                            boolean typing = list.contains(u);
                            if (typing == seen.contains(u) || u.equals(ids[me])) continue;
                            Change c = change[index.get(u)];
                            if (c != null && c.typing() == typing && measuring.get()) samples.add(now - c.nanos());
                        }
                        seen = list;
                    }
                }
                return null;
            });
        }
        Thread.sleep(2_000);
        for (int i = 0; i < n; i++) {
            int me = i;
            loops.submit(() -> {
                boolean typing = false;
                String path = "/_matrix/client/v3/rooms/" + enc(rooms[me]) + "/typing/" + enc(ids[me]);
                Thread.sleep(ThreadLocalRandom.current().nextLong(3_000));
                while (running.get()) {
                    typing = !typing;
                    long t0 = System.nanoTime();
                    change[me] = new Change(typing, t0);
                    try {
                        call("PUT", path, tokens[me], typing ? "{\"typing\":true,\"timeout\":30000}" : "{\"typing\":false}");
                    } catch (RuntimeException e) {
                        if (errors.incrementAndGet() <= 5) System.out.println("typing error: " + e.getMessage());
                    }
                    if (measuring.get()) putTimes.add(System.nanoTime() - t0);
                    Thread.sleep(2_000 + ThreadLocalRandom.current().nextLong(2_000));
                }
                return null;
            });
        }
        Thread.sleep(warmup * 1000L);
        measuring.set(true);
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        running.set(false);
        loops.shutdownNow();
        long[] lat = samples.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] put = putTimes.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("typing load: %d users, %d s: %d deliveries (%.0f/s), %d PUTs (%.0f/s), errors %d%n", n, seconds,
                lat.length, lat.length / (double) seconds, put.length, put.length / (double) seconds, errors.get());
        System.out.printf("  PUT -> other members' /sync: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                ms(lat, 0.50), ms(lat, 0.90), ms(lat, 0.99), ms(lat, 1.0));
        System.out.printf("  PUT response time: p50 %.2f ms, p99 %.2f ms%n", ms(put, 0.50), ms(put, 0.99));
        System.out.printf("RESULT {\"deliveries\":%d,\"puts\":%d,\"errors\":%d,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,"
                        + "\"max_ms\":%.3f,\"put_p50_ms\":%.3f,\"put_p99_ms\":%.3f}%n", lat.length, put.length, errors.get(),
                ms(lat, 0.5), ms(lat, 0.9), ms(lat, 0.99), ms(lat, 1.0), ms(put, 0.5), ms(put, 0.99));
        System.exit(0);
    }

    private static double ms(long[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"); }

    private static JsonNode call(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) throw new IllegalStateException(method + " " + path + " -> " + r.statusCode());
            return JSON.readTree(r.body());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        }
    }
}
