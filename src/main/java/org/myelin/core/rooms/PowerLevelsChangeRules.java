package org.myelin.core.rooms;

import org.myelin.core.events.Event;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The {@code m.room.power_levels} branch of the auth rules: nobody may grant more power than they
 * have, nor touch a level that is already above theirs, nor (for users) one equal to theirs. Values
 * are compared as parsed levels, so rewriting {@code "50"} as {@code 50} is not a change. A property
 * only present on one side is compared on that side alone: the spec checks "the current value" and
 * "the new value", not the defaults a missing property stands for.
 */
final class PowerLevelsChangeRules {
    private PowerLevelsChangeRules() {}

    static void check(Event event, AuthState state) {
        RoomVersion version = state.version();
        PowerLevels.validate(event.content(), version).ifPresent(problem -> {
            throw new AuthFailure("m.room.power_levels: " + problem);
        });
        Set<String> creators = state.creators();
        PowerLevels proposed = PowerLevels.of(event.content(), creators, version);
        if (version.roomIdFromCreateEvent()) {
            for (String creator : creators) {
                if (proposed.users().containsKey(creator)) {
                    throw new AuthFailure("m.room.power_levels: creator " + creator + " may not be listed in users");
                }
            }
        }
        if (state.powerLevelsEvent() == null) return;

        PowerLevels current = state.powerLevels();
        String sender = event.sender();
        long senderLevel = current.userLevel(sender);
        for (String key : PowerLevels.SCALAR_KEYS) {
            OptionalLong before = current.explicit(key);
            OptionalLong after = proposed.explicit(key);
            if (before.equals(after)) continue;
            if (before.isPresent() && before.getAsLong() > senderLevel) {
                throw new AuthFailure("m.room.power_levels: cannot change \"" + key + "\" from " + before.getAsLong()
                        + ", above the sender's level " + senderLevel);
            }
            if (after.isPresent() && after.getAsLong() > senderLevel) {
                throw new AuthFailure("m.room.power_levels: cannot set \"" + key + "\" to " + after.getAsLong()
                        + ", above the sender's level " + senderLevel);
            }
        }
        checkMap("events", current.events(), proposed.events(), senderLevel);
        if (version.limitNotificationsPowerLevels()) {
            checkMap("notifications", current.notifications(), proposed.notifications(), senderLevel);
        }
        checkUsers(sender, current.users(), proposed.users(), senderLevel);
    }

    private static void checkMap(String name, Map<String, Long> before, Map<String, Long> after, long senderLevel) {
        for (String key : union(before, after)) {
            Long old = before.get(key);
            Long now = after.get(key);
            if (Objects.equals(old, now)) continue;
            if (old != null && old > senderLevel) {
                throw new AuthFailure("m.room.power_levels: cannot change " + name + "." + key + " from " + old
                        + ", above the sender's level " + senderLevel);
            }
            if (now != null && now > senderLevel) {
                throw new AuthFailure("m.room.power_levels: cannot set " + name + "." + key + " to " + now
                        + ", above the sender's level " + senderLevel);
            }
        }
    }

    /** Like {@link #checkMap}, but a user's current level must be strictly below the sender's, unless it is the sender's own. */
    private static void checkUsers(String sender, Map<String, Long> before, Map<String, Long> after, long senderLevel) {
        for (String user : union(before, after)) {
            Long old = before.get(user);
            Long now = after.get(user);
            if (Objects.equals(old, now)) continue;
            if (old != null && !user.equals(sender) && old >= senderLevel) {
                throw new AuthFailure("m.room.power_levels: cannot change the level of " + user + " (" + old
                        + "), not below the sender's level " + senderLevel);
            }
            if (now != null && now > senderLevel) {
                throw new AuthFailure("m.room.power_levels: cannot give " + user + " level " + now
                        + ", above the sender's level " + senderLevel);
            }
        }
    }

    private static Set<String> union(Map<String, Long> a, Map<String, Long> b) {
        Set<String> keys = new LinkedHashSet<>(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }
}
