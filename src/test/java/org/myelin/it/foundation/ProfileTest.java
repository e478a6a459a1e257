package org.myelin.it.foundation;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Client.User;
import org.myelin.it.TestServer;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.foundation.Fx.V3;
import static org.myelin.it.foundation.Fx.assertError;
import static org.myelin.it.foundation.Fx.assertOk;
import static org.myelin.it.foundation.Fx.map;

/** GET /profile/{userId}, GET/PUT/DELETE /profile/{userId}/{keyName}, including extended fields. */
class ProfileTest {
    private static final Client c = Fx.shared();
    private static User carol;
    private static User dave;

    @BeforeAll
    static void users() {
        carol = c.register("profile");
        dave = c.register("other");
    }

    private static String path(User u) { return V3 + "/profile/" + Client.enc(u.userId()); }

    private static String path(User u, String key) { return path(u) + "/" + Client.enc(key); }

    @Test
    void newUserHasLocalpartAsDisplayname() {
        Resp r = assertOk(c.get(path(dave)));
        assertEquals(Fx.localpart(dave.userId()), r.str("displayname"), r::toString);
        assertNull(r.body().get("avatar_url"), r::toString);
    }

    @Test
    void setAndReadDisplaynameAndAvatar() {
        User u = c.register("prof");
        assertOk(c.as(u).put(path(u, "displayname"), map("displayname", "Zoë \uD83D\uDE00")));
        assertOk(c.as(u).put(path(u, "avatar_url"), map("avatar_url", "mxc://example.org/abc123")));
        Resp all = assertOk(c.get(path(u)));
        assertEquals("Zoë \uD83D\uDE00", all.str("displayname"));
        assertEquals("mxc://example.org/abc123", all.str("avatar_url"));
        assertEquals("Zoë \uD83D\uDE00", assertOk(c.get(path(u, "displayname"))).str("displayname"));
        assertEquals("mxc://example.org/abc123", assertOk(c.as(dave).get(path(u, "avatar_url"))).str("avatar_url"));
        // The legacy prefix reads the same data.
        assertEquals("Zoë \uD83D\uDE00", assertOk(c.get("/_matrix/client/r0/profile/" + Client.enc(u.userId()) + "/displayname"))
                .str("displayname"));
    }

    @Test
    void cannotChangeSomeoneElsesProfile() {
        assertError(c.as(dave).put(path(carol, "displayname"), map("displayname", "hacked")), 403, "M_FORBIDDEN");
        assertError(c.as(dave).put(path(carol, "avatar_url"), map("avatar_url", "mxc://evil/x")), 403, "M_FORBIDDEN");
        assertError(c.as(dave).put(path(carol, "m.tz"), map("m.tz", "UTC")), 403, "M_FORBIDDEN");
        assertError(c.as(dave).delete(path(carol, "displayname")), 403, "M_FORBIDDEN");
        assertEquals(Fx.localpart(carol.userId()), assertOk(c.get(path(carol))).str("displayname"));
    }

    @Test
    void writingNeedsAToken() {
        assertError(c.put(path(carol, "displayname"), map("displayname", "x")), 401, "M_MISSING_TOKEN");
        assertError(c.delete(path(carol, "m.tz")), 401, "M_MISSING_TOKEN");
    }

    @Test
    void unknownUserIs404() {
        String ghost = "@nobody-" + System.nanoTime() + ":" + TestServer.SERVER_NAME;
        assertError(c.get(V3 + "/profile/" + Client.enc(ghost)), 404, "M_NOT_FOUND");
        assertError(c.get(V3 + "/profile/" + Client.enc(ghost) + "/displayname"), 404, "M_NOT_FOUND");
        assertError(c.get(V3 + "/profile/" + Client.enc("@someone:elsewhere.example")), 404, "M_NOT_FOUND");
    }

    @Test
    void invalidUserIdIs400() {
        assertError(c.get(V3 + "/profile/not-a-user-id"), 400, "M_INVALID_PARAM");
        assertError(c.as(carol).put(V3 + "/profile/not-a-user-id/displayname", map("displayname", "x")), 400, "M_INVALID_PARAM");
    }

    @Test
    void unsetFieldIs404() {
        User u = c.register("unset");
        assertError(c.get(path(u, "avatar_url")), 404, "M_NOT_FOUND");
        assertError(c.get(path(u, "m.tz")), 404, "M_NOT_FOUND");
    }

