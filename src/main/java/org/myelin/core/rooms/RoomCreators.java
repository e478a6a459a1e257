package org.myelin.core.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.core.events.Event;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Who created a room, which the spec has defined three ways: {@code content.creator} of the create
 * event (v1-v10), its {@code sender} (v11), and its sender plus {@code content.additional_creators}
 * (v12, where creators are also infinitely powerful). Centralised so that the first-join rule, the
 * default power levels and the v12 power levels restrictions agree on the answer.
 */
public final class RoomCreators {
    private RoomCreators() {}

    /**
     * The user allowed to join straight after the create event without any join rule, and (before
     * v12) the user with power level 100 while there is no power levels event. Only the create
     * event's sender in v12, not the additional creators. Null if a v1-v10 create event has no
     * usable {@code creator}.
     */
    public static String primary(Event create, RoomVersion version) {
        if (version.v11RedactionAndCreator()) return create.sender();
        return JsonFields.text(create.content(), "creator");
    }

    /** Every room creator; more than one only from v12. Non-string additional creators are skipped. */
    public static Set<String> all(Event create, RoomVersion version) {
        Set<String> creators = new LinkedHashSet<>();
        String primary = primary(create, version);
        if (primary != null) creators.add(primary);
        if (version.roomIdFromCreateEvent()) {
            JsonNode additional = create.content().get("additional_creators");
            if (additional != null && additional.isArray()) {
                for (JsonNode user : additional) {
                    if (user.isTextual()) creators.add(user.asText());
                }
            }
        }
        return creators;
    }
}
