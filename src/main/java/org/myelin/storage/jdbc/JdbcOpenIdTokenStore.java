package org.myelin.storage.jdbc;

import org.myelin.storage.Database;
import org.myelin.storage.OpenIdTokenStore;
import org.myelin.storage.Sql;

import java.util.Optional;

public final class JdbcOpenIdTokenStore implements OpenIdTokenStore {
    private final Database db;

    public JdbcOpenIdTokenStore(Database db) { this.db = db; }

    @Override
    public void create(String tokenHash, String userId, long expiresTs, long now) {
        db.write(c -> {
            Sql.update(c, "DELETE FROM openid_tokens WHERE expires_ts <= ?", now);
            Sql.update(c, "INSERT INTO openid_tokens (token_hash, user_id, expires_ts) VALUES (?,?,?)", tokenHash, userId, expiresTs);
            return null;
        });
    }

    @Override
    public Optional<String> owner(String tokenHash, long now) {
        return db.read(c -> Sql.one(c, "SELECT user_id FROM openid_tokens WHERE token_hash = ? AND expires_ts > ?",
                rs -> rs.getString(1), tokenHash, now));
    }
}
