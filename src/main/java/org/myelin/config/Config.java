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
        String logLevel) {

    public record Registration(boolean enabled, boolean requireToken, boolean allowGuests, String sharedSecret) {}

    public record Bucket(double perSecond, int burst) {}

    public record RateLimiting(boolean enabled, Bucket login, Bucket register, Bucket message, Bucket general) {}

    public record Limits(int maxRequestBodyBytes, int maxUploadBytes) {}

    /** refreshableAccessTokenLifetimeMs applies only to clients that asked for a refresh token. */
    public record Tokens(long refreshableAccessTokenLifetimeMs) {}

    public boolean usesPostgres() { return database != null && !database.isBlank(); }

    public Path sqlitePath() { return dataDir.resolve("myelin.db"); }

    public Path signingKeyPath() { return dataDir.resolve("signing.key"); }

    public Path mediaDir() { return dataDir.resolve("media"); }

    public Config withListenPort(int port) {
        return new Config(serverName, listenHost, port, publicBaseUrl, dataDir, database, databasePoolSize, registration,
                rateLimiting, limits, tokens, logRequests, logLevel);
    }
}
