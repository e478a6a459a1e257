package org.myelin.it.foundation;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.Myelin;
import org.myelin.http.Json;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;
import org.myelin.it.TestServer;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.myelin.it.foundation.Fx.V3;
import static org.myelin.it.foundation.Fx.assertError;
import static org.myelin.it.foundation.Fx.assertOk;

/** Request bodies over limits.max_request_body_bytes get 413 M_TOO_LARGE, however they are sent. */
class BodyLimitTest {
    private static final int LIMIT = 1024;
    private static Myelin small;
    private static Client c;

    @BeforeAll
    static void start() {
        small = TestServer.start(cfg -> cfg.putObject("limits").put("max_request_body_bytes", LIMIT));
        c = Fx.client(small);
    }

    @AfterAll
    static void stop() throws Exception { Fx.close(small); }

    private static String loginBodyOfSize(int size) {
        String base = Json.writeString(Map.of("type", "m.login.password", "user", "nobody", "password", ""));
        String pad = "p".repeat(size - base.length());
        String body = base.replace("\"password\":\"\"", "\"password\":\"" + pad + "\"");
        assertEquals(size, body.getBytes(StandardCharsets.UTF_8).length);
        return body;
    }

    @Test
    void bodyWithContentLengthOverLimitIs413() {
        Resp r = c.raw("POST", V3 + "/login", loginBodyOfSize(LIMIT + 1).getBytes(StandardCharsets.UTF_8), Map.of());
        assertError(r, 413, "M_TOO_LARGE");
    }

    /**
     * A declared length over the limit is refused before the body is read: the server answers
     * while the client has sent only the first bytes of a 100 MB upload.
     */
    @Test
    void hugeDeclaredLengthIsRefusedWithoutReadingTheBody() throws Exception {
        assertRefusedEarly(small.port(), 100_000_000);
        // The shared server has the default 1 MiB limit: a 2 MiB JSON string never reaches the parser.
        assertRefusedEarly(TestServer.shared().port(), 2 << 20);
    }

    private static void assertRefusedEarly(int port, long declared) throws Exception {
        Fx.RawResp r = Fx.rawHttp(port, "POST " + V3 + "/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + declared + "\r\n\r\n{\"type\":\"" + "a".repeat(500));
        assertEquals(413, r.status(), r::toString);
        assertEquals("M_TOO_LARGE", Json.MAPPER.readTree(r.body()).path("errcode").asText(), r::toString);
    }

    @Test
    void bodyAtTheLimitIsProcessed() {
        // Exactly at the limit the body is read and the login is judged on its merits.
        assertError(c.raw("POST", V3 + "/login", loginBodyOfSize(LIMIT).getBytes(StandardCharsets.UTF_8), Map.of()),
                403, "M_FORBIDDEN");
    }

    @Test
    void chunkedBodyOverLimitIs413() throws Exception {
        byte[] body = loginBodyOfSize(4 * LIMIT).getBytes(StandardCharsets.UTF_8);
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + small.port() + V3 + "/login"))
                .version(HttpClient.Version.HTTP_1_1)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode(), r::body);
        assertEquals("M_TOO_LARGE", Json.MAPPER.readTree(r.body()).path("errcode").asText(), r::body);
    }

    @Test
    void oversizedBodyOnAuthenticatedEndpointIs413() {
        User u = c.register("big");
        String path = V3 + "/profile/" + Client.enc(u.userId()) + "/org.example.blob";
        assertError(c.as(u).put(path, Map.of("org.example.blob", "x".repeat(2 * LIMIT))), 413, "M_TOO_LARGE");
        assertOk(c.as(u).put(path, Map.of("org.example.blob", "x".repeat(100))));
    }

    @Test
    void serverStaysHealthyAfterRefusals() {
        for (int i = 0; i < 5; i++) {
            assertError(c.raw("POST", V3 + "/login", new byte[2 * LIMIT], Map.of()), 413, "M_TOO_LARGE");
        }
        assertOk(c.get("/_matrix/client/versions"));
    }
}
