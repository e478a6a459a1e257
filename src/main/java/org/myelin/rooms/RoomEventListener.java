package org.myelin.rooms;

import org.myelin.storage.RoomStore.StoredEvent;

/** Told after an event's transaction committed (the notifier wakes syncs from here). */
@FunctionalInterface
public interface RoomEventListener {
    void persisted(LiveRoom room, StoredEvent event);
}
