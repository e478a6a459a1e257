package org.myelin.users;

import org.myelin.config.Config;
import org.myelin.http.MatrixException;
import org.myelin.storage.AccountStore;
import org.myelin.storage.AccountStore.UserRow;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Accounts: creation, password login, password changes, deactivation and profiles. */
public final class AccountService {

    /** Told when an account is deactivated, so other modules (rooms) can clean up after it. */
    public interface DeactivationListener {
        void deactivated(String userId);
    }

    /** Told when a profile changes, so the rooms module can update member events. */
    public interface ProfileListener {
        void profileChanged(String userId, String displayname, String avatarUrl);
    }

    private final AccountStore store;
    private final TokenService tokens;
    private final Config config;
    private final List<DeactivationListener> deactivationListeners = new CopyOnWriteArrayList<>();
    private final List<ProfileListener> profileListeners = new CopyOnWriteArrayList<>();

    public AccountService(AccountStore store, TokenService tokens, Config config) {
        this.store = store;
        this.tokens = tokens;
        this.config = config;
    }

    public void onDeactivation(DeactivationListener l) { deactivationListeners.add(l); }

    public void onProfileChange(ProfileListener l) { profileListeners.add(l); }

    public String serverName() { return config.serverName(); }

    public Optional<UserRow> user(String userId) { return store.user(userId); }

    public boolean exists(String userId) { return store.user(userId).isPresent(); }

    /** Login parameters for a session created together with the account. */
    public record DeviceRequest(String deviceId, String displayName, boolean refreshToken) {}

    /**
     * Creates an account, and a logged-in device unless device is null. Throws M_USER_IN_USE if the
     * ID was ever taken (deactivated IDs are never reused).
     */
    public TokenService.Issued create(String userId, String password, boolean admin, boolean guest, String displayname,
                                      DeviceRequest device) {
        String hash = password == null ? null : PasswordHasher.hash(password);
        UserRow row = new UserRow(userId, hash, admin, guest, false, null,
                displayname == null ? UserIds.localpart(userId) : displayname, null, System.currentTimeMillis());
        TokenService.NewLoginPlan plan = device == null ? null : tokens.plan(userId,
                device.deviceId() == null ? Secrets.deviceId() : device.deviceId(), device.displayName(), device.refreshToken());
        if (!store.createUser(row, plan == null ? null : plan.row())) {
            throw new MatrixException(400, "M_USER_IN_USE", "User ID already taken");
        }
        return plan == null ? null : plan.issued();
    }

    /** Checks a password; false for unknown, deactivated or password-less accounts. */
    public boolean checkPassword(String userId, String password) {
        Optional<UserRow> u = store.user(userId);
        if (u.isEmpty() || u.get().deactivated() || u.get().passwordHash() == null) {
            PasswordHasher.verifyNothing(password);
            return false;
        }
        return PasswordHasher.verify(password, u.get().passwordHash());
    }

    public TokenService.Issued loginWithPassword(String userId, String password, DeviceRequest device) {
        Optional<UserRow> u = store.user(userId);
        if (u.isPresent() && u.get().deactivated()) {
            throw new MatrixException(403, "M_USER_DEACTIVATED", "This account has been deactivated");
        }
        if (!checkPassword(userId, password)) throw MatrixException.forbidden("Invalid username or password");
        return tokens.login(userId, device.deviceId() == null ? Secrets.deviceId() : device.deviceId(),
                device.displayName(), device.refreshToken());
    }

    public void changePassword(String userId, String newPassword, boolean logoutDevices, String keepDevice) {
        store.setPasswordHash(userId, PasswordHasher.hash(newPassword));
        if (logoutDevices) tokens.forget(store.deleteAllDevicesExcept(userId, keepDevice));
    }

    public void deactivate(String userId) {
        tokens.forget(store.deactivate(userId));
        for (DeactivationListener l : deactivationListeners) l.deactivated(userId);
    }

    public void setDisplayname(String userId, String name) {
        store.setDisplayname(userId, name);
        UserRow u = store.user(userId).orElseThrow();
        for (ProfileListener l : profileListeners) l.profileChanged(userId, u.displayname(), u.avatarUrl());
    }

    public void setAvatarUrl(String userId, String url) {
        store.setAvatarUrl(userId, url);
        UserRow u = store.user(userId).orElseThrow();
        for (ProfileListener l : profileListeners) l.profileChanged(userId, u.displayname(), u.avatarUrl());
    }

    public void setAdmin(String userId, boolean admin) { store.setAdmin(userId, admin); }

    public boolean isAdmin(String userId) { return store.user(userId).map(UserRow::admin).orElse(false); }
}