    @Test
    void displaynameValidation() {
        assertError(c.as(carol).put(path(carol, "displayname"), map("displayname", 42)), 400, "M_BAD_JSON");
        assertError(c.as(carol).put(path(carol, "displayname"), map("displayname", List.of("a"))), 400, "M_BAD_JSON");
        assertError(c.as(carol).put(path(carol, "displayname"), map("displayname", "x".repeat(257))), 400, "M_BAD_JSON");
        assertError(c.as(carol).put(path(carol, "displayname"), map("other", "x")), 400, "M_MISSING_PARAM");
        assertError(c.as(carol).put(path(carol, "avatar_url"), map("avatar_url", 7)), 400, "M_BAD_JSON");
        assertError(c.as(carol).put(path(carol, "avatar_url"), map("avatar_url", "https://example.org/a.png")), 400, "M_BAD_JSON");
        assertError(c.as(carol).raw("PUT", path(carol, "displayname"), "{bad".getBytes(), Map.of()), 400, "M_NOT_JSON");
    }

    @Test
    void extendedProfileFields() {
        User u = c.register("ext");
        assertOk(c.as(u).put(path(u, "m.tz"), map("m.tz", "Europe/Paris")));
        assertOk(c.as(u).put(path(u, "org.example.pet"), map("org.example.pet", map("kind", "cat", "legs", 4))));
        Resp all = assertOk(c.get(path(u)));
        assertEquals("Europe/Paris", all.str("m.tz"), all::toString);
        assertEquals("cat", all.body().path("org.example.pet").path("kind").asText(), all::toString);
        assertEquals(4, all.body().path("org.example.pet").path("legs").asInt(), all::toString);
        assertEquals(Fx.localpart(u.userId()), all.str("displayname"));

        Resp one = assertOk(c.get(path(u, "org.example.pet")));
        assertEquals(1, one.body().size(), one::toString);
        assertEquals("cat", one.body().path("org.example.pet").path("kind").asText());

        // Overwrite, then delete.
        assertOk(c.as(u).put(path(u, "org.example.pet"), map("org.example.pet", "dog")));
        assertEquals("dog", assertOk(c.get(path(u, "org.example.pet"))).str("org.example.pet"));
        assertOk(c.as(u).delete(path(u, "org.example.pet")));
        assertError(c.get(path(u, "org.example.pet")), 404, "M_NOT_FOUND");
        assertOk(c.as(u).delete(path(u, "m.tz")));
        Resp after = assertOk(c.get(path(u)));
        assertNull(after.body().get("m.tz"), after::toString);
        assertNull(after.body().get("org.example.pet"), after::toString);
        // Deleting what is not there is fine, and displayname can be deleted too.
        assertOk(c.as(u).delete(path(u, "org.example.never")));
        assertOk(c.as(u).delete(path(u, "displayname")));
        assertError(c.get(path(u, "displayname")), 404, "M_NOT_FOUND");
    }

    @Test
    void tzMustBeAString() {
        assertError(c.as(carol).put(path(carol, "m.tz"), map("m.tz", 5)), 400, "M_BAD_JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nodots", "Upper.Case", "m.custom!", "org..example", ".org.example", "org.example.", "1org.example",
            "org.ex ample"})
    void invalidKeyIs400(String key) {
        assertError(c.as(carol).put(path(carol, key), map(key, "v")), 400, "M_INVALID_PARAM");
        assertError(c.as(carol).delete(path(carol, key)), 400, "M_INVALID_PARAM");
    }

    @Test
    void overlongKeyIs400KeyTooLarge() {
        String key = "org.example." + "k".repeat(250);
        assertError(c.as(carol).put(path(carol, key), map(key, "v")), 400, "M_KEY_TOO_LARGE");
    }

    @Test
    void profileOver64KiBIsRefused() {
        User u = c.register("big");
        assertOk(c.as(u).put(path(u, "org.example.a"), map("org.example.a", "a".repeat(40_000))));
        Resp r = c.as(u).put(path(u, "org.example.b"), map("org.example.b", "b".repeat(40_000)));
        assertError(r, 400, "M_PROFILE_TOO_LARGE");
        assertError(c.get(path(u, "org.example.b")), 404, "M_NOT_FOUND");
        assertTrue(assertOk(c.get(path(u))).str("org.example.a").length() == 40_000);
    }

    @Test
    void guestsMayReadAndSetTheirOwnProfile() {
        Resp g = assertOk(c.post(V3 + "/register?kind=guest", map()));
        Client guest = c.as(g.str("access_token"));
        String p = V3 + "/profile/" + Client.enc(g.str("user_id"));
        assertOk(guest.put(p + "/displayname", map("displayname", "Guest")));
        assertEquals("Guest", assertOk(guest.get(p)).str("displayname"));
        assertOk(guest.get(path(carol)));
    }
}
