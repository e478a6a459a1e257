package org.myelin.api.client;

import org.myelin.api.Routes;
import org.myelin.config.Config;
import org.myelin.core.rooms.RoomVersion;
import org.myelin.http.Access;
import org.myelin.http.RateLimiter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /versions, /.well-known/matrix/client and /capabilities. */
public final class DiscoveryApi {
    /** Spec versions whose required endpoints Myelin serves; grows as modules land. */
    static final List<String> VERSIONS = List.of("r0.6.1", "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6");

    private DiscoveryApi() {}

    public static void register(Routes routes, Config config) {
        routes.add("GET", "/_matrix/client/versions", Access.PUBLIC, RateLimiter.GENERAL, 0,
                req -> Map.of("versions", VERSIONS, "unstable_features", Map.of()));
        routes.add("GET", "/.well-known/matrix/client", Access.PUBLIC, RateLimiter.GENERAL, 0,
                req -> Map.of("m.homeserver", Map.of("base_url", config.publicBaseUrl())));
        routes.client("GET", "/capabilities", Access.GUEST_OK, req -> Map.of("capabilities", capabilities()));
    }

    static Map<String, Object> capabilities() {
        Map<String, Object> versions = new LinkedHashMap<>();
        for (RoomVersion v : RoomVersion.all()) versions.put(v.id(), v.stable() ? "stable" : "unstable");
        Map<String, Object> caps = new LinkedHashMap<>();
        caps.put("m.change_password", Map.of("enabled", true));
        caps.put("m.room_versions", Map.of("default", RoomVersion.DEFAULT, "available", versions));
        caps.put("m.set_displayname", Map.of("enabled", true));
        caps.put("m.set_avatar_url", Map.of("enabled", true));
        caps.put("m.3pid_changes", Map.of("enabled", false));
        caps.put("m.get_login_token", Map.of("enabled", false));
        caps.put("m.profile_fields", Map.of("enabled", true));
        return caps;
    }
}
