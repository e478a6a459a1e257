package org.myelin.config;

import java.nio.file.Path;

/** The validated configuration. See README.md for the meaning of each key. */
public record Config(
        String serverName,
        String listenHost,
        int listenPort,
        String publicBaseUrl,
        Path dataDir,
        String database,
        int databasePoolSize,
        Registration registration,
        RateLimiting rateLimiting,
        Limits limits,
        Tokens tokens,
        boolean logRequests,
        String logLevel,
        Voip voip,
        Moderation moderation,
        ServerNotices serverNotices,
        Presence presence) {

    public record Registration(boolean enabled, boolean requireToken, boolean allowGuests, String sharedSecret) {}

    public record Bucket(double perSecond, int burst) {}

    public record RateLimiting(boolean enabled, Bucket login, Bucket register, Bucket message, Bucket general) {}

    public record Limits(int maxRequestBodyBytes, int maxUploadBytes) {}

    /** refreshableAccessTokenLifetimeMs applies only to clients that asked for a refresh token. */
    public record Tokens(long refreshableAccessTokenLifetimeMs) {}

    /**
     * TURN for VoIP: with a shared secret, time-limited credentials in coturn's REST API format;
     * otherwise the static username and password; no URIs (or no credentials) means no TURN.
     */
    public record Voip(java.util.List<String> turnUris, String turnSharedSecret, String turnUsername, String turnPassword,
                       long turnUserLifetimeMs, boolean turnAllowGuests) {
        public boolean configured() {
            return !turnUris.isEmpty() && (turnSharedSecret != null || turnUsername != null);
        }
    }

    /** Policy rooms (IDs or local aliases) whose m.ban rules apply to local joins and invites. */
    public record Moderation(java.util.List<String> policyRooms) {}

    /** Server notices are enabled when systemUserLocalpart is set. */
    public record ServerNotices(String systemUserLocalpart, String systemUserDisplayname, String roomName, String roomTopic,
                                String roomAvatarUrl) {
        public boolean enabled() { return systemUserLocalpart != null; }
    }

    /**
     * Presence: enabled (off for large deployments: nothing is tracked or delivered), the idle
     * time after which an online user becomes unavailable, and the time without any sync after
     * which a user becomes offline.
     */
    public record Presence(boolean enabled, long idleTimeoutMs, long offlineTimeoutMs) {}

    public boolean usesPostgres() { return database != null && !database.isBlank(); }

    public Path sqlitePath() { return dataDir.resolve("myelin.db"); }

    public Path signingKeyPath() { return dataDir.resolve("signing.key"); }

    public Path mediaDir() { return dataDir.resolve("media"); }

    public Config withListenPort(int port) {
        return new Config(serverName, listenHost, port, publicBaseUrl, dataDir, database, databasePoolSize, registration,
                rateLimiting, limits, tokens, logRequests, logLevel, voip, moderation, serverNotices, presence);
    }
}
