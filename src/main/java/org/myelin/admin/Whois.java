package org.myelin.admin;

import org.myelin.storage.AccountStore;
import org.myelin.storage.AccountStore.DeviceRow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whois answer of the Server Administration module: a user's devices, each with one session
 * (a device has one access token at a time) whose connection is the device's last-seen IP, time and
 * user agent. Myelin records only the latest connection per device (updated at most once a minute
 * by the token service), so a session lists one connection, or none before the first request.
 */
public final class Whois {
    private final AccountStore store;

    public Whois(AccountStore store) { this.store = store; }

    public Map<String, Object> of(String userId) {
        Map<String, Object> devices = new LinkedHashMap<>();
        for (DeviceRow d : store.devices(userId)) {
            List<Object> connections = new ArrayList<>();
            if (d.lastSeenTs() != null) {
                Map<String, Object> c = new LinkedHashMap<>();
                if (d.lastSeenIp() != null) c.put("ip", d.lastSeenIp());
                c.put("last_seen", d.lastSeenTs());
                if (d.lastSeenUserAgent() != null) c.put("user_agent", d.lastSeenUserAgent());
                connections.add(c);
            }
            devices.put(d.deviceId(), Map.of("sessions", List.of(Map.of("connections", connections))));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user_id", userId);
        out.put("devices", devices);
        return out;
    }
}
