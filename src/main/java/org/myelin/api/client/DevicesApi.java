package org.myelin.api.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.api.Routes;
import org.myelin.devices.Devices;
import org.myelin.http.Access;
import org.myelin.http.Body;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.http.Req;
import org.myelin.storage.AccountStore.DeviceRow;
import org.myelin.users.UserInteractiveAuth;

import java.util.List;
import java.util.Map;

/**
 * Device management: GET /devices, GET/PUT/DELETE /devices/{deviceId}, POST /delete_devices.
 * Deleting needs user-interactive auth with the account password; guests may list and rename
 * their devices (the guest access module's allow-list) but not delete them.
 */
public final class DevicesApi {
    private static final List<List<String>> DELETE_FLOWS = List.of(List.of(UserInteractiveAuth.PASSWORD));

    private final Devices devices;
    private final UserInteractiveAuth uia;

    public DevicesApi(Devices devices, UserInteractiveAuth uia) {
        this.devices = devices;
        this.uia = uia;
    }

    public void register(Routes routes) {
        routes.client("GET", "/devices", Access.GUEST_OK, req -> {
            ObjectNode o = Json.object();
            var arr = o.putArray("devices");
            for (DeviceRow d : devices.list(req.userId())) arr.add(render(d));
            return o;
        });
        routes.client("GET", "/devices/{deviceId}", Access.GUEST_OK, req ->
                render(devices.get(req.userId(), req.param("deviceId")).orElseThrow(DevicesApi::noSuchDevice)));
        routes.client("PUT", "/devices/{deviceId}", Access.GUEST_OK, req -> {
            String deviceId = req.param("deviceId");
            Body body = req.json();
            String name = body.optText("display_name");
            if (name != null && name.codePointCount(0, name.length()) > Devices.MAX_DISPLAY_NAME_CHARS) {
                throw MatrixException.invalidParam("'display_name' is longer than " + Devices.MAX_DISPLAY_NAME_CHARS + " characters");
            }
            if (devices.get(req.userId(), deviceId).isEmpty()) throw noSuchDevice();
            if (name != null && !devices.rename(req.userId(), deviceId, name)) throw noSuchDevice();
            return Json.object();
        });
        routes.client("DELETE", "/devices/{deviceId}", Access.USER, req -> {
            String deviceId = req.param("deviceId");
            // Deleting a device that does not exist (any more) succeeds without asking for a password.
            if (devices.get(req.userId(), deviceId).isEmpty()) return Json.object();
            authorise(req);
            devices.delete(req.userId(), List.of(deviceId));
            return Json.object();
        });
        routes.client("POST", "/delete_devices", Access.USER, req -> {
            List<String> ids = req.json().optStringList("devices");
            if (ids == null) throw MatrixException.missingParam("Missing array field 'devices'");
            authorise(req);
            devices.delete(req.userId(), ids);
            return Json.object();
        });
    }

    private void authorise(Req req) {
        uia.require(req, DELETE_FLOWS, Map.of(), req.userId());
    }

    private static MatrixException noSuchDevice() { return MatrixException.notFound("No such device"); }

    private static ObjectNode render(DeviceRow d) {
        ObjectNode o = Json.object();
        o.put("device_id", d.deviceId());
        if (d.displayName() != null) o.put("display_name", d.displayName());
        if (d.lastSeenIp() != null) o.put("last_seen_ip", d.lastSeenIp());
        if (d.lastSeenTs() != null) o.put("last_seen_ts", d.lastSeenTs());
        return o;
    }
}
