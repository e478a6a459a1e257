package org.myelin.storage;

import java.util.List;
import java.util.Optional;

/** Users, devices, access/refresh tokens, UIA sessions and registration tokens. */
public interface AccountStore {

    record UserRow(String userId, String passwordHash, boolean admin, boolean guest, boolean deactivated,
                   String userType, String displayname, String avatarUrl, long createdTs) {}

    record DeviceRow(String userId, String deviceId, String displayName, long createdTs, Long lastSeenTs,
                     String lastSeenIp, String lastSeenUserAgent) {}

    /** An access token as looked up for authentication. */
    record TokenRow(long id, String userId, String deviceId, Long expiresTs, Long refreshTokenId, boolean used) {}

    record RefreshRow(long id, String userId, String deviceId, Long nextTokenId) {}

    /**
     * A login on one device: the device is created or kept, any previous tokens of that device are
     * revoked, and a new access token (and optionally refresh token) is stored.
     */
    record NewLogin(String userId, String deviceId, String deviceDisplayName, String accessTokenHash,
                    Long accessExpiresTs, String refreshTokenHash) {}

    record RegistrationToken(String token, Integer usesAllowed, int pending, int completed, Long expiryTime) {}

    record UiaSession(String sessionId, String method, String path, String userId, List<String> completed,
                      String registrationToken, long createdTs) {}

    /** Creates the user and, when login is given, its first device and tokens, atomically. */
    boolean createUser(UserRow user, NewLogin login);

    Optional<UserRow> user(String userId);

    void setPasswordHash(String userId, String hash);

    /** Turns a guest account into a full account with this password hash. */
    void upgradeGuest(String userId, String passwordHash);

    void setAdmin(String userId, boolean admin);

    /** Marks the account deactivated and removes every device and token; returns the revoked token hashes. */
    List<String> deactivate(String userId);

    void setDisplayname(String userId, String displayname);

    void setAvatarUrl(String userId, String avatarUrl);

    /** Custom profile fields (spec 1.16 extended profiles) as a JSON object text, or null. */
    String profileExtra(String userId);

    void setProfileExtra(String userId, String json);

    /** Stores a login (see {@link NewLogin}); returns the token hashes it revoked. */
    List<String> login(NewLogin login);

    Optional<TokenRow> accessToken(String tokenHash);

    /** First use of an access token issued by a refresh: the refresh token it replaced is revoked. */
    List<String> markAccessTokenUsed(TokenRow token);

    Optional<RefreshRow> refreshToken(String tokenHash);

    /** Replaces a refresh token by a new access+refresh pair; returns the token hashes revoked. */
    List<String> rotateRefreshToken(RefreshRow old, String newAccessHash, long accessExpiresTs, String newRefreshHash);

    /** Deletes devices and their tokens; returns the revoked access-token hashes. */
    List<String> deleteDevices(String userId, List<String> deviceIds);

    /** Deletes all devices of a user except keepDevice (may be null); returns revoked token hashes. */
    List<String> deleteAllDevicesExcept(String userId, String keepDevice);

    List<DeviceRow> devices(String userId);

    Optional<DeviceRow> device(String userId, String deviceId);

    boolean setDeviceDisplayName(String userId, String deviceId, String name);

    void touchDevice(String userId, String deviceId, long ts, String ip, String userAgent);

    void createUiaSession(UiaSession s);

    Optional<UiaSession> uiaSession(String sessionId);

    void setUiaCompleted(String sessionId, List<String> completed, String registrationToken);

    void deleteUiaSession(String sessionId);

    List<RegistrationToken> registrationTokens();

    Optional<RegistrationToken> registrationToken(String token);

    boolean createRegistrationToken(RegistrationToken t);

    void updateRegistrationToken(String token, Integer usesAllowed, Long expiryTime);

    boolean deleteRegistrationToken(String token);

    /** Reserves one use of a token if it is valid at `now`; false when unknown, expired or used up. */
    boolean reserveRegistrationToken(String token, long now);

    /** Converts a reserved use into a completed one (the registration succeeded). */
    void completeRegistrationToken(String token);
}
