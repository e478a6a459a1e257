package org.myelin.ephemeral;

import org.myelin.Myelin;
import org.myelin.api.Routes;
import org.myelin.api.client.DevicesApi;
import org.myelin.api.client.PresenceApi;
import org.myelin.api.client.ToDeviceApi;
import org.myelin.api.client.TypingApi;
import org.myelin.devices.Devices;
import org.myelin.devices.ToDevice;
import org.myelin.storage.jdbc.JdbcDeviceInboxStore;
import org.myelin.storage.jdbc.JdbcPresenceStore;
import org.myelin.users.UserInteractiveAuth;

/**
 * Wiring of the per-user and ephemeral modules of issue 5 that plug into /sync: typing, presence,
 * send-to-device and device management. Each is a sync source with its own token slot and, where
 * it reacts to membership, a room event listener.
 */
public final class EphemeralModules implements AutoCloseable {
    private final Typing typing;
    private final Presence presence;
    private final ToDevice toDevice;
    private final Devices devices;
    private final Myelin.Services services;

    private EphemeralModules(Myelin.Services s) {
        this.services = s;
        typing = new Typing(s.writer(), s.notifier());
        presence = new Presence(s.config().presence(), s.config().serverName(), s.writer(), s.sync().userRooms(), s.notifier(),
                new JdbcPresenceStore(s.db()));
        toDevice = new ToDevice(new JdbcDeviceInboxStore(s.db()), s.notifier(), s.config().serverName());
        devices = new Devices(s.accountStore(), s.tokens(), toDevice);
        s.writer().addListener(typing);
        s.sync().addSource(typing);
        if (presence.enabled()) {
            s.writer().addListener(presence);
            s.sync().addSource(presence);
        }
        s.sync().addSource(toDevice);
    }

    public static EphemeralModules start(Myelin.Services s) { return new EphemeralModules(s); }

    /** Registers the endpoints, and counts requests as presence activity. */
    public void register(Routes routes, UserInteractiveAuth uia) {
        new TypingApi(typing, services.writer()).register(routes);
        new PresenceApi(presence).register(routes);
        new ToDeviceApi(toDevice).register(routes);
        new DevicesApi(devices, uia).register(routes);
        if (presence.enabled()) {
            routes.observe(req -> {
                if (PresenceApi.isActivity(req)) presence.activity(req.userId());
            });
        }
    }

    public Typing typing() { return typing; }

    public Presence presence() { return presence; }

    public ToDevice toDevice() { return toDevice; }

    public Devices devices() { return devices; }

    @Override
    public void close() {
        typing.close();
        presence.close();
    }
}
