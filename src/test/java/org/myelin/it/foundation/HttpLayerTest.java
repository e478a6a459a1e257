package org.myelin.it.foundation;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.foundation.Fx.V3;
import static org.myelin.it.foundation.Fx.assertError;
import static org.myelin.it.foundation.Fx.assertOk;
import static org.myelin.it.foundation.Fx.header;

/**
 * What the HTTP layer does for every endpoint: CORS, 404/405, JSON parsing errors, field
 * validation, access tokens, and never a 500 or a stack trace.
 */
class HttpLayerTest {
    private static final Client c = Fx.shared();
    private static User alice;

    @BeforeAll
    static void users() { alice = c.register("http"); }

    private static Resp raw(String method, String path, String body) {
        return c.raw(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static Set<String> list(String header) {
        assertNotNull(header);
        return Arrays.stream(header.split(",")).map(String::trim).collect(Collectors.toSet());
    }

    /** The CORS headers the spec's "Web Browser Clients" section requires. */
    static void assertCors(Resp r) {
        assertEquals("*", header(r, "Access-Control-Allow-Origin"), () -> "CORS origin on " + r + " " + r.headers());
        assertTrue(list(header(r, "Access-Control-Allow-Methods")).containsAll(List.of("GET", "POST", "PUT", "DELETE", "OPTIONS")),
                () -> "CORS methods " + r.headers());
        Set<String> allowed = list(header(r, "Access-Control-Allow-Headers")).stream()
                .map(s -> s.toLowerCase(java.util.Locale.ROOT)).collect(Collectors.toSet());
        assertTrue(allowed.containsAll(List.of("x-requested-with", "content-type", "authorization")), () -> "CORS headers " + r.headers());
    }

    // ---- CORS ----

    @Test
    void corsOnSuccessfulResponses() {
        assertCors(assertOk(c.get("/_matrix/client/versions")));
        assertCors(assertOk(c.get("/.well-known/matrix/client")));
        assertCors(assertOk(c.as(alice).get(V3 + "/account/whoami")));
    }

    @Test
    void corsOnErrorResponses() {
        assertCors(assertError(c.get(V3 + "/account/whoami"), 401, "M_MISSING_TOKEN"));
        assertCors(assertError(c.get(V3 + "/no/such/endpoint"), 404, "M_UNRECOGNIZED"));
        assertCors(assertError(raw("POST", V3 + "/login", "{nope"), 400, "M_NOT_JSON"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/_matrix/client/v3/login", "/_matrix/client/v3/account/whoami",
            "/_matrix/client/v3/profile/%40someone%3Aexample.org/displayname", "/_matrix/client/v3/no/such/endpoint",
            "/not/matrix/at/all"})
    void optionsPreflightSucceedsWithCors(String path) {
        Resp r = c.raw("OPTIONS", path, null, Map.of("Origin", "https://app.example.org",
                "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization, content-type"));
        assertEquals(200, r.status(), r::toString);
        assertCors(r);
    }

    @Test
    void optionsPreflightNeedsNoToken() {
        // Browsers never send credentials on a preflight; an invalid token must not matter either.
        Resp r = c.as("bogus").raw("OPTIONS", V3 + "/account/whoami", null, Map.of());
        assertEquals(200, r.status(), r::toString);
        assertCors(r);
    }

    // ---- routing ----

    @ParameterizedTest
    @ValueSource(strings = {"/_matrix/client/v3/no/such/endpoint", "/_matrix/client/v3", "/_matrix/client/v99/login",
            "/_matrix/client/v3/login/extra", "/", "/nothing", "/_matrix/federation/v1/nothing"})
    void unknownEndpointIs404Unrecognized(String path) {
        assertError(c.get(path), 404, "M_UNRECOGNIZED");
        assertError(c.post(path, Map.of()), 404, "M_UNRECOGNIZED");
    }

    @Test
    void wrongMethodIs405Unrecognized() {
        assertError(c.post("/_matrix/client/versions", Map.of()), 405, "M_UNRECOGNIZED");
        assertError(c.delete(V3 + "/login"), 405, "M_UNRECOGNIZED");
        assertError(c.put(V3 + "/account/whoami", Map.of()), 405, "M_UNRECOGNIZED");
        assertError(c.get(V3 + "/logout"), 405, "M_UNRECOGNIZED");
        // The method check happens before authentication.
        assertError(c.as("bogus").put(V3 + "/account/whoami", Map.of()), 405, "M_UNRECOGNIZED");
    }

    @Test
    void legacyR0PrefixServesTheSameEndpoints() {
        Resp r = assertOk(c.as(alice).get("/_matrix/client/r0/account/whoami"));
        assertEquals(alice.userId(), r.str("user_id"));
        assertOk(c.get("/_matrix/client/r0/login"));
    }

    @Test
    void trailingSlashIsTolerated() {
        assertOk(c.get("/_matrix/client/versions/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/_matrix/client/v3/profile/%zz", "/_matrix/client/v3/profile/%00",
            "/_matrix/client/v3/profile/%40a%3Ab/%zz", "/_matrix/client/v3/profile/%2F%2F", "/_matrix/client/v3/profile/%40%00%3Ax",
            "/_matrix/client/v3/register/available?username=%zz", "/_matrix/client/v3/register/available?username=%00",
            "/_matrix/client/v3/profile/@a:b?x=%", "/_matrix/client/v3/%2e%2e/versions", "/_matrix/client/v3/profile/%",
            "/_matrix/client/v3/register/available?username=a&username", "/_matrix/client/v3/profile/%F0%28%8C%28"})
    void malformedPathsAndQueriesAreClientErrors(String path) throws Exception {
        Fx.RawResp r = Fx.rawHttp(org.myelin.it.TestServer.shared().port(), "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertTrue(r.status() >= 200 && r.status() < 500, () -> path + " -> " + r);
        assertTrue(r.status() == 200 || r.body().contains("\"errcode\""), () -> path + " -> " + r);
        assertTrue(r.head().contains("\r\nAccess-Control-Allow-Origin: *"), () -> "CORS missing: " + r.head());
    }

    // ---- JSON bodies ----

    @ParameterizedTest
    @ValueSource(strings = {"{nope", "{\"type\": \"m.login.password\"", "not json at all", "{\"a\":1}{\"b\":2}", "{\"a\":1} x",
            "{'type': 'm.login.password'}", "{\"a\": NaN}", "{\"a\": 01}", "{\"a\":1,\"a\":2}", "\u00ff\u00fe{}"})
    void malformedJsonIs400NotJson(String body) {
        assertError(raw("POST", V3 + "/login", body), 400, "M_NOT_JSON");
    }

    @Test
    void invalidUtf8IsNotJson() {
        byte[] b = {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
        assertError(c.raw("POST", V3 + "/login", b, Map.of()), 400, "M_NOT_JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[1,2]", "\"a string\"", "42", "null", "true"})
    void nonObjectBodyIs400BadJson(String body) {
        assertError(raw("POST", V3 + "/login", body), 400, "M_BAD_JSON");
    }

    @Test
    void deeplyNestedArraysAreRefusedWithoutCrashing() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        Resp r = raw("POST", V3 + "/login", deep);
        assertError(r, 400, "M_NOT_JSON");
        // Also inside an object, on an authenticated endpoint with a JSON body.
        String inObject = "{\"displayname\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        Resp r2 = c.as(alice).raw("PUT", V3 + "/profile/" + Client.enc(alice.userId()) + "/displayname",
                inObject.getBytes(StandardCharsets.UTF_8), Map.of());
        assertError(r2, 400, "M_NOT_JSON");
        String objects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        assertError(raw("POST", V3 + "/login", objects), 400, "M_NOT_JSON");
        // The server is still healthy.
        assertOk(c.get("/_matrix/client/versions"));
    }

    @Test
    void unterminatedDeepNestingIsRefused() {
        assertError(raw("POST", V3 + "/login", "[".repeat(100_000)), 400, "M_NOT_JSON");
    }

    @Test
    void hugeNumbersAreRefusedOrIgnoredNotCrashing() {
        assertError(raw("POST", V3 + "/login", "{\"type\": 1" + "0".repeat(5000) + "}"), 400, "M_NOT_JSON");
        assertError(raw("POST", V3 + "/login", "{\"type\": 1e999999999}"), 400, "M_BAD_JSON");
    }

    @Test
    void wrongFieldTypesAre400BadJson() {
        assertError(c.post(V3 + "/login", Map.of("type", 1)), 400, "M_BAD_JSON");
        assertError(c.post(V3 + "/login", Map.of("type", "m.login.password", "identifier", "alice", "password", "x")), 400, "M_BAD_JSON");
        assertError(c.post(V3 + "/login", Map.of("type", "m.login.password", "user", List.of("alice"), "password", "x")), 400, "M_BAD_JSON");
        assertError(c.post(V3 + "/login", Map.of("type", "m.login.password", "user", "alice", "password", 12345)), 400, "M_BAD_JSON");
        assertError(c.post(V3 + "/login", Map.of("type", "m.login.password", "user", "alice", "password", "x", "refresh_token", "yes")),
                400, "M_BAD_JSON");
        assertError(c.post(V3 + "/login", Map.of("type", "m.login.password", "user", "alice", "password", "x", "device_id", 7)),
                400, "M_BAD_JSON");
        assertError(c.post(V3 + "/register", Map.of("username", 5, "password", "x", "auth", Map.of("type", "m.login.dummy"))),
                400, "M_BAD_JSON");
        assertError(c.post(V3 + "/register", Map.of("username", Client.unique("t"), "password", "x", "inhibit_login", "no",
                "auth", Map.of("type", "m.login.dummy"))), 400, "M_BAD_JSON");
        assertError(c.post(V3 + "/register", Map.of("username", Client.unique("t"), "password", "x", "auth", "dummy")), 400, "M_BAD_JSON");
        assertError(c.post(V3 + "/refresh", Map.of("refresh_token", 1)), 400, "M_BAD_JSON");
        assertError(c.as(alice).post(V3 + "/account/password", Map.of("new_password", true)), 400, "M_BAD_JSON");
        assertError(c.as(alice).put(V3 + "/profile/" + Client.enc(alice.userId()) + "/displayname", Map.of("displayname", 3)),
                400, "M_BAD_JSON");
    }

    @Test
    void missingFieldsAre400MissingParam() {
        assertError(c.post(V3 + "/login", Map.of()), 400, "M_MISSING_PARAM");
        assertError(raw("POST", V3 + "/login", null), 400, "M_MISSING_PARAM");
        assertError(c.post(V3 + "/login", Map.of("type", "m.login.password", "password", "x")), 400, "M_MISSING_PARAM");
        assertError(c.post(V3 + "/login", Map.of("type", "m.login.password", "identifier", Map.of("type", "m.id.user"),
                "password", "x")), 400, "M_MISSING_PARAM");
        assertError(c.post(V3 + "/login", Map.of("type", "m.login.password", "identifier", Map.of("user", "alice"),
                "password", "x")), 400, "M_MISSING_PARAM");
        assertError(c.post(V3 + "/login", Map.of("type", "m.login.password", "user", "alice")), 400, "M_MISSING_PARAM");
        assertError(c.post(V3 + "/refresh", Map.of()), 400, "M_MISSING_PARAM");
        assertError(c.as(alice).post(V3 + "/account/password", Map.of()), 400, "M_MISSING_PARAM");
        assertError(c.as(alice).put(V3 + "/profile/" + Client.enc(alice.userId()) + "/displayname", Map.of()), 400, "M_MISSING_PARAM");
        assertError(c.get(V3 + "/register/available"), 400, "M_MISSING_PARAM");
        assertError(c.get("/_matrix/client/v1/register/m.login.registration_token/validity"), 400, "M_MISSING_PARAM");
    }

    @Test
    void errorBodiesAreJsonWithoutStackTraces() {
        for (Resp r : List.of(raw("POST", V3 + "/login", "{nope"), c.get(V3 + "/nothing"), c.as("x").get(V3 + "/account/whoami"))) {
            assertEquals("application/json", header(r, "Content-Type"), r::toString);
            String text = r.body().toString();
            assertFalse(text.contains("Exception") || text.contains("\tat ") || text.contains("org.myelin"), text);
        }
    }

    @Test
    void nulCharactersNeverReachTheDatabase() {
        // PostgreSQL text cannot hold U+0000: both backends must give the same 4xx, never a 500.
        String nul = "a\u0000b";
        String me = V3 + "/profile/" + Client.enc(alice.userId());
        assertError(c.as(alice).put(me + "/displayname", Map.of("displayname", nul)), 400, "M_INVALID_PARAM");
        assertError(c.as(alice).put(me + "/avatar_url", Map.of("avatar_url", "mxc://x/" + nul)), 400, "M_INVALID_PARAM");
        Map<String, Object> login = Fx.passwordLogin(alice.userId(), alice.password());
        login.put("device_id", nul);
        assertError(c.post(V3 + "/login", login), 400, "M_INVALID_PARAM");
        login.put("device_id", "NULNAME");
        login.put("initial_device_display_name", nul);
        assertError(c.post(V3 + "/login", login), 400, "M_INVALID_PARAM");
        assertError(c.post(V3 + "/register", Map.of("username", Client.unique("nul"), "password", "pw", "device_id", nul,
                "auth", Map.of("type", "m.login.dummy"))), 400, "M_INVALID_PARAM");
        assertError(c.post(V3 + "/register?kind=guest", Map.of("initial_device_display_name", nul)), 400, "M_INVALID_PARAM");
        assertError(c.post(V3 + "/register", Map.of("username", Client.unique("nul"), "password", "pw",
                "auth", Map.of("type", "m.login.dummy", "session", nul))), 400, "M_UNKNOWN");
        Resp tok = c.post(V3 + "/register", Map.of("username", Client.unique("nul"), "password", "pw",
                "auth", Map.of("type", "m.login.registration_token", "token", nul)));
        assertEquals(401, tok.status(), tok::toString);
        assertEquals("M_FORBIDDEN", tok.errcode(), tok::toString);
        Resp validity = assertOk(c.get("/_matrix/client/v1/register/m.login.registration_token/validity?token=a%00b"));
        assertFalse(validity.body().path("valid").asBoolean(true), validity::toString);
        assertError(c.get(V3 + "/register/available?username=a%00b"), 400, "M_INVALID_USERNAME");
        assertError(c.post(V3 + "/refresh", Map.of("refresh_token", nul)), 401, "M_UNKNOWN_TOKEN");
        assertError(Fx.login(c, "a\u0000b", "pw"), 403, "M_FORBIDDEN");
        assertError(Fx.sharedSecretRegister(c, nul, "pw", false), 400, "M_INVALID_USERNAME");
        // Inside values stored as JSON a NUL is fine and round-trips.
        assertOk(c.as(alice).put(me + "/org.example.nul", Map.of("org.example.nul", nul)));
        assertEquals(nul, assertOk(c.get(me + "/org.example.nul")).str("org.example.nul"));
        assertOk(c.as(alice).put(me + "/m.tz", Map.of("m.tz", nul)));
        // and a NUL in a password only ever reaches the hash.
        User u = c.register("nulpw");
        assertOk(c.as(u).post(V3 + "/account/password", Map.of("new_password", nul, "auth", Fx.passwordAuth(u, u.password(), null))));
        assertOk(Fx.login(c, u.userId(), nul));
    }

    // ---- access tokens ----

    @Test
    void missingTokenIs401MissingToken() {
        assertError(c.get(V3 + "/account/whoami"), 401, "M_MISSING_TOKEN");
        assertError(c.post(V3 + "/logout", Map.of()), 401, "M_MISSING_TOKEN");
        assertError(c.post(V3 + "/account/password", Map.of("new_password", "x")), 401, "M_MISSING_TOKEN");
    }

    @Test
    void invalidTokenIs401UnknownTokenWithoutSoftLogout() {
        Resp r = assertError(c.as("myl_definitely-not-valid").get(V3 + "/account/whoami"), 401, "M_UNKNOWN_TOKEN");
        assertFalse(r.body().path("soft_logout").asBoolean(false), r::toString);
        assertError(c.as("x".repeat(5000)).get(V3 + "/account/whoami"), 401, "M_UNKNOWN_TOKEN");
    }

    @Test
    void nonBearerAuthorizationIsRejected() {
        Resp r = c.raw("GET", V3 + "/account/whoami", null, Map.of("Authorization", "Basic " + alice.token()));
        assertError(r, 401, "M_MISSING_TOKEN");
    }

    @Test
    void bearerSchemeIsCaseInsensitive() {
        Resp r = c.raw("GET", V3 + "/account/whoami", null, Map.of("Authorization", "bearer " + alice.token()));
        assertEquals(alice.userId(), assertOk(r).str("user_id"));
    }

    @Test
    void queryStringAccessTokenIsRejected() {
        // Removed from the spec; Myelin refuses it rather than silently accepting tokens in URLs (and logs).
        assertError(c.get(V3 + "/account/whoami?access_token=" + Client.enc(alice.token())), 401, "M_MISSING_TOKEN");
        assertError(c.get(V3 + "/account/whoami?access_token=bogus"), 401, "M_MISSING_TOKEN");
        // A header token still wins when a client sends both.
        assertOk(c.as(alice).get(V3 + "/account/whoami?access_token=bogus"));
    }
}
