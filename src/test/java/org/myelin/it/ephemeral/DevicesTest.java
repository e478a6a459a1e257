package org.myelin.it.ephemeral;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.myelin.it.Client.Resp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.it.ephemeral.EphemeralFx.*;

/** GET /devices, GET/PUT/DELETE /devices/{deviceId}, POST /delete_devices. */
class DevicesTest {

    private static String device(String id) { return V3 + "/devices/" + enc(id); }

    private static List<String> deviceIds(U u) {
        List<String> ids = new ArrayList<>();
        ok(u.get(V3 + "/devices")).path("devices").forEach(d -> ids.add(d.path("device_id").asText()));
        return ids;
    }

    private static Map<String, Object> password(U u, String session) {
        return map("type", "m.login.password", "identifier", map("type", "m.id.user", "user", u.id()),
                "password", u.user().password(), "session", session);
    }

    @Test
    void listAndGetDevices() {
        U alice = user("dva");
        U phone = login(alice, "PHONE", "Alice's phone");
        JsonNode list = ok(alice.get(V3 + "/devices"));
        assertEquals(2, list.path("devices").size(), list::toString);
        JsonNode d = ok(alice.get(device("PHONE")));
        assertEquals("PHONE", d.path("device_id").asText());
        assertEquals("Alice's phone", d.path("display_name").asText());
        // Seen when it logged in and made requests.
        ok(phone.get(V3 + "/account/whoami"));
        d = ok(alice.get(device("PHONE")));
        assertEquals("127.0.0.1", d.path("last_seen_ip").asText(), d::toString);
        assertTrue(d.path("last_seen_ts").asLong() > System.currentTimeMillis() - 600_000, d::toString);
        assertTrue(deviceIds(alice).containsAll(List.of(alice.device(), "PHONE")));

        err(alice.get(device("NOSUCH")), 404, "M_NOT_FOUND");
        // Another user's device is not yours to see.
        U bob = user("dvb");
        err(bob.get(device("PHONE")), 404, "M_NOT_FOUND");
        err(bob.get(device(alice.device())), 404, "M_NOT_FOUND");
    }

    @Test
    void renameADevice() {
        U alice = user("dvr");
        ok(alice.put(device(alice.device()), map("display_name", "Work laptop")));
        assertEquals("Work laptop", ok(alice.get(device(alice.device()))).path("display_name").asText());
        // No display_name: unchanged.
        ok(alice.put(device(alice.device()), map()));
        assertEquals("Work laptop", ok(alice.get(device(alice.device()))).path("display_name").asText());
        err(alice.put(device("NOSUCH"), map("display_name", "x")), 404, "M_NOT_FOUND");
        err(alice.put(device(alice.device()), map("display_name", 7)), 400, "M_BAD_JSON");
        err(alice.put(device(alice.device()), map("display_name", "x".repeat(300))), 400, "M_INVALID_PARAM");
        U bob = user("dvrb");
        err(bob.put(device(alice.device()), map("display_name", "mine now")), 404, "M_NOT_FOUND");
        assertEquals("Work laptop", ok(alice.get(device(alice.device()))).path("display_name").asText());
    }

