package org.myelin.api.client;

import org.myelin.api.Routes;
import org.myelin.http.Access;
import org.myelin.http.Body;
import org.myelin.http.MatrixException;
import org.myelin.http.RateLimiter;
import org.myelin.rooms.RoomUpgrader;

import java.util.List;
import java.util.Map;

/** POST /rooms/{roomId}/upgrade (spec module "Room Upgrades"). */
public final class RoomUpgradeApi {
    private final RoomUpgrader upgrader;

    public RoomUpgradeApi(RoomUpgrader upgrader) { this.upgrader = upgrader; }

    public void register(Routes r) {
        r.client("POST", "/rooms/{roomId}/upgrade", Access.USER, RateLimiter.MESSAGE, req -> {
            String roomId = req.param("roomId");
            if (!roomId.startsWith("!")) throw MatrixException.invalidParam("Invalid room ID " + roomId);
            Body b = req.json();
            String version = b.requireString("new_version");
            List<String> additional = b.optStringList("additional_creators");
            if (additional != null) RoomUpgrader.checkUserIds(additional);
            return Map.of("replacement_room", upgrader.upgrade(req.userId(), roomId, version, additional));
        });
    }
}
