package org.myelin.core.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.events.Event;
import org.myelin.core.events.StateKey;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A room's power levels: the {@code m.room.power_levels} content as this room version reads it,
 * with the spec's defaults filled in, plus the creators (who are special in two different ways
 * depending on the version).
 *
 * <p>Levels are {@code long}s. Room creators in v12 have {@link #INFINITE} power, represented by
 * {@link Long#MAX_VALUE}: every value parsed from an event is kept strictly below it (v12 events
 * cannot even express more than 2^53-1), so ordinary comparisons such as "sender's level &ge; ban
 * level" or "target's level &lt; sender's level" give the spec's answers for infinite levels too,
 * including that one creator cannot kick another.
 *
 * <p>Reading is lenient: a value that is not a power level in this room version is treated as
 * absent. Whether new content is acceptable at all is {@link #validate}'s job, because old,
 * already-accepted events must stay readable even where a newer server would reject them.
 */
public final class PowerLevels {
    /** The power level of v12 room creators. Greater than any level an event can specify. */
    public static final long INFINITE = Long.MAX_VALUE;

    /** The top-level integer properties, in the order the auth rules list them. */
    static final List<String> SCALAR_KEYS =
            List.of("users_default", "events_default", "state_default", "ban", "redact", "kick", "invite");

    private static final long CREATOR_LEVEL_WITHOUT_EVENT = 100;
    private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
    private static final Pattern INTEGER_STRING = Pattern.compile("[+-]?[0-9]+");
    private static final StateKey POWER_LEVELS_KEY = StateKey.of(EventTypes.POWER_LEVELS, "");
    private static final StateKey CREATE_KEY = StateKey.of(EventTypes.CREATE, "");

    private final RoomVersion version;
    private final boolean fromEvent;
    private final Map<String, Long> scalars;
    private final Map<String, Long> events;
    private final Map<String, Long> notifications;
    private final Map<String, Long> users;
    private final Set<String> creators;

    private PowerLevels(RoomVersion version, ObjectNode content, Set<String> creators) {
        this.version = version;
        this.fromEvent = content != null;
        this.creators = Set.copyOf(creators);
        Map<String, Long> s = new LinkedHashMap<>();
        if (content != null) {
            for (String key : SCALAR_KEYS) {
                Long level = parse(content.get(key), version);
                if (level != null) s.put(key, level);
            }
        }
        this.scalars = Collections.unmodifiableMap(s);
        this.events = levelMap(content, "events", version);
        this.notifications = levelMap(content, "notifications", version);
        this.users = levelMap(content, "users", version);
    }

    /** The power levels in force in {@code state} (which needs the create event for the creators). */
    public static PowerLevels fromState(Map<StateKey, Event> state, RoomVersion version) {
        Event create = state.get(CREATE_KEY);
        Event pl = state.get(POWER_LEVELS_KEY);
        return of(pl == null ? null : pl.content(), create == null ? Set.of() : RoomCreators.all(create, version),
                version);
    }

    /**
     * @param content  the {@code m.room.power_levels} content, or null when the room has no such event
     * @param creators the room's creators, see {@link RoomCreators#all}
     */
    public static PowerLevels of(ObjectNode content, Set<String> creators, RoomVersion version) {
        return new PowerLevels(version, content, creators);
    }

    /**
     * Why {@code content} is not an acceptable power levels event in this room version, if it is not:
     * the structural auth rules (integers only from v10, valid user IDs in {@code users}). Before v10
     * the spec admits numeric strings; a value that is neither a number nor a numeric string is
     * rejected in every version, since it cannot be compared with a user's level at all.
     */
    public static Optional<String> validate(ObjectNode content, RoomVersion version) {
        for (String key : SCALAR_KEYS) {
            JsonNode value = content.get(key);
            if (value != null && parse(value, version) == null) {
                return Optional.of("\"" + key + "\" is not " + levelDescription(version) + ": " + value);
            }
        }
        for (String map : List.of("events", "notifications", "users")) {
            JsonNode value = content.get(map);
            if (value == null) continue;
            if (!value.isObject()) return Optional.of("\"" + map + "\" is not an object");
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                if (map.equals("users") && !MatrixIds.isValidUserId(entry.getKey())) {
                    return Optional.of("\"users\" has an invalid user ID: " + entry.getKey());
                }
                if (parse(entry.getValue(), version) == null) {
                    return Optional.of("\"" + map + "\"." + entry.getKey() + " is not " + levelDescription(version)
                            + ": " + entry.getValue());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A user's power level: {@link #INFINITE} for v12 creators; before v12, 100 for the creator while
     * the room has no power levels event; otherwise {@code users[userId]} or {@code users_default}.
     */
    public long userLevel(String userId) {
        if (creators.contains(userId)) {
            if (version.roomIdFromCreateEvent()) return INFINITE;
            if (!fromEvent) return CREATOR_LEVEL_WITHOUT_EVENT;
        }
        Long level = users.get(userId);
        return level != null ? level : usersDefault();
    }

    /** The "required power level" to send an event of this type: {@code events[type]} or the state/message default. */
    public long eventLevel(String type, boolean isState) {
        Long level = events.get(type);
        if (level != null) return level;
        return isState ? stateDefault() : eventsDefault();
    }

    public long ban() { return scalar("ban", 50); }

    public long kick() { return scalar("kick", 50); }

    public long invite() { return scalar("invite", 0); }

    /** The level needed to redact other users' events; one's own need no level beyond sending the redaction. */
    public long redact() { return scalar("redact", 50); }

    /**
     * 50 whether or not the room has a power levels event (older spec text said 0 without one; the
     * spec dropped that in v1.7 as no server behaved that way).
     */
    public long stateDefault() { return scalar("state_default", 50); }

    public long eventsDefault() { return scalar("events_default", 0); }

    public long usersDefault() { return scalar("users_default", 0); }

    /**
     * The level needed to trigger a notification of this kind (e.g. {@code room} for @room). Only
     * {@code room} has a spec default (50); other unset keys are empty so that the push rule
     * evaluator can treat them as unsatisfiable.
     */
    public OptionalLong notificationLevel(String key) {
        Long level = notifications.get(key);
        if (level != null) return OptionalLong.of(level);
        return key.equals("room") ? OptionalLong.of(50) : OptionalLong.empty();
    }

    /** A top-level property's value as written in the event, if present and readable; no default applied. */
    public OptionalLong explicit(String key) {
        Long level = scalars.get(key);
        return level == null ? OptionalLong.empty() : OptionalLong.of(level);
    }

    /** The {@code events} map as written (readable entries only). */
    public Map<String, Long> events() { return events; }

    /** The {@code notifications} map as written (readable entries only). */
    public Map<String, Long> notifications() { return notifications; }

    /** The {@code users} map as written (readable entries only); creators' implicit levels are not in it. */
    public Map<String, Long> users() { return users; }

    private long scalar(String key, long defaultLevel) {
        Long level = scalars.get(key);
        return level != null ? level : defaultLevel;
    }

    private static Map<String, Long> levelMap(ObjectNode content, String field, RoomVersion version) {
        JsonNode node = content == null ? null : content.get(field);
        if (node == null || !node.isObject()) return Map.of();
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            Long level = parse(entry.getValue(), version);
            if (level != null) out.put(entry.getKey(), level);
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * One power level value as this room version reads it, or null if it is not one. Integers always;
     * numeric strings (" +050 " is 50) before v10; floats, truncated towards zero, only where
     * canonical JSON is not enforced (v1-v5), since later versions reject such events outright. Large
     * values are clamped below {@link #INFINITE}, which keeps that sentinel unambiguous.
     */
    static Long parse(JsonNode value, RoomVersion version) {
        if (value == null) return null;
        if (value.isIntegralNumber()) {
            BigInteger n = value.bigIntegerValue();
            if (version.strictCanonicalJson() && n.abs().compareTo(BigInteger.valueOf(MAX_SAFE_INTEGER)) > 0) {
                return null;
            }
            return clamp(n);
        }
        if (value.isFloatingPointNumber()) {
            double d = value.doubleValue();
            if (version.strictCanonicalJson() || !Double.isFinite(d)) return null;
            return clamp(new BigDecimal(d).toBigInteger());
        }
        if (value.isTextual() && !version.integerPowerLevels()) {
            String s = value.asText().strip();
            return INTEGER_STRING.matcher(s).matches() ? clamp(new BigInteger(s)) : null;
        }
        return null;
    }

    private static long clamp(BigInteger n) {
        if (n.compareTo(BigInteger.valueOf(INFINITE - 1)) > 0) return INFINITE - 1;
        if (n.compareTo(BigInteger.valueOf(Long.MIN_VALUE)) < 0) return Long.MIN_VALUE;
        return n.longValue();
    }

    private static String levelDescription(RoomVersion version) {
        return version.integerPowerLevels() ? "an integer" : "an integer or a string holding one";
    }
}
