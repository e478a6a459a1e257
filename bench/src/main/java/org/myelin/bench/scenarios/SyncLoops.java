package org.myelin.bench.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.bench.MatrixClient;
import org.myelin.bench.MatrixClient.User;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many clients in /sync loops, each its own user on its own keep-alive connection and virtual
 * thread: an initial sync, then incremental long-polls with the previous next_batch, as a client
 * runs all day. Every response is handed to a listener with the time its last byte arrived.
 */
final class SyncLoops implements AutoCloseable {
    @FunctionalInterface
    interface Listener {
        /** Called on the client's own thread; {@code body} is the parsed response. False ends this client's loop. */
        boolean onResponse(int client, JsonNode body, long doneNanos);
    }

    private final List<User> users;
    private final String filterParam;
    private final long timeoutMs;
    private final Listener listener;
    private final RawHttp[] conns;
    private final String[] since;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong responses = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopping;

    /** {@code filter} is inline filter JSON or null. */
    SyncLoops(int port, List<User> users, String filter, long timeoutMs, Listener listener) {
        this.users = users;
        this.filterParam = filter == null ? "" : "&filter=" + MatrixClient.enc(filter);
        this.timeoutMs = timeoutMs;
        this.listener = listener;
        this.conns = new RawHttp[users.size()];
        this.since = new String[users.size()];
        for (int i = 0; i < conns.length; i++) conns[i] = new RawHttp(port);
    }

    int size() { return users.size(); }

    /** Every client's initial sync (timeout 0), {@code concurrency} at a time; not reported to the listener. */
    SyncLoops initialSyncs(int concurrency) throws Exception {
        Fixtures.parallel(users.size(), concurrency, i -> {
            JsonNode j = conns[i].exchange("GET", Fixtures.CLIENT + "/sync?timeout=0" + filterParam, users.get(i).accessToken(), null)
                    .ok("initial sync").json();
            since[i] = j.path("next_batch").asText();
        });
        return this;
    }

    /** Starts every client's long-poll loop. */
    void start() {
        for (int i = 0; i < users.size(); i++) {
            int c = i;
            threads.add(Thread.ofVirtual().name("sync-" + i).start(() -> loop(c)));
        }
    }

    private void loop(int c) {
        String token = users.get(c).accessToken();
        while (!stopping) {
            String target = Fixtures.CLIENT + "/sync?timeout=" + timeoutMs + "&since=" + MatrixClient.enc(since[c]) + filterParam;
            waiting.incrementAndGet();
            RawHttp.Reply rep;
            try {
                rep = conns[c].exchange("GET", target, token, null, (int) Math.min(Integer.MAX_VALUE, timeoutMs + 60_000));
            } catch (Exception e) {
                waiting.decrementAndGet();
                if (stopping) return;
                errors.incrementAndGet();
                if (errorSamples.size() < 5) errorSamples.add(e.toString());
                sleepQuietly(100);
                continue;
            }
            waiting.decrementAndGet();
            if (rep.status() != 200) {
                errors.incrementAndGet();
                if (errorSamples.size() < 5) errorSamples.add("sync -> " + rep.status() + " " + new String(rep.body()));
                sleepQuietly(100);
                continue;
            }
            responses.incrementAndGet();
            JsonNode j = rep.json();
            String next = j.path("next_batch").asText(null);
            if (next != null) since[c] = next;
            if (!listener.onResponse(c, j, rep.doneNanos())) return;
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    /** Requests sent and not yet answered. */
    int waiting() { return waiting.get(); }

    long responses() { return responses.get(); }

    long errors() { return errors.get(); }

    List<String> errorSamples() { return List.copyOf(errorSamples); }

    /** Waits until at least n requests are outstanding (parked on the server, presumably), up to timeoutMs. */
    boolean awaitWaiting(int n, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (waiting.get() < n) {
            if (System.currentTimeMillis() > deadline) return false;
            Thread.sleep(20);
        }
        return true;
    }

    /** Stops the loops: closes every connection (which ends parked requests) and joins the threads. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        for (RawHttp c : conns) c.close();
        long deadline = System.currentTimeMillis() + 10_000;
        for (Thread t : threads) t.join(Math.max(1, deadline - System.currentTimeMillis()));
    }

    /** Each m.room.message in rooms.join timelines, as (room ID, event) pairs, to the consumer. */
    static void timelineEvents(JsonNode body, java.util.function.BiConsumer<String, JsonNode> consumer) {
        var rooms = body.path("rooms").path("join").properties();
        for (var en : rooms) {
            for (JsonNode ev : en.getValue().path("timeline").path("events")) consumer.accept(en.getKey(), ev);
        }
    }
}
