package org.myelin.it.ephemeral;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.myelin.Myelin;
import org.myelin.http.Json;
import org.myelin.it.TestServer;
import org.myelin.users.AccountService;
import org.myelin.users.TokenService;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The typing load of issue 5: 1,000 users in 100 rooms (10 per room), every user long-polling
 * /sync and switching typing on and off every 2-4 s. Measures the time from just before a typing
 * PUT is sent until each other member's /sync returns the new list, and checks that no database
 * write happens meanwhile (SQLite's data_version, read from a separate connection, must not move).
 * Client and server share this JVM and its cores, so the figures are pessimistic.
 *
 * <p>Opt-in: {@code mvn test -Dtest=TypingLoadTest -Dmyelin.load=true} (-Dmyelin.load.users,
 * -Dmyelin.load.rooms, -Dmyelin.load.seconds to change the size). SQLite only (the write check).
 */
@EnabledIfSystemProperty(named = "myelin.load", matches = "true")
class TypingLoadTest {
    private static final int USERS = Integer.getInteger("myelin.load.users", 1000);
    private static final int ROOMS = Integer.getInteger("myelin.load.rooms", 100);
    private static final int SECONDS = Integer.getInteger("myelin.load.seconds", 20);
    private static final int WARMUP_SECONDS = 8;
    private static final String V3 = "/_matrix/client/v3";

    private record Change(boolean typing, long nanos) {}

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
            .connectTimeout(Duration.ofSeconds(10)).build();
    private String base;

    @Test
    void typingReachesOtherMembersQuicklyAndWritesNothing() throws Exception {
        Myelin server = TestServer.start(cfg -> { });
        base = "http://127.0.0.1:" + server.port();
        try {
            run(server);
        } finally {
            server.close();
        }
    }

    private void run(Myelin server) throws Exception {
        // Users without passwords (no hashing): the set-up is not what is measured.
        String[] ids = new String[USERS];
        String[] tokens = new String[USERS];
        for (int i = 0; i < USERS; i++) {
            ids[i] = "@load" + i + "-" + System.nanoTime() % 1_000_000 + ":" + TestServer.SERVER_NAME;
            TokenService.Issued is = server.accounts().create(ids[i], null, false, false, null,
                    new AccountService.DeviceRequest(null, null, false));
            tokens[i] = is.accessToken();
        }
        int perRoom = USERS / ROOMS;
        String[] roomOf = new String[USERS];
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int r = 0; r < ROOMS; r++) {
                int first = r * perRoom;
                ex.submit(() -> {
                    String room = call("POST", V3 + "/createRoom", tokens[first], "{\"preset\":\"public_chat\"}").path("room_id").asText();
                    roomOf[first] = room;
                    for (int i = first + 1; i < first + perRoom; i++) {
                        call("POST", V3 + "/join/" + enc(room), tokens[i], "{}");
                        roomOf[i] = room;
                    }
                    return null;
                });
            }
        }
        // The load runs in a separate JVM (low-pause GC) so that the client's allocations and
        // pauses do not land in the server's figures; it shares the machine's cores, though.
        java.nio.file.Path plan = java.nio.file.Files.createTempFile("typing-load", ".txt");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < USERS; i++) b.append(ids[i]).append('\t').append(tokens[i]).append('\t').append(roomOf[i]).append('\n');
        java.nio.file.Files.writeString(plan, b);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process driver = new ProcessBuilder(java, "-XX:+UseZGC", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                TypingLoadDriver.class.getName(), base, plan.toString(), Integer.toString(WARMUP_SECONDS), Integer.toString(SECONDS))
                .redirectErrorStream(true).start();
        long versionBefore;
        long versionAfter;
        String result = null;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + server.config().sqlitePath().toAbsolutePath());
             Statement st = c.createStatement();
             var out = new java.io.BufferedReader(new java.io.InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
            versionBefore = dataVersion(st);
            for (String line; (line = out.readLine()) != null; ) {
                System.out.println(line);
                if (line.startsWith("RESULT ")) result = line.substring(7);
            }
            versionAfter = dataVersion(st);
        }
        assertEquals(0, driver.waitFor(), "the load driver failed");
        assertTrue(result != null, "no result from the load driver");
        JsonNode r = Json.MAPPER.readTree(result);
        System.out.printf("typing load: %d users, %d rooms: database writes during the run: %d%n", USERS, ROOMS,
                versionAfter - versionBefore);
        assertTrue(r.path("deliveries").asLong() > USERS, "too few deliveries measured: " + r);
        assertEquals(versionBefore, versionAfter, "typing must not write to the database");
        assertTrue(r.path("p99_ms").asDouble() < 25, "p99 " + r.path("p99_ms").asDouble() + " ms");
    }

    private static long dataVersion(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("PRAGMA data_version")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"); }

    private JsonNode call(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + new String(r.body()));
            return Json.MAPPER.readTree(r.body());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        }
    }
}
