package org.myelin.core.rooms;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The behaviour switches that distinguish one room version from another. Everything that differs
 * between versions is a flag here, so that algorithms (event IDs, redaction, auth rules) branch on
 * a named property instead of comparing version strings.
 */
public record RoomVersion(
        String id,
        boolean stable,
        EventIdFormat eventIdFormat,
        StateResolution stateResolution,
        /** v1-v5: m.room.aliases has its own auth rule keyed on the sender's server. */
        boolean specialCaseAliasesAuth,
        /** v5+: signing keys must be valid at origin_server_ts. */
        boolean enforceKeyValidity,
        /** v6+: integers outside [-(2^53)+1, 2^53-1] are invalid, floats are invalid. */
        boolean strictCanonicalJson,
        /** v6+: the "notifications" power level key is enforced. */
        boolean limitNotificationsPowerLevels,
        /** v7+: the "knock" join rule and membership exist. */
        boolean knockJoinRule,
        /** v8+: the "restricted" join rule exists. */
        boolean restrictedJoinRule,
        /** v9+: join_authorised_via_users_server survives redaction. */
        boolean restrictedJoinRedactionFix,
        /** v10+: the "knock_restricted" join rule exists. */
        boolean knockRestrictedJoinRule,
        /** v10+: power level values must be JSON integers, not strings. */
        boolean integerPowerLevels,
        /** v11+: redaction algorithm updates and the creator is the create event's sender. */
        boolean v11RedactionAndCreator,
        /** v12+: room ID is derived from the create event's ID; creators have infinite power. */
        boolean roomIdFromCreateEvent) {

    public enum EventIdFormat { V1_LOCAL, V3_BASE64, V4_URL_SAFE }

    public enum StateResolution { V1, V2, V2_1 }

    private static final Map<String, RoomVersion> KNOWN = new LinkedHashMap<>();

    static {
        //        id    stable idFmt                        stateRes                 alias  keyVal strictJ notifPL knock restr rFix  kRestr intPL  v11   v12
        register("1",  true, EventIdFormat.V1_LOCAL,     StateResolution.V1,     true,  false, false, false, false, false, false, false, false, false, false);
        register("2",  true, EventIdFormat.V1_LOCAL,     StateResolution.V2,     true,  false, false, false, false, false, false, false, false, false, false);
        register("3",  true, EventIdFormat.V3_BASE64,    StateResolution.V2,     true,  false, false, false, false, false, false, false, false, false, false);
        register("4",  true, EventIdFormat.V4_URL_SAFE,  StateResolution.V2,     true,  false, false, false, false, false, false, false, false, false, false);
        register("5",  true, EventIdFormat.V4_URL_SAFE,  StateResolution.V2,     true,  true,  false, false, false, false, false, false, false, false, false);
        register("6",  true, EventIdFormat.V4_URL_SAFE,  StateResolution.V2,     false, true,  true,  true,  false, false, false, false, false, false, false);
        register("7",  true, EventIdFormat.V4_URL_SAFE,  StateResolution.V2,     false, true,  true,  true,  true,  false, false, false, false, false, false);
        register("8",  true, EventIdFormat.V4_URL_SAFE,  StateResolution.V2,     false, true,  true,  true,  true,  true,  false, false, false, false, false);
        register("9",  true, EventIdFormat.V4_URL_SAFE,  StateResolution.V2,     false, true,  true,  true,  true,  true,  true,  false, false, false, false);
        register("10", true, EventIdFormat.V4_URL_SAFE,  StateResolution.V2,     false, true,  true,  true,  true,  true,  true,  true,  true,  false, false);
        register("11", true, EventIdFormat.V4_URL_SAFE,  StateResolution.V2,     false, true,  true,  true,  true,  true,  true,  true,  true,  true,  false);
        register("12", true, EventIdFormat.V4_URL_SAFE,  StateResolution.V2_1,   false, true,  true,  true,  true,  true,  true,  true,  true,  true,  true);
    }

    private static void register(String id, boolean stable, EventIdFormat f, StateResolution sr, boolean a, boolean b,
                                 boolean c, boolean d, boolean e, boolean g, boolean h, boolean i, boolean j, boolean k,
                                 boolean l) {
        KNOWN.put(id, new RoomVersion(id, stable, f, sr, a, b, c, d, e, g, h, i, j, k, l));
    }

    public static final String DEFAULT = "12";

    public static Optional<RoomVersion> of(String id) {
        return Optional.ofNullable(KNOWN.get(id));
    }

    public static RoomVersion require(String id) {
        RoomVersion v = KNOWN.get(id);
        if (v == null) throw new IllegalArgumentException("unknown room version " + id);
        return v;
    }

    public static Iterable<RoomVersion> all() {
        return KNOWN.values();
    }
}
