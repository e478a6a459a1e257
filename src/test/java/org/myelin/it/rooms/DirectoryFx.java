package org.myelin.it.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.it.Client;
import org.myelin.it.Client.Resp;
import org.myelin.it.Fixtures;

/**
 * Fixtures for the directory, upgrade, reporting and timestamp tests: the shared helpers of
 * {@link Fixtures}, plus alias paths and state lookups that tolerate absence.
 */
final class DirectoryFx extends Fixtures {
    private DirectoryFx() {}

    static String alias(String alias) { return V3 + "/directory/room/" + enc(alias); }

    static String newAlias(String prefix) { return "#" + Client.unique(prefix) + ":" + serverName(); }

    /** The current content of a state event, or null when absent (404). */
    static JsonNode stateContent(U u, String roomId, String type, String stateKey) {
        Resp r = u.get(state(roomId, type, stateKey));
        if (r.status() == 404) return null;
        return ok(r);
    }
}
