package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.rooms.RoomFx.*;

/** The room write path under concurrency: readers during writes, parallel writers, racing creations. */
class RoomConcurrencyTest {

    /**
     * While a state event is being replaced, readers of the current state see the old event or the
     * new one, never nothing: the replacement must not be visible before it is committed.
     */
    @Test
    void stateBeingReplacedIsNeverMissingForReaders() throws Exception {
        U u = user("crstate");
        String roomId = createRoom(u, map("topic", "t0"));
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<String> misses = new ConcurrentLinkedQueue<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> readers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                readers.add(pool.submit(() -> {
                    while (!done.get()) {
                        Resp r = u.get(state(roomId, "m.room.topic", ""));
                        if (r.status() != 200) misses.add("GET topic -> " + r);
                        Resp all = u.get(room(roomId) + "/state");
                        boolean found = false;
                        for (JsonNode e : all.body()) found |= "m.room.topic".equals(e.path("type").asText());
                        if (!found) misses.add("GET /state without a topic");
                    }
                    return null;
                }));
            }
            try {
                for (int i = 1; i <= 150 && misses.isEmpty(); i++) setState(u, roomId, "m.room.topic", "", map("topic", "t" + i));
            } finally {
                done.set(true);
            }
            for (Future<?> f : readers) f.get(30, TimeUnit.SECONDS);
        }
        assertEquals(List.of(), List.copyOf(misses).subList(0, Math.min(3, misses.size())));
    }

    /**
     * A redaction of another user's event racing a change of its sender's power: it is decided
     * against the state it follows in the room. Accepted, it comes before a demotion (or after a
     * promotion) in the room's order; it is never accepted on a level the sender no longer had.
     */
    @Test
    void redactionRacingAPowerChangeIsDecidedAgainstTheStateItFollows() throws Exception {
        U admin = user("crred-admin");
        U mod = user("crred-mod");
        U other = user("crred-other");
        String roomId = createRoom(admin, map("preset", "public_chat"));
        join(mod, roomId);
        join(other, roomId);
        for (int round = 0; round < 16; round++) {
            boolean demote = round % 2 == 0;
            RedactionTest.setLevel(admin, roomId, mod.id(), demote ? 50 : 0);
            String target = send(other, roomId, "r" + round);
            var pl = (com.fasterxml.jackson.databind.node.ObjectNode) getState(admin, roomId, "m.room.power_levels", "").deepCopy();
            pl.withObjectProperty("users").put(mod.id(), demote ? 0 : 50);
            CountDownLatch go = new CountDownLatch(1);
            Resp redaction;
            Resp change;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Resp> r = pool.submit(() -> {
                    go.await();
                    return mod.c().put(room(roomId) + "/redact/" + enc(target) + "/" + txn(), map());
                });
                // Staggered, so that the change lands before, during and after the redaction.
                long delay = round / 2 % 4;
                Future<Resp> c = pool.submit(() -> {
                    go.await();
                    Thread.sleep(delay);
                    return admin.c().put(state(roomId, "m.room.power_levels", ""), pl);
                });
                go.countDown();
                redaction = noServerError("redact", r.get(30, TimeUnit.SECONDS));
                change = noServerError("power levels", c.get(30, TimeUnit.SECONDS));
            }
            String changeId = ok(change).path("event_id").asText();
            if (redaction.status() != 200) {
                forbidden(redaction);
                continue;
            }
            String redactionId = redaction.str("event_id");
            List<String> order = timeline(roomId).stream().map(Stored::eventId).toList();
            int r = order.indexOf(redactionId);
            int c = order.indexOf(changeId);
            assertTrue(r >= 0 && c >= 0, order::toString);
            if (demote) assertTrue(r < c, "redaction accepted after the sender's demotion, round " + round);
            else assertTrue(r > c, "redaction accepted before the sender's promotion, round " + round);
        }
    }

    /**
     * The first use of a (type, state_key) in several rooms at once interns it once; on PostgreSQL
     * the parallel transactions must not fail on the unique constraint.
     */
    @Test
    void aNewStateKeyUsedInManyRoomsAtOnce() throws Exception {
        U u = user("crintern");
        List<String> roomIds = new ArrayList<>();
        for (int i = 0; i < 8; i++) roomIds.add(createRoom(u));
        U joiner = user("crintern-joiner");
        for (String r : roomIds) invite(u, r, joiner);
        for (int round = 0; round < 3; round++) {
            String type = "org.example.race." + Client.unique("t");
            CountDownLatch go = new CountDownLatch(1);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Resp>> fs = new ArrayList<>();
                for (String r : roomIds) {
                    fs.add(pool.submit(() -> {
                        go.await();
                        return u.c().put(state(r, type, "k"), map("v", 1));
                    }));
                    if (round == 0) {
                        // A user's first member event in many rooms at once: (m.room.member, user) is new too.
                        fs.add(pool.submit(() -> {
                            go.await();
                            return joiner.c().post(V3 + "/join/" + enc(r), map());
                        }));
                    }
                }
                go.countDown();
                for (Future<Resp> f : fs) {
                    Resp r = f.get(30, TimeUnit.SECONDS);
                    assertEquals(200, r.status(), r::toString);
                }
            }
        }
    }

    /**
     * Two rooms created at once with the same alias: one gets it, the other is refused with
     * M_ROOM_IN_USE, and the refused creation must not take the alias away from the winner.
     */
    @Test
    void racingCreationsWithOneAliasLeaveItWithTheWinner() throws Exception {
        U a = user("craliasa");
        U b = user("craliasb");
        for (int round = 0; round < 8; round++) {
            String name = Client.unique("race");
            CountDownLatch go = new CountDownLatch(1);
            List<Resp> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Resp>> fs = new ArrayList<>();
                for (U u : List.of(a, b)) {
                    fs.add(pool.submit(() -> {
                        go.await();
                        return u.c().post(V3 + "/createRoom", map("room_alias_name", name));
                    }));
                }
                go.countDown();
                for (Future<Resp> f : fs) results.add(noServerError("createRoom", f.get(30, TimeUnit.SECONDS)));
            }
            List<String> created = new ArrayList<>();
            for (Resp r : results) {
                if (r.status() == 200) created.add(r.str("room_id"));
                else err(r, 400, "M_ROOM_IN_USE");
            }
            assertEquals(1, created.size(), results::toString);
            Resp dir = anon().get(V3 + "/directory/room/" + enc("#" + name + ":" + server().config().serverName()));
            assertEquals(200, dir.status(), () -> "alias lost after " + results + ": " + dir);
            assertEquals(created.get(0), dir.str("room_id"));
        }
    }

    /**
     * One user creating rooms with the same content at once: from room version 12 the room ID is the
     * create event's hash, so creations in the same millisecond must still get distinct rooms.
     */
    @Test
    void oneUserCreatingIdenticalRoomsAtOnceGetsDistinctRooms() throws Exception {
        U u = user("crsame");
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int round = 0; round < 5; round++) {
            CountDownLatch go = new CountDownLatch(1);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Resp>> fs = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    fs.add(pool.submit(() -> {
                        go.await();
                        return u.c().post(V3 + "/createRoom", map());
                    }));
                }
                go.countDown();
                for (Future<Resp> f : fs) {
                    Resp r = f.get(30, TimeUnit.SECONDS);
                    assertEquals(200, r.status(), r::toString);
                    assertTrue(ids.add(r.str("room_id")), () -> "room ID given twice: " + r);
                }
            }
        }
    }
}
