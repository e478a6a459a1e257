package org.myelin.core.events;

/** The key of a piece of room state: (event type, state_key). */
public record StateKey(String type, String stateKey) {
    public static StateKey of(String type, String stateKey) { return new StateKey(type, stateKey); }

    public static StateKey of(Event e) { return new StateKey(e.type(), e.stateKey()); }
}
