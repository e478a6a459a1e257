package org.myelin.devices;

import org.myelin.storage.AccountStore;
import org.myelin.storage.AccountStore.DeviceRow;
import org.myelin.users.TokenService;

import java.util.List;
import java.util.Optional;

/**
 * Device management (spec "Device Management"): listing, renaming and deleting a user's devices.
 * Deleting revokes the device's access and refresh tokens at once (the token cache forgets them)
 * and drops its queued to-device messages. last_seen_ip/last_seen_ts are kept by
 * {@link TokenService} as requests arrive (at most once a minute per device).
 */
public final class Devices {
    public static final int MAX_DISPLAY_NAME_CHARS = 256;

    private final AccountStore store;
    private final TokenService tokens;
    private final ToDevice toDevice;

    public Devices(AccountStore store, TokenService tokens, ToDevice toDevice) {
        this.store = store;
        this.tokens = tokens;
        this.toDevice = toDevice;
    }

    public List<DeviceRow> list(String userId) { return store.devices(userId); }

    public Optional<DeviceRow> get(String userId, String deviceId) { return store.device(userId, deviceId); }

    /** Sets a device's display name; false when the user has no such device. */
    public boolean rename(String userId, String deviceId, String displayName) {
        return store.setDeviceDisplayName(userId, deviceId, displayName);
    }

    /** Deletes devices (unknown IDs are ignored), revoking their tokens and their to-device queues. */
    public void delete(String userId, List<String> deviceIds) {
        if (deviceIds.isEmpty()) return;
        tokens.forget(store.deleteDevices(userId, deviceIds));
        toDevice.devicesDeleted(userId, deviceIds);
    }
}
