package org.myelin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.http.Json;
import org.myelin.http.Router;
import org.myelin.it.FuzzHttp.Answer;
import org.myelin.it.RouteFuzzExamples.Variant;
import org.myelin.users.AccountService;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Walks every route the server registers ({@link Router#routes()}) and sends each a battery of
 * hostile requests: other callers (none, garbage tokens, a second user, a stranger, an admin, a
 * guest), garbage in every path parameter (empty, 10 KB, NUL, unicode, invalid UTF-8, "..", encoded
 * slashes, unknown IDs of valid shape, IDs of the wrong sigil, another user's ID), wrongly typed
 * query parameters (limit, dir, from, since, filter, timeout, ...), bodies that are not JSON or not
 * objects, every field of a valid body (see {@link RouteFuzzExamples}) replaced by values of every
 * wrong type or removed, odd keys, all common field names at once, deep nesting, bodies over the
 * size limit (declared and chunked), other HTTP methods, and the valid request several times at
 * once. Afterwards the route's users read back whatever the probes managed to store.
 *
 * <p>The invariants: never a 5xx; every 4xx is a JSON object with an "errcode" string starting
 * with "M_" and an "error" string (a user-interactive auth challenge may omit errcode); no body
 * mentions an exception or a stack frame; every request gets an answer. Each route (and each
 * variant, e.g. each event type of PUT /state) gets its own users and room and runs its probes in
 * order, so the run is deterministic; routes run in parallel on virtual threads. The legacy r0
 * twin of a v3 route calls the same handler and gets a shorter battery, all twins in one task.
 * Failures are listed in target/route-fuzz-failures.txt; -Dmyelin.fuzz.verbose=true lists the
 * probes per route.
 */
class RouteFuzzTest {
    private static final String SN = TestServer.SERVER_NAME;
    private static final Pattern CLIENT_PREFIX = Pattern.compile("^/_matrix/client/(v3|r0|v1)(?=/)");
    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");
    private static final int PARALLEL = Math.max(2, Math.min(6, Runtime.getRuntime().availableProcessors() * 2));
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    private static final AtomicLong UNIQUE = new AtomicLong();
    /** Marks a string in a body to be written as the lone surrogate escape "\ud800" (Jackson would refuse it). */
    private static final String SURROGATE = "~~SURROGATE~~";
    /** Marks a value to be written as the number 1e400, beyond double range. */
    private static final String HUGE_NUMBER = "~~HUGE_NUMBER~~";

    private static Myelin server;
    private static FuzzHttp http;
    private static Map<String, Set<String>> methodsByTemplate;
    private static final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private static final Map<String, AtomicInteger> statusCounts = new ConcurrentHashMap<>();
    private static final AtomicInteger probes = new AtomicInteger();
    private static final Map<String, AtomicInteger> kindCounts = new ConcurrentHashMap<>();

    record Principal(String userId, String token, String deviceId) {
        String auth() { return "Bearer " + token; }
    }

    /** A route with one variant of its behaviour-selecting parameters; full=false for r0 twins. */
    record Target(Router.Route route, String key, Variant variant, int index, boolean full) {
        String name() { return route.method() + " " + route.template() + (variant.label().isEmpty() ? "" : " [" + variant.label() + "]"); }
    }

    /** One request: label, method, encoded path and query, Authorization value, body (null: none), transport. */
    record Probe(String label, String method, String target, String auth, byte[] body, Mode mode) {}

    /** HTTP: java.net.http; RAW: a socket of its own; CONCURRENT: the same request several times at once. */
    enum Mode { HTTP, RAW, RAW_CHUNKED, CONCURRENT }

    @BeforeAll
    static void start() {
        server = TestServer.start(cfg -> {
            cfg.putObject("rate_limiting").put("enabled", false);
            cfg.putObject("server_notices").put("system_user_localpart", "notices");
            ObjectNode voip = cfg.putObject("voip");
            voip.putArray("turn_uris").add("turn:turn.example:3478");
            voip.put("turn_shared_secret", "fuzz-secret");
        });
        http = new FuzzHttp(server.port());
        methodsByTemplate = new LinkedHashMap<>();
        for (Router.Route r : server.router().routes()) {
            methodsByTemplate.computeIfAbsent(r.template(), k -> new TreeSet<>()).add(r.method());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    @Test
    void everyRouteAnswersHostileRequestsWithMatrixErrors() throws Exception {
        List<Router.Route> routes = server.router().routes();
        assertTrue(routes.size() > 50, "the router should list every route, got " + routes.size());
        Map<String, List<Variant>> examples = RouteFuzzExamples.all();
        Set<String> used = ConcurrentHashMap.newKeySet();
        List<Target> targets = new ArrayList<>();
        Set<String> templates = new TreeSet<>();
        for (Router.Route r : routes) {
            templates.add(r.template());
            String key = r.method() + " " + CLIENT_PREFIX.matcher(r.template()).replaceFirst("");
            List<Variant> vs = examples.get(key);
            if (vs != null) used.add(key);
            boolean twin = r.template().startsWith("/_matrix/client/r0/")
                    && methodsByTemplate.containsKey(r.template().replace("/_matrix/client/r0/", "/_matrix/client/v3/"));
            if (vs == null) vs = List.of(new Variant("", Map.of(), r.method().equals("GET") ? null : "{}"));
            for (int i = 0; i < vs.size(); i++) {
                if (twin && i > 0) break;
                targets.add(new Target(r, key, vs.get(i), i, !twin));
            }
        }
        Set<String> unusedExamples = new TreeSet<>(examples.keySet());
        unusedExamples.removeAll(used);
        assertTrue(unusedExamples.isEmpty(), "examples for routes that do not exist: " + unusedExamples);

        java.nio.file.Path report = java.nio.file.Path.of("target", "route-fuzz-failures.txt");
        java.nio.file.Files.deleteIfExists(report);
        // Each full target gets its own fixture and task, the costliest first; the r0 twins share one
        // fixture in one task, in a fixed order with those that change membership last.
        List<List<Target>> groups = new ArrayList<>();
        targets.stream().filter(Target::full).sorted(java.util.Comparator.comparingInt(RouteFuzzTest::cost).reversed())
                .forEach(t -> groups.add(List.of(t)));
        groups.add(targets.stream().filter(t -> !t.full())
                .sorted(java.util.Comparator.comparing((Target t) -> DESTRUCTIVE.matcher(t.key()).find()).thenComparing(Target::name))
                .toList());
        long t0 = System.nanoTime();
        Semaphore slots = new Semaphore(PARALLEL);
        Map<String, String> perTarget = new ConcurrentHashMap<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (List<Target> group : groups) {
                fs.add(ex.submit(() -> {
                    slots.acquireUninterruptibly();
                    try {
                        Fixture fx = new Fixture();
                        for (Target t : group) {
                            long s0 = System.nanoTime();
                            try {
                                int n = runTarget(t, fx);
                                perTarget.put(t.name(), n + " probes " + (System.nanoTime() - s0) / 1_000_000 + " ms");
                            } catch (Throwable e) {
                                failures.add(t.name() + ": fuzzing stopped: " + e);
                            }
                        }
                        // Only writes can leave something behind to read back.
                        if (group.stream().anyMatch(t -> !t.route().method().equals("GET"))) readBack(group.get(0), fx);
                    } catch (Throwable e) {
                        failures.add("fixture for " + group.get(0).name() + " failed: " + e);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("RouteFuzzTest: %d routes (%d paths), %d targets, %d probes in %d ms (%s); statuses %s%n",
                routes.size(), templates.size(), targets.size(), probes.get(), ms, TestServer.postgres() ? "postgres" : "sqlite",
                new TreeMap<>(statusCounts));
        System.out.printf("RouteFuzzTest: probes by kind %s%n", new TreeMap<>(kindCounts));
        if (Boolean.getBoolean("myelin.fuzz.verbose")) new TreeMap<>(perTarget).forEach((k, v) -> System.out.println("  " + v + "\t" + k));
        if (!failures.isEmpty()) {
            List<String> sorted = new ArrayList<>(new TreeSet<>(failures));
            java.nio.file.Files.write(report, sorted);
            fail(sorted.size() + " hostile requests got a bad answer:\n" + String.join("\n", sorted.subList(0, Math.min(60, sorted.size()))));
        }
    }

    // ---- one target ----

    /** Routes after which a shared room is no longer the same (membership, upgrades, sessions). */
    private static final Pattern DESTRUCTIVE = Pattern.compile("/(leave|kick|ban|forget|upgrade|logout|deactivate|password)\\b|/state/");

    /** Roughly how many probes a target sends, to start the long ones first. */
    static int cost(Target t) {
        String body = t.variant().body();
        int fields = 0;
        if (body != null) {
            List<List<Object>> paths = new ArrayList<>();
            collect(json(body), new ArrayList<>(), paths);
            fields = paths.size();
        }
        int params = (int) PARAM.matcher(t.route().template()).results().count();
        int probes = fields * 21 + params * 40 + (t.route().method().equals("GET") ? 160 : 17);
        return t.key().endsWith("/createRoom") ? probes * 10 : probes; // every accepted probe builds a room
    }

    private static int runTarget(Target t, Fixture fx) throws Exception {
        boolean admin = t.route().template().startsWith("/_synapse/admin/") && !t.route().template().endsWith("/register");
        boolean consumesToken = t.key().endsWith(" /logout") || t.key().endsWith(" /logout/all");
        Supplier<Principal> actor = admin ? () -> fx.admin : consumesToken ? () -> user("lo", false, false) : () -> fx.a;
        List<Supplier<Probe>> list = new ArrayList<>();
        Prober p = new Prober(t, fx, actor);
        p.principals(list);
        p.paths(list);
        p.queries(list);
        if (!t.route().method().equals("GET")) p.bodies(list);
        if (t.full() && !t.route().method().equals("GET")) p.concurrent(list);
        if (t.full() && t.index() == 0) p.otherMethods(list);
        int n = 0;
        for (Supplier<Probe> s : list) {
            Probe probe = s.get();
            n++;
            run(t, probe);
        }
        return n;
    }

    private static final int COPIES = 6;

    private static void run(Target t, Probe p) {
        if (p.mode() == Mode.CONCURRENT) {
            Probe one = new Probe(p.label(), p.method(), p.target(), p.auth(), p.body(), Mode.HTTP);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < COPIES; i++) threads.add(Thread.ofVirtual().start(() -> run(t, one)));
            try {
                for (Thread th : threads) th.join(java.time.Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        probes.incrementAndGet();
        kindCounts.computeIfAbsent(kind(p.label()), k -> new AtomicInteger()).incrementAndGet();
        String where = t.name() + " <" + p.label() + "> " + p.method() + " " + FuzzHttp.abbreviate(p.target());
        Answer a;
        try {
            byte[] body = p.body();
            if (body != null && indexOf(body, "{{NONCE}}") >= 0) body = replace(body, "{{NONCE}}", nonce());
            a = switch (p.mode()) {
                case HTTP -> http.send(p.method(), p.target(), p.auth(), body);
                case RAW -> http.raw(p.method(), p.target(), p.auth(), body, false);
                case RAW_CHUNKED -> http.raw(p.method(), p.target(), p.auth(), body, true);
                case CONCURRENT -> throw new IllegalStateException("handled above");
            };
        } catch (IOException | InterruptedException | RuntimeException e) {
            // A request line longer than Jetty's header buffer (8 KB) is refused with 414 while the
            // client may still be sending it; the reset can then beat the answer. That is TCP.
            if (e instanceof IOException && p.target().length() > 8192) {
                statusCounts.computeIfAbsent("reset", k -> new AtomicInteger()).incrementAndGet();
                return;
            }
            failures.add(where + " -> no answer: " + e);
            return;
        }
        statusCounts.computeIfAbsent(Integer.toString(a.status()), k -> new AtomicInteger()).incrementAndGet();
        String problem = problem(a, p.target());
        if (problem != null) {
            failures.add(where + (p.body() == null ? "" : " body " + FuzzHttp.abbreviate(new String(p.body(), StandardCharsets.UTF_8)))
                    + " -> " + a.status() + " " + FuzzHttp.abbreviate(a.text()) + ": " + problem);
        }
    }

    /** The kind of a probe, for the summary: its label up to the first space or '='. */
    static String kind(String label) {
        if (label.startsWith("as ") || label.startsWith("query access_token")) return "callers";
        if (label.contains(" at once")) return "concurrent";
        if (label.endsWith(" missing")) return "missing field";
        String k = label.split("[ =\\[]")[0];
        return switch (k) {
            case "raw", "path", "guest" -> "path";
            case "no", "oversized" -> "body";
            default -> k;
        };
    }

    /** What is wrong with an answer, or null. */
    static String problem(Answer a, String target) {
        String text = a.text();
        if (a.status() >= 500) return "server error";
        if (text.contains("Exception") || text.contains("at org.") || text.contains("at java.")) return "stack trace or exception in body";
        boolean json = a.contentType() != null && a.contentType().startsWith("application/json");
        if (a.status() >= 400) {
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(a.body());
            } catch (IOException e) {
                return "error body is not JSON";
            }
            if (n == null || !n.isObject()) return "error body is not a JSON object";
            // A user-interactive authentication challenge (401) has flows and a session; errcode only after a failed stage.
            boolean uia = a.status() == 401 && n.path("flows").isArray() && !n.has("errcode");
            if (uia) return null;
            if (!n.path("errcode").isTextual() || !n.get("errcode").asText().startsWith("M_")) return "errcode missing or not M_*";
            if (!n.path("error").isTextual()) return "error message missing";
            if (!json) return "error without Content-Type application/json";
        } else if (json && !target.startsWith("/_myelin/")) {
            try {
                Json.MAPPER.readTree(a.body());
            } catch (IOException e) {
                return "success body is not JSON";
            }
        }
        return null;
    }

    /**
     * Whatever the hostile requests managed to store must not break reads later: the fixture's users
     * read everything that could hold it (sync, history, state, profile, account data, reports).
     */
    private static void readBack(Target after, Fixture fx) {
        String v3 = "/_matrix/client/v3";
        List<Map.Entry<Principal, String>> reads = new ArrayList<>();
        String a = enc(fx.a.userId());
        for (Principal p : List.of(fx.a, fx.b, fx.c, fx.guest)) reads.add(e(p, v3 + "/sync?timeout=0"));
        reads.add(e(fx.a, v3 + "/sync?timeout=0&since=s1_0&filter=" + enc("{\"room\":{\"timeline\":{\"limit\":1000},\"include_leave\":true}}")));
        reads.add(e(fx.a, v3 + "/sync?timeout=0&filter=" + enc(fx.filter())));
        reads.add(e(fx.a, v3 + "/user/" + a + "/filter/" + enc(fx.filter())));
        reads.add(e(fx.a, v3 + "/profile/" + a));
        reads.add(e(fx.c, v3 + "/profile/" + a));
        for (String type : List.of("org.example.fuzz", "m.direct", "m.ignored_user_list", "m.push_rules", "m.fully_read")) {
            reads.add(e(fx.a, v3 + "/user/" + a + "/account_data/" + type));
        }
        reads.add(e(fx.a, v3 + "/devices"));
        reads.add(e(fx.a, v3 + "/presence/" + a + "/status"));
        reads.add(e(fx.a, v3 + "/joined_rooms"));
        reads.add(e(fx.a, v3 + "/publicRooms?limit=100"));
        reads.add(e(fx.admin, "/_synapse/admin/v1/event_reports?limit=100"));
        reads.add(e(fx.admin, "/_synapse/admin/v1/registration_tokens"));
        reads.add(e(fx.a, "/_matrix/client/v3/admin/whois/" + a));
        if (fx.room != null) {
            String r = v3 + "/rooms/" + enc(fx.room);
            reads.add(e(fx.a, r + "/messages?dir=f&limit=1000&from=t0"));
            reads.add(e(fx.guest, r + "/messages?dir=b&limit=1000"));
            reads.add(e(fx.a, r + "/state"));
            reads.add(e(fx.a, r + "/members"));
            reads.add(e(fx.b, r + "/initialSync?limit=1000"));
            reads.add(e(fx.guest, v3 + "/events?timeout=0&from=t0&room_id=" + enc(fx.room)));
            reads.add(e(fx.a, r + "/joined_members"));
            reads.add(e(fx.a, r + "/aliases"));
            reads.add(e(fx.a, v3 + "/directory/list/room/" + enc(fx.room)));
            reads.add(e(fx.a, v3 + "/user/" + a + "/rooms/" + enc(fx.room) + "/tags"));
            reads.add(e(fx.a, v3 + "/user/" + a + "/rooms/" + enc(fx.room) + "/account_data/org.example.fuzz"));
            reads.add(e(fx.a, v3 + "/user/" + a + "/rooms/" + enc(fx.room) + "/account_data/m.tag"));
            reads.add(e(fx.a, "/_matrix/client/v1/rooms/" + enc(fx.room) + "/timestamp_to_event?ts=0&dir=f"));
            if (fx.event != null) {
                reads.add(e(fx.a, r + "/event/" + enc(fx.event)));
                reads.add(e(fx.a, r + "/context/" + enc(fx.event) + "?limit=1000"));
            }
        }
        for (Map.Entry<Principal, String> read : reads) {
            run(after, new Probe("read back", "GET", read.getValue(), read.getKey().auth(), null, Mode.HTTP));
        }
    }

    // ---- fixtures ----

    /**
     * Users and a room of one target: A created the room, B and the guest joined, C is a stranger.
     * The room, its message, A's filter and a registration token are made when first needed.
     */
    static final class Fixture {
        final Principal a = user("a", false, false);
        final Principal b = user("b", false, false);
        final Principal c = user("c", false, false);
        final Principal admin = user("admin", true, false);
        final Principal guest = user("guest", false, true);
        final String alias = "#fz" + RUN + "-" + UNIQUE.incrementAndGet() + ":" + SN;
        private String room;
        private String event;
        private String filter;
        private String regToken;

        String room() {
            if (room == null) {
                ObjectNode create = (ObjectNode) json(("{'preset':'public_chat','room_alias_name':'" + alias.substring(1, alias.indexOf(':'))
                        + "','initial_state':[{'type':'m.room.guest_access','content':{'guest_access':'can_join'}}]}").replace('\'', '"'));
                room = ok("POST", "/_matrix/client/v3/createRoom", a, create).path("room_id").asText();
                ok("POST", "/_matrix/client/v3/rooms/" + enc(room) + "/join", b, Json.object());
                ok("POST", "/_matrix/client/v3/rooms/" + enc(room) + "/join", guest, Json.object());
            }
            return room;
        }

        String event() {
            if (event == null) {
                event = ok("PUT", "/_matrix/client/v3/rooms/" + enc(room()) + "/send/m.room.message/fx" + UNIQUE.incrementAndGet(), a,
                        Json.object().put("msgtype", "m.text").put("body", "hello")).path("event_id").asText();
            }
            return event;
        }

        String filter() {
            if (filter == null) {
                filter = ok("POST", "/_matrix/client/v3/user/" + enc(a.userId()) + "/filter", a, Json.object()).path("filter_id").asText();
            }
            return filter;
        }

        String regToken() {
            if (regToken == null) {
                regToken = "fz" + RUN + UNIQUE.incrementAndGet();
                ok("POST", "/_synapse/admin/v1/registration_tokens/new", admin, Json.object().put("token", regToken));
            }
            return regToken;
        }

        String fill(String s) {
            s = s.replace("{{A}}", a.userId()).replace("{{B}}", b.userId()).replace("{{C}}", c.userId())
                    .replace("{{ALIAS}}", alias).replace("{{DEVICE}}", a.deviceId());
            if (s.contains("{{R}}")) s = s.replace("{{R}}", room());
            if (s.contains("{{E}}")) s = s.replace("{{E}}", event());
            if (s.contains("{{TOKEN}}")) s = s.replace("{{TOKEN}}", regToken());
            if (s.contains("{{FILTER}}")) s = s.replace("{{FILTER}}", filter());
            return s;
        }

        /** A fresh value for {{U}}: digits only, so that it fits in localparts, aliases and tokens. */
        String unique() { return RUN.replaceAll("[^0-9]", "") + UNIQUE.incrementAndGet(); }
    }

    static Principal user(String prefix, boolean admin, boolean guest) {
        String id = "@fz" + RUN + "-" + prefix + "-" + UNIQUE.incrementAndGet() + ":" + SN;
        var issued = server.accounts().create(id, null, admin, guest, null, new AccountService.DeviceRequest(null, "fuzz", false));
        return new Principal(id, issued.accessToken(), issued.deviceId());
    }

    private static JsonNode ok(String method, String target, Principal who, JsonNode body) {
        try {
            Answer a = http.send(method, target, who.auth(), Json.write(body));
            if (a.status() != 200) throw new IllegalStateException("fixture " + method + " " + target + " -> " + a.status() + " " + a.text());
            return Json.MAPPER.readTree(a.body());
        } catch (IOException e) {
            throw new IllegalStateException("fixture " + method + " " + target, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (IOException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private static String nonce() {
        try {
            Answer a = http.send("GET", "/_synapse/admin/v1/register", null, null);
            return Json.MAPPER.readTree(a.body()).path("nonce").asText("none");
        } catch (Exception e) {
            return "none";
        }
    }

    // ---- the battery ----

    /** Garbage for a path segment, already percent-encoded where needed. */
    static List<Map.Entry<String, String>> pathGarbage(Fixture fx, boolean roomParams) {
        List<Map.Entry<String, String>> g = new ArrayList<>();
        g.add(e("empty", ""));
        g.add(e("10KB", "a".repeat(10 * 1024)));
        g.add(e("2KB", "b".repeat(2 * 1024)));
        g.add(e("NUL", "%00"));
        g.add(e("NUL in ID", enc("!fz") + "%00" + enc(":" + SN)));
        g.add(e("NUL in user ID", enc("@fz") + "%00" + enc(":" + SN)));
        g.add(e("unicode", enc("ü😀\u202e")));
        g.add(e("lone surrogate", "%ED%A0%80"));
        g.add(e("invalid UTF-8", "%FF%FE"));
        g.add(e("dot-dot", ".."));
        g.add(e("encoded dot-dot", "%2E%2E"));
        g.add(e("encoded slash", "a%2Fb"));
        g.add(e("encoded percent", "%2525"));
        g.add(e("control chars", "%0D%0A%09"));
        g.add(e("space", "%20"));
        g.add(e("plus", "+"));
        g.add(e("other user", enc(fx.b.userId())));
        g.add(e("unknown room", enc("!unknownroom" + RUN + ":" + SN)));
        g.add(e("unknown room v12", enc("!AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")));
        g.add(e("unknown event", enc("$unknownevent" + RUN)));
        g.add(e("unknown user", enc("@nobody-" + RUN + ":" + SN)));
        g.add(e("remote user", enc("@someone:remote.example")));
        g.add(e("unknown alias", enc("#nowhere-" + RUN + ":" + SN)));
        g.add(e("remote alias", enc("#somewhere:remote.example")));
        g.add(e("bare sigils", enc("!")));
        g.add(e("user sigil only", enc("@")));
        g.add(e("event sigil only", enc("$")));
        g.add(e("alias sigil only", enc("#")));
        g.add(e("group sigil", enc("+group:" + SN)));
        g.add(e("300-byte room ID", enc("!" + "r".repeat(300) + ":" + SN)));
        g.add(e("300-byte user ID", enc("@" + "u".repeat(300) + ":" + SN)));
        g.add(e("room ID of user", enc("!" + fx.a.userId().substring(1))));
        if (roomParams) {
            g.add(e("event ID as room", enc(fx.event())));
            g.add(e("room as event", enc(fx.room())));
        }
        g.add(e("alias as room", enc(fx.alias)));
        g.add(e("number", "12345678901234567890"));
        return g;
    }

    /** Query parameters of wrong types and values, already encoded. */
    static List<Map.Entry<String, String>> queryGarbage() {
        List<Map.Entry<String, String>> q = new ArrayList<>();
        for (String v : List.of("-1", "abc", "99999999999999999999", "9223372036854775807", "-9223372036854775808", "1.5", "",
                "%00", "1e3", "0x10", "%F0%9F%98%80", "2147483648")) q.add(e("limit", v));
        for (String v : List.of("x", "", "F", "b%00", "%ED%A0%80")) q.add(e("dir", v));
        for (String v : List.of("garbage", "t", "t-1", "t1_2", "s-1", "s1_", "s1_-1", "s1_9223372036854775807", "s1_x_y",
                "t9223372036854775807", "t99999999999999999999", "99999999999999999999", "%00", "", "%ED%A0%80")) {
            q.add(e("from", v));
        }
        for (String v : List.of("garbage", "t-1", "s1_x", "%00")) q.add(e("to", v));
        for (String v : List.of("garbage", "s0", "s1", "s1_", "s1_-1_0", "s1_99999999999999999999", "s1_9223372036854775807_9223372036854775807_"
                + "9223372036854775807_9223372036854775807_9223372036854775807_9223372036854775807_9223372036854775807",
                "s1_0_0_0_0_0_0_0_0_0_0", "%00", "_", "t5")) q.add(e("since", v));
        for (String v : List.of("{", "[]", "1", "null", "\"s\"", "99999999999999999999", "-1", "abc", "%00",
                "{\"room\":[]}", "{\"room\":{\"timeline\":{\"limit\":\"x\"}}}", "{\"room\":{\"timeline\":{\"limit\":-1}}}",
                "{\"room\":{\"timeline\":{\"limit\":99999999999999999999}}}", "{\"event_fields\":[1]}", "{\"event_fields\":\"x\"}",
                "{\"event_fields\":[\"a\\\\\"]}", "{\"event_fields\":[\"\"]}", "{\"event_format\":1}", "{\"event_format\":\"x\"}",
                "{\"room\":{\"rooms\":[1]}}", "{\"room\":{\"rooms\":\"x\"}}", "{\"room\":{\"state\":{\"lazy_load_members\":\"yes\"}}}",
                "{\"room\":{\"timeline\":{\"types\":[null]}}}", "{\"room\":{\"timeline\":{\"not_types\":{}}}}", "{\"presence\":[]}",
                "{\"account_data\":{\"limit\":[]}}", "{\"room\":{\"include_leave\":\"x\"}}", "{\"room\":{\"timeline\":{\"contains_url\":\"x\"}}}",
                "{\"room\":{\"timeline\":{\"senders\":[1]}}}", "{\"room\":{\"ephemeral\":1}}",
                "{\"room\":{\"timeline\":{\"unread_thread_notifications\":1}}}", "{\"room\":{\"timeline\":{\"types\":[\"" + "*".repeat(300) + "\"]}}}",
                "{\"a\":1,\"a\":2}", "[".repeat(200) + "]".repeat(200), "{\"room\":{\"timeline\":{\"limit\":1.5}}}")) {
            q.add(e("filter", v.startsWith("%") ? v : enc(v)));
        }
        // (Not "": an empty timeout is the default, 30 s on /events.)
        for (String v : List.of("-5", "abc", "99999999999999999999", "1.5", "-9223372036854775808")) q.add(e("timeout", v));
        for (String v : List.of("maybe", "2", "")) q.add(e("full_state", v));
        for (String v : List.of("x", "", "%00")) q.add(e("set_presence", v));
        for (String v : List.of("x", "%00")) q.add(e("membership", v));
        q.add(e("not_membership", "%00"));
        for (String v : List.of("garbage", "-1", "t-1", "99999999999999999999", "s1_9223372036854775807", "%00")) q.add(e("at", v));
        q.add(e("format", "x"));
        for (String v : List.of("garbage", enc("!unknown:" + SN), "%00", enc("#a:b"), "")) q.add(e("room_id", v));
        for (String v : List.of("abc", "-1", "99999999999999999999", "", "9223372036854775807")) q.add(e("ts", v));
        for (String v : List.of("x", "GUEST", "guest%00", "")) q.add(e("kind", v));
        for (String v : List.of("", "%00", "a".repeat(300), enc("@a:b"), "%F0%9F%98%80", "%ED%A0%80")) q.add(e("username", v));
        for (String v : List.of("", "%00", "a".repeat(300), "%ED%A0%80")) q.add(e("token", v));
        for (String v : List.of(enc("bad server"), enc("x:99999999"), "%00", enc("[::1"), "")) q.add(e("server", v));
        q.add(e("valid", "maybe"));
        for (String v : List.of("garbage", "%00")) q.add(e("user_id", v));
        for (String v : List.of("%00", "garbage", "")) q.add(e("alias", v));
        for (String v : List.of("%00", "garbage", "")) q.add(e("userid", v));
        for (String v : List.of("x", "", "%00")) q.add(e("access_token", v));
        q.add(e("limit=1&limit", "x"));
        q.add(e("", "x"));
        q.add(e("a[]", "1"));
        q.add(e("x", "y".repeat(6000)));
        return q;
    }

    /** The query parameters that handlers of methods other than GET read, and malformed ones. */
    static final Set<String> NON_GET_QUERY = Set.of("kind", "server", "access_token", "user_id", "limit=1&limit", "", "a[]", "x");

    /** Values of every type, each to replace a field that has another. */
    static List<Map.Entry<String, JsonNode>> wrongValues() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<Map.Entry<String, JsonNode>> w = new ArrayList<>();
        w.add(e("1", IntNode.valueOf(1)));
        w.add(e("-1", IntNode.valueOf(-1)));
        w.add(e("1.5", DoubleNode.valueOf(1.5)));
        w.add(e("10^25", BigIntegerNode.valueOf(BigInteger.TEN.pow(25))));
        w.add(e("Long.MIN", LongNode.valueOf(Long.MIN_VALUE)));
        w.add(e("1e400", TextNode.valueOf(HUGE_NUMBER)));
        w.add(e("true", BooleanNode.TRUE));
        w.add(e("null", NullNode.getInstance()));
        w.add(e("[]", f.arrayNode()));
        w.add(e("[\"x\"]", f.arrayNode().add("x")));
        w.add(e("{}", f.objectNode()));
        w.add(e("{x:{y:[]}}", f.objectNode().set("x", f.objectNode().set("y", f.arrayNode()))));
        w.add(e("\"\"", TextNode.valueOf("")));
        w.add(e("\"fuzz\"", TextNode.valueOf("fuzz")));
        w.add(e("NUL string", TextNode.valueOf("a\u0000b")));
        w.add(e("lone surrogate", TextNode.valueOf(SURROGATE)));
        w.add(e("unicode", TextNode.valueOf("é😀\u202e\u0301")));
        w.add(e("300 chars", TextNode.valueOf("x".repeat(300))));
        w.add(e("70000 chars", TextNode.valueOf("x".repeat(70_000))));
        w.add(e("deep", deep(40)));
        return w;
    }

    /** Field names common across the Client-Server API, all set at once to each wrong type. */
    static final List<String> GENERIC_FIELDS = List.of("user_id", "reason", "membership", "msgtype", "body", "content", "room_id",
            "visibility", "preset", "invite", "name", "topic", "auth", "password", "type", "identifier", "device_id", "displayname",
            "avatar_url", "typing", "timeout", "presence", "status_msg", "messages", "filter", "limit", "new_version", "thread_id",
            "tags", "order", "since", "include_all_networks", "third_party_instance_id", "is_direct", "initial_state",
            "creation_content", "power_level_content_override", "room_alias_name", "room_version", "invite_3pid", "username",
            "initial_device_display_name", "inhibit_login", "refresh_token", "guest_access_token", "new_password", "logout_devices",
            "erase", "id_server", "devices", "display_name", "score", "m.fully_read", "m.read", "m.read.private", "redacts",
            "state_key", "nonce", "mac", "admin", "user_type", "token", "uses_allowed", "expiry_time", "length",
            "additional_creators", "event_fields", "event_format", "account_data", "room", "session", "user", "event_id", "kind",
            "medium", "address", "sid", "client_secret", "id_access_token", "third_party_signed", "server", "via", "m.relates_to");

    static JsonNode deep(int depth) {
        JsonNode n = JsonNodeFactory.instance.arrayNode();
        for (int i = 1; i < depth; i++) n = JsonNodeFactory.instance.arrayNode().add(n);
        return n;
    }

    /** Builds the probes of one target, lazily (unique values are drawn when a probe is made). */
    static final class Prober {
        final Target t;
        final Fixture fx;
        final Supplier<Principal> actor;
        final String method;
        final List<String> params = new ArrayList<>();
        final JsonNode example;

        Prober(Target t, Fixture fx, Supplier<Principal> actor) throws IOException {
            this.t = t;
            this.fx = fx;
            this.actor = actor;
            this.method = t.route().method();
            Matcher m = PARAM.matcher(t.route().template());
            while (m.find()) params.add(m.group(1));
            String body = t.variant().body();
            example = body == null ? null : Json.MAPPER.readTree(fx.fill(body));
        }

        /** The path with every parameter valid, except those given (already encoded). */
        String path(Principal who, Map<String, String> rawOverride) {
            StringBuilder sb = new StringBuilder();
            Matcher m = PARAM.matcher(t.route().template());
            int last = 0;
            while (m.find()) {
                sb.append(t.route().template(), last, m.start());
                String name = m.group(1);
                sb.append(rawOverride.containsKey(name) ? rawOverride.get(name) : enc(valid(name, who)));
                last = m.end();
            }
            sb.append(t.route().template().substring(last));
            return sb.toString();
        }

        String valid(String param, Principal who) {
            String v = t.variant().params().get(param);
            if (v != null) return fx.fill(v);
            return switch (param) {
                case "roomId", "roomIdOrAlias" -> fx.room();
                case "eventId" -> fx.event();
                case "userId" -> who.userId();
                case "deviceId" -> who.deviceId();
                case "eventType", "type" -> "org.example.fuzz";
                case "stateKey" -> "fuzzkey";
                case "txnId" -> "fz" + fx.unique();
                case "tag" -> "u.fuzz";
                case "keyName" -> "displayname";
                case "filterId" -> fx.filter();
                case "receiptType" -> "m.read";
                case "protocol" -> "irc";
                case "token" -> fx.regToken();
                case "roomAlias" -> {
                    if (method.equals("PUT")) yield "#fz" + fx.unique() + ":" + SN;
                    fx.room(); // the alias exists once the room does
                    yield fx.alias;
                }
                default -> "fuzz";
            };
        }

        String query() {
            String q = RouteFuzzExamples.BASE_QUERY.get(t.key());
            if (q == null) return "";
            StringBuilder sb = new StringBuilder();
            for (String kv : q.split("&")) {
                int eq = kv.indexOf('=');
                if (sb.length() > 0) sb.append('&');
                sb.append(kv, 0, eq + 1).append(enc(fx.fill(kv.substring(eq + 1)).replace("{{U}}", fx.unique())));
            }
            return sb.toString();
        }

        String withQuery(String path, String query) { return query.isEmpty() ? path : path + "?" + query; }

        /** The example body with fresh unique values, or null for routes without one. */
        byte[] exampleBody() { return example == null ? null : bodyOf(example); }

        byte[] bodyOf(JsonNode n) {
            String s = Json.writeString(n).replace("\"" + SURROGATE + "\"", "\"\\ud800\"").replace("\"" + HUGE_NUMBER + "\"", "1e400");
            return s.replace("{{U}}", fx.unique()).getBytes(StandardCharsets.UTF_8);
        }

        Probe probe(String label, Principal who, String target, byte[] body) {
            return new Probe(label, method, target, who == null ? null : who.auth(), body, Mode.HTTP);
        }

        void principals(List<Supplier<Probe>> out) {
            Map<String, Supplier<String>> auths = new LinkedHashMap<>();
            auths.put("no token", () -> null);
            auths.put("garbage token", () -> "Bearer garbage-" + RUN);
            auths.put("empty bearer", () -> "Bearer ");
            auths.put("basic auth", () -> "Basic Zm9vOmJhcg==");
            auths.put("token of 2KB", () -> "Bearer " + "t".repeat(2048));
            auths.put("second user", () -> fx.b.auth());
            auths.put("admin", () -> fx.admin.auth());
            auths.put("guest", () -> fx.guest.auth());
            auths.put("stranger", () -> fx.c.auth());
            auths.put("caller", () -> actor.get().auth());
            auths.forEach((label, auth) -> out.add(() -> {
                Principal who = actor.get();
                return new Probe("as " + label, method, withQuery(path(who, Map.of()), query()), auth.get(), exampleBody(), Mode.HTTP);
            }));
            out.add(() -> new Probe("query access_token", method, withQuery(path(actor.get(), Map.of()), "access_token=" + actor.get().token()),
                    null, exampleBody(), Mode.HTTP));
        }

        void paths(List<Supplier<Probe>> out) {
            boolean roomParams = params.stream().anyMatch(p -> p.startsWith("room") || p.equals("eventId"));
            List<Map.Entry<String, String>> garbage = pathGarbage(fx, roomParams);
            if (!t.full()) garbage = garbage.subList(0, 12);
            for (String param : params) {
                for (Map.Entry<String, String> g : garbage) {
                    out.add(() -> {
                        Principal who = actor.get();
                        return probe("path " + param + "=" + g.getKey(), who, withQuery(path(who, Map.of(param, g.getValue())), query()),
                                exampleBody());
                    });
                }
                if (!t.full()) continue;
                // What java.net.URI refuses to carry: malformed escapes and raw non-ASCII bytes.
                for (Map.Entry<String, String> g : List.of(e("malformed escape", "%zz"), e("lone percent", "%"),
                        e("truncated escape", "%E0%A4%A"), e("raw byte 0xFF", "\u00ff"), e("raw UTF-8", "\u00c3\u00bc"))) {
                    out.add(() -> {
                        Principal who = actor.get();
                        return new Probe("raw path " + param + "=" + g.getKey(), method, path(who, Map.of(param, g.getValue())),
                                who.auth(), exampleBody(), Mode.RAW);
                    });
                }
            }
            // The guest, with garbage in every parameter, for routes guests may call.
            if (t.full() && t.route().access() == org.myelin.http.Access.GUEST_OK) {
                for (String param : params) {
                    for (Map.Entry<String, String> g : garbage.subList(0, 8)) {
                        out.add(() -> probe("guest path " + param + "=" + g.getKey(), fx.guest,
                                withQuery(path(fx.guest, Map.of(param, g.getValue())), query()), exampleBody()));
                    }
                }
            }
        }

        void queries(List<Supplier<Probe>> out) {
            List<Map.Entry<String, String>> qs = queryGarbage();
            // Handlers of other methods read few query parameters; they get those and the malformed ones.
            if (!method.equals("GET")) qs = qs.stream().filter(q -> NON_GET_QUERY.contains(q.getKey())).toList();
            if (!t.full()) qs = qs.subList(0, Math.min(6, qs.size()));
            for (Map.Entry<String, String> q : qs) {
                out.add(() -> {
                    Principal who = actor.get();
                    Map<String, String> merged = new LinkedHashMap<>();
                    String base = query();
                    if (!base.isEmpty()) {
                        for (String kv : base.split("&")) {
                            int eq = kv.indexOf('=');
                            merged.put(kv.substring(0, eq), kv.substring(eq + 1));
                        }
                    }
                    merged.put(q.getKey(), q.getValue());
                    StringBuilder sb = new StringBuilder();
                    merged.forEach((k, v) -> {
                        if (sb.length() > 0) sb.append('&');
                        sb.append(k).append('=').append(v);
                    });
                    String label = "query " + q.getKey() + "=" + FuzzHttp.abbreviate(q.getValue());
                    return probe(label, who, path(who, Map.of()) + "?" + sb, exampleBody());
                });
            }
            if (t.full()) {
                out.add(() -> new Probe("raw query malformed escape", method, path(actor.get(), Map.of()) + "?limit=%zz&from=%",
                        actor.get().auth(), exampleBody(), Mode.RAW));
            }
        }

        void bodies(List<Supplier<Probe>> out) {
            Map<String, byte[]> raw = new LinkedHashMap<>();
            raw.put("not JSON", utf8("{nope"));
            raw.put("single quotes", utf8("{'a':1}"));
            raw.put("two values", utf8("{\"a\":1}{\"b\":2}"));
            raw.put("trailing garbage", utf8("{\"a\":1} x"));
            raw.put("NaN", utf8("NaN"));
            raw.put("NUL byte", new byte[] {0});
            raw.put("invalid UTF-8", new byte[] {'{', '"', (byte) 0xFF, (byte) 0xFE, '"', ':', '1', '}'});
            raw.put("BOM", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'});
            raw.put("whitespace", utf8("   "));
            raw.put("duplicate keys", utf8("{\"a\":1,\"a\":2}"));
            raw.put("deep arrays", utf8("[".repeat(500) + "]".repeat(500)));
            raw.put("deep objects", utf8("{\"a\":".repeat(500) + "1" + "}".repeat(500)));
            raw.put("top-level array", utf8("[]"));
            raw.put("top-level array of objects", utf8("[{}]"));
            raw.put("top-level string", utf8("\"fuzz\""));
            raw.put("top-level number", utf8("42"));
            raw.put("top-level huge number", utf8("1e400"));
            raw.put("top-level null", utf8("null"));
            raw.put("top-level bool", utf8("true"));
            raw.put("empty object", utf8("{}"));
            raw.put("long number", utf8("{\"a\":" + "9".repeat(100) + "}"));
            raw.put("long key", utf8("{\"" + "k".repeat(70_000) + "\":1}"));
            raw.put("lone surrogate key", utf8("{\"\\ud800\":1}"));
            boolean full = t.full();
            raw.forEach((label, bytes) -> {
                if (!full && !label.startsWith("top-level") && !label.equals("not JSON")) return;
                out.add(() -> {
                    Principal who = actor.get();
                    return probe("body " + label, who, withQuery(path(who, Map.of()), query()), bytes);
                });
            });
            // No body at all.
            out.add(() -> {
                Principal who = actor.get();
                return probe("no body", who, withQuery(path(who, Map.of()), query()), null);
            });
            if (!full) return;
            int limit = t.route().maxBody() > 0 ? t.route().maxBody() : server.config().limits().maxRequestBodyBytes();
            byte[] big = utf8("{\"a\":\"" + "x".repeat(limit) + "\"}");
            out.add(() -> new Probe("oversized body", method, withQuery(path(actor.get(), Map.of()), query()), actor.get().auth(), big, Mode.RAW));
            out.add(() -> new Probe("oversized chunked body", method, withQuery(path(actor.get(), Map.of()), query()), actor.get().auth(), big,
                    Mode.RAW_CHUNKED));

            if (example != null && example.isObject()) {
                List<List<Object>> fieldPaths = new ArrayList<>();
                collect(example, new ArrayList<>(), fieldPaths);
                for (List<Object> fp : fieldPaths) {
                    for (Map.Entry<String, JsonNode> w : wrongValues()) {
                        out.add(() -> {
                            Principal who = actor.get();
                            JsonNode copy = example.deepCopy();
                            set(copy, fp, w.getValue());
                            return probe("field " + fp + "=" + w.getKey(), who, withQuery(path(who, Map.of()), query()), bodyOf(copy));
                        });
                    }
                    out.add(() -> {
                        Principal who = actor.get();
                        JsonNode copy = example.deepCopy();
                        remove(copy, fp);
                        return probe("field " + fp + " missing", who, withQuery(path(who, Map.of()), query()), bodyOf(copy));
                    });
                }
                // Keys are data too (user IDs in m.direct, power levels and to-device messages): odd ones
                // beside the valid ones, with a sibling's value.
                List<List<Object>> objects = new ArrayList<>();
                objects.add(List.of());
                for (List<Object> fp : fieldPaths) if (get(example, fp).isObject()) objects.add(fp);
                for (List<Object> op : objects) {
                    for (String key : List.of("", "a\u0000b", SURROGATE, "k".repeat(300), "@bad", "!bad:" + SN)) {
                        out.add(() -> {
                            Principal who = actor.get();
                            JsonNode copy = example.deepCopy();
                            ObjectNode o = (ObjectNode) get(copy, op);
                            JsonNode sibling = o.isEmpty() ? IntNode.valueOf(1) : o.elements().next().deepCopy();
                            o.set(key, sibling);
                            return probe("key " + op + "[" + FuzzHttp.abbreviate(key) + "]", who, withQuery(path(who, Map.of()), query()),
                                    bodyOf(copy));
                        });
                    }
                }
            }
            // Every common field name at once, of one wrong type, beside the valid fields.
            JsonNodeFactory f = JsonNodeFactory.instance;
            for (JsonNode w : List.of(IntNode.valueOf(7), f.arrayNode().add(1), f.objectNode().put("x", 1), BooleanNode.TRUE,
                    NullNode.getInstance(), TextNode.valueOf("x".repeat(2000)), TextNode.valueOf("a\u0000b"), TextNode.valueOf(SURROGATE))) {
                out.add(() -> {
                    Principal who = actor.get();
                    ObjectNode o = example != null && example.isObject() ? example.deepCopy() : f.objectNode();
                    for (String name : GENERIC_FIELDS) if (!o.has(name)) o.set(name, w);
                    return probe("generic fields=" + FuzzHttp.abbreviate(w.toString()), who, withQuery(path(who, Map.of()), query()), bodyOf(o));
                });
            }
        }

        /** The valid request several times at once (same transaction ID, alias, username): races must not surface. */
        void concurrent(List<Supplier<Probe>> out) {
            out.add(() -> {
                Principal who = actor.get();
                return new Probe(COPIES + " identical at once", method, withQuery(path(who, Map.of()), query()), who.auth(), exampleBody(),
                        Mode.CONCURRENT);
            });
        }

        void otherMethods(List<Supplier<Probe>> out) {
            Set<String> registered = methodsByTemplate.get(t.route().template());
            if (!registered.iterator().next().equals(method)) return; // once per template
            for (String m : List.of("GET", "PUT", "POST", "DELETE", "PATCH")) {
                if (registered.contains(m) || (m.equals("HEAD") && registered.contains("GET"))) continue;
                out.add(() -> new Probe("method " + m, m, path(actor.get(), Map.of()), actor.get().auth(), utf8("{}"), Mode.HTTP));
            }
        }
    }

    /** Every path to a value inside n (object keys and array indexes), parents before children. */
    static void collect(JsonNode n, List<Object> prefix, List<List<Object>> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> en = it.next();
                List<Object> p = new ArrayList<>(prefix);
                p.add(en.getKey());
                out.add(p);
                collect(en.getValue(), p, out);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                List<Object> p = new ArrayList<>(prefix);
                p.add(i);
                out.add(p);
                collect(n.get(i), p, out);
            }
        }
    }

    static JsonNode get(JsonNode root, List<Object> path) {
        JsonNode n = root;
        for (Object step : path) n = step instanceof Integer idx ? n.get(idx) : n.get((String) step);
        return n;
    }

    static void set(JsonNode root, List<Object> path, JsonNode value) {
        JsonNode parent = root;
        for (int i = 0; i < path.size() - 1; i++) parent = path.get(i) instanceof Integer idx ? parent.get(idx) : parent.get((String) path.get(i));
        Object last = path.get(path.size() - 1);
        if (last instanceof Integer idx) ((ArrayNode) parent).set(idx, value);
        else ((ObjectNode) parent).set((String) last, value);
    }

    static void remove(JsonNode root, List<Object> path) {
        JsonNode parent = root;
        for (int i = 0; i < path.size() - 1; i++) parent = path.get(i) instanceof Integer idx ? parent.get(idx) : parent.get((String) path.get(i));
        Object last = path.get(path.size() - 1);
        if (last instanceof Integer idx) ((ArrayNode) parent).remove(idx);
        else ((ObjectNode) parent).remove((String) last);
    }

    // ---- small helpers ----

    static <K, V> Map.Entry<K, V> e(K k, V v) { return new SimpleEntry<>(k, v); }

    static String enc(String s) { return Client.enc(s); }

    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    static int indexOf(byte[] b, String s) { return new String(b, StandardCharsets.ISO_8859_1).indexOf(s); }

    static byte[] replace(byte[] b, String from, String to) {
        return new String(b, StandardCharsets.UTF_8).replace(from, to).getBytes(StandardCharsets.UTF_8);
    }
}
