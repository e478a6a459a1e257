package org.myelin.users;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.myelin.config.Config;
import org.myelin.http.Auth;
import org.myelin.http.MatrixException;
import org.myelin.storage.AccountStore;
import org.myelin.storage.AccountStore.NewLogin;
import org.myelin.storage.AccountStore.TokenRow;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issues and checks access tokens. Tokens are random 256-bit strings stored as SHA-256 hashes; a
 * bounded cache keeps the hot path (every authenticated request) free of database reads, and every
 * revocation goes through {@link #forget} so a revoked token stops working at once.
 */
public final class TokenService {
    public static final String ACCESS_PREFIX = "myl_";
    public static final String REFRESH_PREFIX = "mylr_";
    private static final long TOUCH_INTERVAL_MS = 60_000;

    /** What a client receives after login or registration. */
    public record Issued(String userId, String deviceId, String accessToken, Long expiresInMs, String refreshToken) {}

    private record Cached(TokenRow row, boolean guest) {}

    private final AccountStore store;
    private final Config config;
    private final Cache<String, Cached> cache = org.myelin.metrics.Metrics.cache("access_tokens", Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(10)).recordStats().build());
    /** When each device was last recorded as seen; entries older than the interval are useless, so they expire. */
    private final Cache<String, Long> lastTouch = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofMillis(TOUCH_INTERVAL_MS)).build();
    /** Counts revocations; moves before revoked tokens are dropped from the cache. */
    private final AtomicLong revocations = new AtomicLong();

    public TokenService(AccountStore store, Config config) {
        this.store = store;
        this.config = config;
    }

    /** A new login on deviceId (created if needed; its previous tokens revoked). */
    public NewLoginPlan plan(String userId, String deviceId, String displayName, boolean withRefresh) {
        String access = Secrets.token(ACCESS_PREFIX);
        String refresh = withRefresh ? Secrets.token(REFRESH_PREFIX) : null;
        Long lifetime = withRefresh ? config.tokens().refreshableAccessTokenLifetimeMs() : null;
        Long expires = lifetime == null ? null : System.currentTimeMillis() + lifetime;
        NewLogin row = new NewLogin(userId, deviceId, displayName, Secrets.tokenHash(access), expires,
                refresh == null ? null : Secrets.tokenHash(refresh));
        return new NewLoginPlan(row, new Issued(userId, deviceId, access, lifetime, refresh));
    }

    public record NewLoginPlan(NewLogin row, Issued issued) {}

    public Issued login(String userId, String deviceId, String displayName, boolean withRefresh) {
        NewLoginPlan p = plan(userId, deviceId, displayName, withRefresh);
        forget(store.login(p.row()));
        return p.issued();
    }

    /** Validates a bearer token; throws 401 M_UNKNOWN_TOKEN (soft_logout when merely expired). */
    public Auth authenticate(String token, String ip, String userAgent) {
        String hash = Secrets.tokenHash(token);
        Cached c = cache.getIfPresent(hash);
        if (c == null) {
            long stamp = revocations.get();
            TokenRow row = store.accessToken(hash).orElseThrow(() -> unknownToken(false));
            boolean guest = store.user(row.userId()).map(AccountStore.UserRow::guest).orElse(false);
            c = new Cached(row, guest);
            cache.put(hash, c);
            // A revocation that committed after the read above may have dropped this token from the
            // cache before it was put there: then it must not stay cached (it would work for minutes).
            if (revocations.get() != stamp) cache.invalidate(hash);
        }
        TokenRow row = c.row();
        long now = System.currentTimeMillis();
        if (row.expiresTs() != null && row.expiresTs() <= now) throw unknownToken(true);
        if (!row.used() && row.refreshTokenId() != null) {
            forget(store.markAccessTokenUsed(row));
            cache.put(hash, new Cached(new TokenRow(row.id(), row.userId(), row.deviceId(), row.expiresTs(),
                    row.refreshTokenId(), true), c.guest()));
        }
        touch(row, now, ip, userAgent);
        return new Auth(row.userId(), row.deviceId(), c.guest(), row.id());
    }

    private void touch(TokenRow row, long now, String ip, String userAgent) {
        String key = row.userId() + "|" + row.deviceId();
        Long prev = lastTouch.getIfPresent(key);
        if (prev != null && now - prev < TOUCH_INTERVAL_MS) return;
        lastTouch.put(key, now);
        store.touchDevice(row.userId(), row.deviceId(), now, ip, userAgent);
    }

    /** Exchanges a refresh token for a new access+refresh pair. */
    public Issued refresh(String refreshToken) {
        var old = store.refreshToken(Secrets.tokenHash(refreshToken)).orElseThrow(() -> unknownToken(false));
        String access = Secrets.token(ACCESS_PREFIX);
        String refresh = Secrets.token(REFRESH_PREFIX);
        long lifetime = config.tokens().refreshableAccessTokenLifetimeMs();
        forget(store.rotateRefreshToken(old, Secrets.tokenHash(access), System.currentTimeMillis() + lifetime,
                Secrets.tokenHash(refresh)));
        return new Issued(old.userId(), old.deviceId(), access, lifetime, refresh);
    }

    /** Drops revoked tokens from the cache; callers have committed the revocation. */
    public void forget(Collection<String> tokenHashes) {
        if (tokenHashes.isEmpty()) return;
        revocations.incrementAndGet();
        cache.invalidateAll(tokenHashes);
    }

    public static MatrixException unknownToken(boolean soft) {
        return new MatrixException(401, "M_UNKNOWN_TOKEN",
                soft ? "Access token has expired" : "Unknown access token", Map.of("soft_logout", soft));
    }
}