    @Test
    void deletingADeviceNeedsThePasswordAndRevokesItsToken() {
        U alice = user("dvd");
        U phone = login(alice, "PHONE", null);
        ok(phone.get(V3 + "/account/whoami"));

        // No auth: 401 with the password flow and a session.
        Resp r = alice.delete(device("PHONE"), map());
        assertEquals(401, r.status(), r::toString);
        String session = r.body().path("session").asText();
        assertFalse(session.isEmpty(), r::toString);
        assertEquals("m.login.password", r.body().path("flows").path(0).path("stages").path(0).asText(), r::toString);
        // Wrong password: 401 again, with M_FORBIDDEN.
        Map<String, Object> wrong = password(alice, session);
        wrong.put("password", "not it");
        r = alice.delete(device("PHONE"), map("auth", wrong));
        assertEquals(401, r.status(), r::toString);
        assertEquals("M_FORBIDDEN", r.errcode(), r::toString);
        assertTrue(deviceIds(alice).contains("PHONE"));
        // Someone else's password does not do it either.
        U bob = user("dvdb");
        Resp other = alice.delete(device("PHONE"), map("auth", password(bob, session)));
        assertEquals(401, other.status(), other::toString);
        assertTrue(deviceIds(alice).contains("PHONE"));

        ok(alice.delete(device("PHONE"), map("auth", password(alice, session))));
        assertFalse(deviceIds(alice).contains("PHONE"));
        err(phone.get(V3 + "/account/whoami"), 401, "M_UNKNOWN_TOKEN");
        // The deleting device itself still works.
        ok(alice.get(V3 + "/account/whoami"));
        // Deleting it again (or any unknown device) succeeds without auth.
        ok(alice.delete(device("PHONE"), map()));
        ok(alice.delete(device("NEVER-EXISTED"), null));
    }

    @Test
    void deleteDevicesInBulk() {
        U alice = user("dvbulk");
        U a = login(alice, "A", null);
        U b = login(alice, "B", null);
        U c = login(alice, "C", null);
        err(alice.post(V3 + "/delete_devices", map()), 400, "M_MISSING_PARAM");
        err(alice.post(V3 + "/delete_devices", map("devices", "A")), 400, "M_BAD_JSON");
        Resp r = alice.post(V3 + "/delete_devices", map("devices", List.of("A", "B", "UNKNOWN")));
        assertEquals(401, r.status(), r::toString);
        String session = r.body().path("session").asText();
        ok(alice.post(V3 + "/delete_devices", map("devices", List.of("A", "B", "UNKNOWN"), "auth", password(alice, session))));
        List<String> left = deviceIds(alice);
        assertFalse(left.contains("A"));
        assertFalse(left.contains("B"));
        assertTrue(left.contains("C"));
        err(a.get(V3 + "/account/whoami"), 401, "M_UNKNOWN_TOKEN");
        err(b.get(V3 + "/account/whoami"), 401, "M_UNKNOWN_TOKEN");
        ok(c.get(V3 + "/account/whoami"));
    }

    @Test
    void aUiaSessionCannotBeReusedForAnotherDevice() {
        U alice = user("dvsess");
        login(alice, "X", null);
        login(alice, "Y", null);
        Resp r = alice.delete(device("X"), map());
        String session = r.body().path("session").asText();
        // The session was started to delete X: it does not authorise deleting Y.
        err(alice.delete(device("Y"), map("auth", password(alice, session))), 403, "M_FORBIDDEN");
        assertTrue(deviceIds(alice).contains("Y"));
    }

    @Test
    void deletingADeviceDropsItsToDeviceQueue() {
        U alice = user("dvtd");
        U bob = user("dvtdb");
        login(alice, "TABLET", null);
        ok(bob.put(V3 + "/sendToDevice/m.x/" + txn(), map("messages", map(alice.id(), map("TABLET", map("n", "1"))))));
        Resp r = alice.delete(device("TABLET"), map());
        ok(alice.delete(device("TABLET"), map("auth", password(alice, r.body().path("session").asText()))));
        U tablet = login(alice, "TABLET", null);
        assertEquals(List.of(), toDevice(sync(tablet, null, 0)));
    }

    @Test
    void guestsMayListAndRenameButNotDelete() {
        U guest = guest();
        JsonNode list = ok(guest.get(V3 + "/devices"));
        assertEquals(1, list.path("devices").size(), list::toString);
        ok(guest.get(device(guest.device())));
        ok(guest.put(device(guest.device()), map("display_name", "guest browser")));
        assertEquals("guest browser", ok(guest.get(device(guest.device()))).path("display_name").asText());
        err(guest.delete(device(guest.device()), map()), 403, "M_GUEST_ACCESS_FORBIDDEN");
        err(guest.post(V3 + "/delete_devices", map("devices", List.of(guest.device()))), 403, "M_GUEST_ACCESS_FORBIDDEN");
    }
}
