package org.myelin.storage.jdbc;

import com.fasterxml.jackson.core.type.TypeReference;
import org.myelin.http.Json;
import org.myelin.storage.AccountStore;
import org.myelin.storage.Database;
import org.myelin.storage.Sql;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

public final class JdbcAccountStore implements AccountStore {
    private static final String USER_COLS =
            "user_id, password_hash, is_admin, is_guest, deactivated, user_type, displayname, avatar_url, created_ts";
    private static final String DEVICE_COLS =
            "user_id, device_id, display_name, created_ts, last_seen_ts, last_seen_ip, last_seen_user_agent";

    private final Database db;

    public JdbcAccountStore(Database db) { this.db = db; }

    private static UserRow user(ResultSet rs) throws SQLException {
        return new UserRow(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4), rs.getBoolean(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getLong(9));
    }

    private static DeviceRow device(ResultSet rs) throws SQLException {
        return new DeviceRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                Sql.nullableLong(rs, "last_seen_ts"), rs.getString(6), rs.getString(7));
    }

    @Override
    public boolean createUser(UserRow u, NewLogin login) {
        return db.write(c -> {
            // ON CONFLICT rather than a SELECT first: two concurrent registrations of one name on
            // PostgreSQL would otherwise both pass the check and one would fail on the primary key.
            int inserted = Sql.update(c, "INSERT INTO users (" + USER_COLS + ") VALUES (?,?,?,?,?,?,?,?,?) "
                            + "ON CONFLICT (user_id) DO NOTHING", u.userId(), u.passwordHash(),
                    u.admin(), u.guest(), u.deactivated(), u.userType(), u.displayname(), u.avatarUrl(), u.createdTs());
            if (inserted == 0) return false;
            if (login != null) doLogin(c, login);
            return true;
        });
    }

    @Override
    public Optional<UserRow> user(String userId) {
        return db.read(c -> Sql.one(c, "SELECT " + USER_COLS + " FROM users WHERE user_id = ?", JdbcAccountStore::user, userId));
    }

    @Override
    public void setPasswordHash(String userId, String hash) {
        db.write(c -> Sql.update(c, "UPDATE users SET password_hash = ? WHERE user_id = ?", hash, userId));
    }

    @Override
    public void upgradeGuest(String userId, String passwordHash) {
        db.write(c -> Sql.update(c, "UPDATE users SET is_guest = ?, password_hash = ? WHERE user_id = ? AND is_guest = ?",
                false, passwordHash, userId, true));
    }

    @Override
    public void setAdmin(String userId, boolean admin) {
        db.write(c -> Sql.update(c, "UPDATE users SET is_admin = ? WHERE user_id = ?", admin, userId));
    }

    @Override
    public List<String> deactivate(String userId) {
        return db.write(c -> {
            Sql.update(c, "UPDATE users SET deactivated = ?, password_hash = NULL WHERE user_id = ?", true, userId);
            return deleteDevicesWhere(c, userId, null);
        });
    }

    @Override
    public void setDisplayname(String userId, String displayname) {
        db.write(c -> Sql.update(c, "UPDATE users SET displayname = ? WHERE user_id = ?", displayname, userId));
    }

    @Override
    public void setAvatarUrl(String userId, String avatarUrl) {
        db.write(c -> Sql.update(c, "UPDATE users SET avatar_url = ? WHERE user_id = ?", avatarUrl, userId));
    }

    @Override
    public String profileExtra(String userId) {
        return db.read(c -> Sql.one(c, "SELECT profile_extra FROM users WHERE user_id = ?", rs -> rs.getString(1), userId)).orElse(null);
    }

    @Override
    public void setProfileExtra(String userId, String json) {
        db.write(c -> Sql.update(c, "UPDATE users SET profile_extra = ? WHERE user_id = ?", json, userId));
    }

    @Override
    public List<String> login(NewLogin login) {
        return db.write(c -> doLogin(c, login));
    }

    private List<String> doLogin(Connection c, NewLogin l) throws SQLException {
        long now = System.currentTimeMillis();
        List<String> revoked = Sql.list(c, "SELECT token_hash FROM access_tokens WHERE user_id = ? AND device_id = ?",
                rs -> rs.getString(1), l.userId(), l.deviceId());
        Sql.update(c, "DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?", l.userId(), l.deviceId());
        Sql.update(c, "DELETE FROM refresh_tokens WHERE user_id = ? AND device_id = ?", l.userId(), l.deviceId());
        int updated = l.deviceDisplayName() == null ? 0 : Sql.update(c,
                "UPDATE devices SET display_name = ? WHERE user_id = ? AND device_id = ?",
                l.deviceDisplayName(), l.userId(), l.deviceId());
        if (updated == 0) {
            Sql.update(c, "INSERT INTO devices (user_id, device_id, display_name, created_ts) VALUES (?,?,?,?) "
                    + "ON CONFLICT (user_id, device_id) DO NOTHING", l.userId(), l.deviceId(), l.deviceDisplayName(), now);
        }
        Long refreshId = null;
        if (l.refreshTokenHash() != null) {
            refreshId = Sql.one(c, "INSERT INTO refresh_tokens (token_hash, user_id, device_id, created_ts) VALUES (?,?,?,?) RETURNING id",
                    rs -> rs.getLong(1), l.refreshTokenHash(), l.userId(), l.deviceId(), now).orElseThrow();
        }
        Sql.update(c, "INSERT INTO access_tokens (token_hash, user_id, device_id, created_ts, expires_ts, refresh_token_id, used) "
                        + "VALUES (?,?,?,?,?,?,?)", l.accessTokenHash(), l.userId(), l.deviceId(), now, l.accessExpiresTs(),
                refreshId, false);
        return revoked;
    }

    @Override
    public Optional<TokenRow> accessToken(String tokenHash) {
        return db.read(c -> Sql.one(c,
                "SELECT id, user_id, device_id, expires_ts, refresh_token_id, used FROM access_tokens WHERE token_hash = ?",
                rs -> new TokenRow(rs.getLong(1), rs.getString(2), rs.getString(3), Sql.nullableLong(rs, "expires_ts"),
                        Sql.nullableLong(rs, "refresh_token_id"), rs.getBoolean(6)), tokenHash));
    }

    @Override
    public List<String> markAccessTokenUsed(TokenRow t) {
        return db.write(c -> {
            Sql.update(c, "UPDATE access_tokens SET used = ? WHERE id = ?", true, t.id());
            if (t.refreshTokenId() == null) return List.of();
            return revokePredecessors(c, t.refreshTokenId());
        });
    }

    /** Revokes the refresh token that was replaced by refreshId, and the access tokens issued with it. */
    private static List<String> revokePredecessors(Connection c, long refreshId) throws SQLException {
        List<Long> olds = Sql.list(c, "SELECT id FROM refresh_tokens WHERE next_token_id = ?", rs -> rs.getLong(1), refreshId);
        List<String> revoked = new ArrayList<>();
        for (long old : olds) {
            revoked.addAll(Sql.list(c, "SELECT token_hash FROM access_tokens WHERE refresh_token_id = ?", rs -> rs.getString(1), old));
            Sql.update(c, "DELETE FROM access_tokens WHERE refresh_token_id = ?", old);
            Sql.update(c, "DELETE FROM refresh_tokens WHERE id = ?", old);
        }
        return revoked;
    }

    @Override
    public Optional<RefreshRow> refreshToken(String tokenHash) {
        return db.read(c -> Sql.one(c, "SELECT id, user_id, device_id, next_token_id FROM refresh_tokens WHERE token_hash = ?",
                rs -> new RefreshRow(rs.getLong(1), rs.getString(2), rs.getString(3), Sql.nullableLong(rs, "next_token_id")),
                tokenHash));
    }

    @Override
    public List<String> rotateRefreshToken(RefreshRow old, String newAccessHash, long accessExpiresTs, String newRefreshHash) {
        return db.write(c -> {
            long now = System.currentTimeMillis();
            List<String> revoked = new ArrayList<>(revokePredecessors(c, old.id()));
            if (old.nextTokenId() != null) {
                // The old token is being used again before its successor was: the successor was lost in transit.
                revoked.addAll(Sql.list(c, "SELECT token_hash FROM access_tokens WHERE refresh_token_id = ?",
                        rs -> rs.getString(1), old.nextTokenId()));
                Sql.update(c, "DELETE FROM access_tokens WHERE refresh_token_id = ?", old.nextTokenId());
                Sql.update(c, "DELETE FROM refresh_tokens WHERE id = ?", old.nextTokenId());
            }
            long newId = Sql.one(c, "INSERT INTO refresh_tokens (token_hash, user_id, device_id, created_ts) VALUES (?,?,?,?) RETURNING id",
                    rs -> rs.getLong(1), newRefreshHash, old.userId(), old.deviceId(), now).orElseThrow();
            Sql.update(c, "UPDATE refresh_tokens SET next_token_id = ? WHERE id = ?", newId, old.id());
            Sql.update(c, "INSERT INTO access_tokens (token_hash, user_id, device_id, created_ts, expires_ts, refresh_token_id, used) "
                    + "VALUES (?,?,?,?,?,?,?)", newAccessHash, old.userId(), old.deviceId(), now, accessExpiresTs, newId, false);
            return revoked;
        });
    }

    @Override
    public List<String> deleteDevices(String userId, List<String> deviceIds) {
        return db.write(c -> {
            List<String> revoked = new ArrayList<>();
            for (String d : deviceIds) revoked.addAll(deleteDevice(c, userId, d));
            return revoked;
        });
    }

    @Override
    public List<String> deleteAllDevicesExcept(String userId, String keepDevice) {
        return db.write(c -> deleteDevicesWhere(c, userId, keepDevice));
    }

    private static List<String> deleteDevicesWhere(Connection c, String userId, String keep) throws SQLException {
        List<String> revoked = new ArrayList<>();
        for (String d : Sql.list(c, "SELECT device_id FROM devices WHERE user_id = ?", rs -> rs.getString(1), userId)) {
            if (!d.equals(keep)) revoked.addAll(deleteDevice(c, userId, d));
        }
        return revoked;
    }

    private static List<String> deleteDevice(Connection c, String userId, String deviceId) throws SQLException {
        List<String> revoked = Sql.list(c, "SELECT token_hash FROM access_tokens WHERE user_id = ? AND device_id = ?",
                rs -> rs.getString(1), userId, deviceId);
        Sql.update(c, "DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?", userId, deviceId);
        Sql.update(c, "DELETE FROM refresh_tokens WHERE user_id = ? AND device_id = ?", userId, deviceId);
        Sql.update(c, "DELETE FROM devices WHERE user_id = ? AND device_id = ?", userId, deviceId);
        // Its queued to-device messages go with it (logout, device deletion, deactivation).
        Sql.update(c, "DELETE FROM device_inbox WHERE user_id = ? AND device_id = ?", userId, deviceId);
        return revoked;
    }

    @Override
    public List<DeviceRow> devices(String userId) {
        return db.read(c -> Sql.list(c, "SELECT " + DEVICE_COLS + " FROM devices WHERE user_id = ? ORDER BY device_id",
                JdbcAccountStore::device, userId));
    }

    @Override
    public Optional<DeviceRow> device(String userId, String deviceId) {
        return db.read(c -> Sql.one(c, "SELECT " + DEVICE_COLS + " FROM devices WHERE user_id = ? AND device_id = ?",
                JdbcAccountStore::device, userId, deviceId));
    }

    @Override
    public boolean setDeviceDisplayName(String userId, String deviceId, String name) {
        return db.write(c -> Sql.update(c, "UPDATE devices SET display_name = ? WHERE user_id = ? AND device_id = ?",
                name, userId, deviceId) > 0);
    }

    @Override
    public void touchDevice(String userId, String deviceId, long ts, String ip, String userAgent) {
        db.write(c -> Sql.update(c, "UPDATE devices SET last_seen_ts = ?, last_seen_ip = ?, last_seen_user_agent = ? "
                + "WHERE user_id = ? AND device_id = ?", ts, ip, userAgent, userId, deviceId));
    }

    @Override
    public void createUiaSession(UiaSession s) {
        db.write(c -> Sql.update(c, "INSERT INTO uia_sessions (session_id, method, path, user_id, completed, created_ts) VALUES (?,?,?,?,?,?)",
                s.sessionId(), s.method(), s.path(), s.userId(), Json.writeString(s.completed()), s.createdTs()));
    }

    @Override
    public Optional<UiaSession> uiaSession(String sessionId) {
        return db.read(c -> Sql.one(c, "SELECT session_id, method, path, user_id, completed, registration_token, created_ts FROM uia_sessions WHERE session_id = ?",
                rs -> new UiaSession(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        parseList(rs.getString(5)), rs.getString(6), rs.getLong(7)), sessionId));
    }

    private static List<String> parseList(String json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<List<String>>() {});
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public void setUiaCompleted(String sessionId, List<String> completed, String registrationToken) {
        db.write(c -> Sql.update(c, "UPDATE uia_sessions SET completed = ?, registration_token = ? WHERE session_id = ?",
                Json.writeString(completed), registrationToken, sessionId));
    }

    @Override
    public void deleteUiaSession(String sessionId) {
        db.write(c -> Sql.update(c, "DELETE FROM uia_sessions WHERE session_id = ?", sessionId));
    }

    private static RegistrationToken regToken(ResultSet rs) throws SQLException {
        int uses = rs.getInt(2);
        Integer usesAllowed = rs.wasNull() ? null : uses;
        return new RegistrationToken(rs.getString(1), usesAllowed, rs.getInt(3), rs.getInt(4), Sql.nullableLong(rs, "expiry_time"));
    }

    @Override
    public List<RegistrationToken> registrationTokens() {
        return db.read(c -> Sql.list(c, "SELECT token, uses_allowed, pending, completed, expiry_time FROM registration_tokens ORDER BY token",
                JdbcAccountStore::regToken));
    }

    @Override
    public Optional<RegistrationToken> registrationToken(String token) {
        return db.read(c -> Sql.one(c, "SELECT token, uses_allowed, pending, completed, expiry_time FROM registration_tokens WHERE token = ?",
                JdbcAccountStore::regToken, token));
    }

    @Override
    public boolean createRegistrationToken(RegistrationToken t) {
        return db.write(c -> Sql.update(c, "INSERT INTO registration_tokens (token, uses_allowed, pending, completed, expiry_time) "
                + "VALUES (?,?,0,0,?) ON CONFLICT (token) DO NOTHING", t.token(), t.usesAllowed(), t.expiryTime()) > 0);
    }

    @Override
    public void updateRegistrationToken(String token, Integer usesAllowed, Long expiryTime) {
        db.write(c -> Sql.update(c, "UPDATE registration_tokens SET uses_allowed = ?, expiry_time = ? WHERE token = ?",
                usesAllowed, expiryTime, token));
    }

    @Override
    public boolean deleteRegistrationToken(String token) {
        return db.write(c -> Sql.update(c, "DELETE FROM registration_tokens WHERE token = ?", token) > 0);
    }

    @Override
    public boolean reserveRegistrationToken(String token, long now) {
        return db.write(c -> Sql.update(c, "UPDATE registration_tokens SET pending = pending + 1 WHERE token = ? "
                + "AND (expiry_time IS NULL OR expiry_time > ?) AND (uses_allowed IS NULL OR pending + completed < uses_allowed)",
                token, now) > 0);
    }

    @Override
    public void completeRegistrationToken(String token) {
        db.write(c -> Sql.update(c, "UPDATE registration_tokens SET pending = CASE WHEN pending > 0 THEN pending - 1 ELSE 0 END, "
                + "completed = completed + 1 WHERE token = ?", token));
    }
}
