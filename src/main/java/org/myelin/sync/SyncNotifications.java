package org.myelin.sync;

import org.myelin.core.events.Event;
import org.myelin.rooms.LiveRoom;
import org.myelin.rooms.RoomEventListener;
import org.myelin.storage.RoomStore.StoredEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * After an event commits, wakes the syncs of everyone it concerns: the room's joined members and
 * the target of a membership change. Done on a virtual thread so that the sender's response does
 * not wait for fan-out in large rooms.
 */
public final class SyncNotifications implements RoomEventListener {
    private final Notifier notifier;
    private final ExecutorService fanout = Executors.newVirtualThreadPerTaskExecutor();

    public SyncNotifications(Notifier notifier) { this.notifier = notifier; }

    @Override
    public void persisted(LiveRoom room, StoredEvent se) {
        Event e = se.event();
        String target = "m.room.member".equals(e.type()) ? e.stateKey() : null;
        fanout.execute(() -> {
            List<String> users = new ArrayList<>();
            room.memberships().forEach((u, m) -> {
                if (m.equals("join")) users.add(u);
            });
            if (target != null) users.add(target);
            notifier.notifyUsersAt(se.nid(), users);
        });
    }
}
