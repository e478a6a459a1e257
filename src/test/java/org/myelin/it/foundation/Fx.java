package org.myelin.it.foundation;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.Myelin;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;
import org.myelin.it.Fixtures;
import org.myelin.it.TestServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fixtures for the foundation tests: the shared helpers of {@link Fixtures} under the assertion
 * names these tests use, plus login, UIA, shared-secret registration and raw-socket helpers.
 */
final class Fx extends Fixtures {
    static final String ADMIN = "/_synapse/admin/v1";

    private Fx() {}

    /** A client without a token on the shared server. */
    static Client shared() { return anon(); }

    static Client client(Myelin m) { return anon(m); }

    /** {@link #err}: status, errcode, and a human-readable "error" string. */
    static Resp assertError(Resp r, int status, String errcode) { return err(r, status, errcode); }

    /** {@link #ok}, returning the response rather than its body. */
    static Resp assertOk(Resp r) {
        ok(r);
        return r;
    }

    /** The single value of a response header (case-insensitive name), or null. */
    static String header(Resp r, String name) {
        for (var e : r.headers().entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) return e.getValue().isEmpty() ? null : e.getValue().get(0);
        }
        return null;
    }

    static Resp login(Client c, String user, String password) {
        return c.post(V3 + "/login", passwordLogin(user, password));
    }

    /** Logs in again as u (a new device) and returns the new session. */
    static User loginAgain(Client c, User u) {
        Resp r = assertOk(login(c, u.userId(), u.password()));
        return new User(r.str("user_id"), r.str("access_token"), r.str("device_id"), u.password());
    }

    static Map<String, Object> passwordAuth(User u, String password, String session) {
        Map<String, Object> a = passwordLogin(u.userId(), password);
        if (session != null) a.put("session", session);
        return a;
    }

    static String localpart(String userId) { return userId.substring(1, userId.indexOf(':')); }

    static Resp whoami(Client c, String token) { return c.as(token).get(V3 + "/account/whoami"); }

    static void assertTokenWorks(Client c, String token) { assertOk(whoami(c, token)); }

    static void assertTokenRevoked(Client c, String token) {
        Resp r = assertError(whoami(c, token), 401, "M_UNKNOWN_TOKEN");
        assertFalse(r.body().path("soft_logout").asBoolean(false), () -> "a revoked token is not a soft logout: " + r);
    }

    /** Asserts a UIA 401 body: flows with the given stages, a session, and returns the session. */
    static String assertUia(Resp r, List<List<String>> flows) {
        assertEquals(401, r.status(), () -> "expected a UIA challenge: " + r);
        JsonNode fl = r.body().path("flows");
        assertTrue(fl.isArray(), () -> "flows missing in " + r);
        assertEquals(flows.size(), fl.size(), () -> "flows in " + r);
        for (int i = 0; i < flows.size(); i++) {
            List<String> stages = new java.util.ArrayList<>();
            fl.get(i).path("stages").forEach(s -> stages.add(s.asText()));
            assertEquals(flows.get(i), stages, () -> "flows in " + r);
        }
        assertTrue(r.body().path("params").isObject(), () -> "params missing in " + r);
        String session = r.str("session");
        assertNotNull(session, () -> "session missing in " + r);
        assertFalse(session.isEmpty());
        return session;
    }

    /** Creates a user through Synapse-compatible shared-secret registration. */
    static Resp sharedSecretRegister(Client c, String username, String password, boolean admin) {
        Resp n = assertOk(c.get(ADMIN + "/register"));
        String nonce = n.str("nonce");
        return c.post(ADMIN + "/register", map("nonce", nonce, "username", username, "password", password,
                "admin", admin, "mac", mac(TestServer.SHARED_SECRET, nonce, username, password, admin, null)));
    }

    static User createUser(Client c, String prefix, boolean admin) {
        String name = Client.unique(prefix);
        String password = "pw-" + name;
        Resp r = assertOk(sharedSecretRegister(c, name, password, admin));
        return new User(r.str("user_id"), r.str("access_token"), r.str("device_id"), password);
    }

    /** HMAC-SHA1 as Synapse documents it for /_synapse/admin/v1/register, in lower-case hex. */
    static String mac(String secret, String nonce, String user, String password, boolean admin, String userType) {
        try {
            Mac m = Mac.getInstance("HmacSHA1");
            m.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            String msg = nonce + "\0" + user + "\0" + password + "\0" + (admin ? "admin" : "notadmin")
                    + (userType == null ? "" : "\0" + userType);
            return HexFormat.of().formatHex(m.doFinal(msg.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            fail(e);
            return null;
        }
    }

    /** A response read off a raw socket: for requests java.net.http refuses to send (malformed URIs). */
    record RawResp(int status, String head, String body) {
        @Override
        public String toString() { return status + " " + body; }
    }

    /**
     * Sends request bytes as they are and reads one response: up to its Content-Length, or until the
     * server closes the connection when there is none.
     */
    static RawResp rawHttp(int port, String request) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            java.io.InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') break;
            }
            String headText = head.toString(StandardCharsets.ISO_8859_1).strip();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(headText);
            byte[] body = m.find() ? in.readNBytes(Integer.parseInt(m.group(1))) : in.readAllBytes();
            String[] first = headText.split(" ", 3);
            int status = first.length > 1 ? Integer.parseInt(first[1]) : -1;
            return new RawResp(status, headText, new String(body, StandardCharsets.UTF_8));
        }
    }

    static void close(Myelin m) throws Exception {
        if (m != null) m.close();
    }
}
