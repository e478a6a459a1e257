package org.myelin.it.sync;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.sync.SyncFx.*;

/**
 * Races between writers and parked /sync requests: writes of several users that commit out of
 * stream order while their syncs wait.
 */
class SyncConcurrencyTest {

    /** n fresh users, registered in parallel. */
    private static List<U> users(String prefix, int n) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<U>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) fs.add(pool.submit(() -> user(prefix)));
            List<U> out = new ArrayList<>();
            for (Future<U> f : fs) out.add(f.get(120, TimeUnit.SECONDS));
            return out;
        }
    }

    /**
     * Account data of several users written at the same moment: positions are allocated in one
     * order and committed in another. Each user's parked sync must wake for their own change once
     * it is readable, not sit until its timeout because it was told too early.
     */
    @Test
    void everyParkedSyncWakesPromptlyForItsAccountData() throws Exception {
        int n = 16;
        List<U> users = users("crwake", n);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 6; round++) {
                List<String> since = new ArrayList<>();
                for (U u : users) since.add(sync(u, null, null).path("next_batch").asText());
                String type = "org.example.wake." + round;
                List<Future<Long>> syncs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    U u = users.get(i);
                    String from = since.get(i);
                    syncs.add(pool.submit(() -> {
                        long start = System.nanoTime();
                        String pos = from;
                        while (true) {
                            JsonNode s = sync(u, pos, null, 20_000);
                            for (JsonNode e : s.path("account_data").path("events")) {
                                if (type.equals(e.path("type").asText())) return (System.nanoTime() - start) / 1_000_000;
                            }
                            pos = s.path("next_batch").asText();
                            if (System.nanoTime() - start > 25_000_000_000L) return -1L;
                        }
                    }));
                }
                Thread.sleep(300); // the syncs are parked now
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> writes = new ArrayList<>();
                for (U u : users) {
                    writes.add(pool.submit(() -> {
                        go.await();
                        ok(u.put(V3 + "/user/" + enc(u.id()) + "/account_data/" + enc(type), map("n", 1)));
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> w : writes) w.get(30, TimeUnit.SECONDS);
                for (int i = 0; i < n; i++) {
                    long ms = syncs.get(i).get(60, TimeUnit.SECONDS);
                    int round0 = round;
                    int i0 = i;
                    assertTrue(ms >= 0 && ms < 8_000, () -> "round " + round0 + ": sync of user " + i0 + " took " + ms + " ms");
                }
            }
        }
    }
}
