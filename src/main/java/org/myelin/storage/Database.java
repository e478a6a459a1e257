package org.myelin.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.myelin.config.Config;
import org.myelin.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Connection pools and transactions. SQLite allows one writer at a time, so it gets a single
 * writer connection (writes queue in the pool instead of failing with SQLITE_BUSY) and a pool of
 * readers that run in parallel thanks to WAL. PostgreSQL uses one pool for both.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final Dialect dialect;
    private final HikariDataSource writer;
    private final HikariDataSource reader;
    private final SqliteCheckpointer checkpointer;

    private Database(Dialect dialect, HikariDataSource writer, HikariDataSource reader, SqliteCheckpointer checkpointer) {
        this.dialect = dialect;
        this.writer = writer;
        this.reader = reader;
        this.checkpointer = checkpointer;
    }

    public static Database open(Config config) {
        try {
            Database db = config.usesPostgres() ? openPostgres(config) : openSqlite(config);
            Migrations.apply(db);
            return db;
        } catch (com.zaxxer.hikari.pool.HikariPool.PoolInitializationException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new ConfigException("cannot connect to database: " + firstLine(c.getMessage()));
        }
    }

    private static Database openSqlite(Config config) {
        Path file = config.sqlitePath().toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
        } catch (java.io.IOException e) {
            throw new ConfigException("cannot create data_dir " + file.getParent() + ": " + e.getMessage());
        }
        SqliteNativeLibrary.useCachedCopy(config.dataDir());
        String url = "jdbc:sqlite:" + file;
        HikariDataSource w = pool("myelin-sqlite-writer", url, sqliteProps(false), 1, false,
                "PRAGMA wal_autocheckpoint=" + SqliteCheckpointer.WRITER_AUTOCHECKPOINT_PAGES);
        HikariDataSource r = pool("myelin-sqlite-reader", url, sqliteProps(true),
                Math.max(2, Math.min(config.databasePoolSize(), 8)), true, null);
        SqliteCheckpointer checkpointer = new SqliteCheckpointer(url, sqliteProps(false), 200);
        return new Database(Dialect.SQLITE, w, r, checkpointer);
    }

    private static Properties sqliteProps(boolean readOnly) {
        Properties p = new Properties();
        p.setProperty("journal_mode", "WAL");
        p.setProperty("synchronous", "NORMAL");
        p.setProperty("busy_timeout", "10000");
        p.setProperty("foreign_keys", "false");
        p.setProperty("cache_size", "-16000");
        if (readOnly) p.setProperty("open_mode", "1");
        return p;
    }

    private static Database openPostgres(Config config) {
        URI uri;
        try {
            uri = URI.create(config.database().replaceFirst("^postgres(ql)?://", "http://"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config key 'database': not a valid URL");
        }
        Properties p = new Properties();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            p.setProperty("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) p.setProperty("password", decode(userInfo.substring(colon + 1)));
        }
        if (uri.getRawQuery() != null) {
            for (String kv : uri.getRawQuery().split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) p.setProperty(decode(kv.substring(0, eq)), decode(kv.substring(eq + 1)));
            }
        }
        p.putIfAbsent("reWriteBatchedInserts", "true");
        p.putIfAbsent("connectTimeout", "5");
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "myelin" : uri.getPath().substring(1);
        String url = "jdbc:postgresql://" + host + ":" + port + "/" + db;
        HikariDataSource ds = pool("myelin-pg", url, p, config.databasePoolSize(), false, null);
        return new Database(Dialect.POSTGRES, ds, ds, null);
    }

    private static HikariDataSource pool(String name, String url, Properties props, int size, boolean readOnly,
                                         String initSql) {
        HikariConfig hc = new HikariConfig();
        if (initSql != null) hc.setConnectionInitSql(initSql);
        hc.setPoolName(name);
        hc.setJdbcUrl(url);
        hc.setDataSourceProperties(props);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        hc.setAutoCommit(true);
        hc.setReadOnly(readOnly);
        hc.setConnectionTimeout(30_000);
        hc.setInitializationFailTimeout(5_000);
        return new HikariDataSource(hc);
    }

    public Dialect dialect() { return dialect; }

    /** Frames copied back by the last background checkpoint (SQLite; 0 on PostgreSQL). */
    long walFramesCheckpointed() { return checkpointer == null ? 0 : checkpointer.framesCheckpointed(); }

    /** Whether the background checkpoint thread runs (SQLite, until close). */
    boolean checkpointing() { return checkpointer != null && checkpointer.running(); }

    /** Runs work in one transaction on the writer; commits on success, rolls back on any exception. */
    public <T> T write(SqlFunction<T> work) {
        return tx(writer, work);
    }

    /** Runs read-only work; on SQLite this uses the parallel reader pool. */
    public <T> T read(SqlFunction<T> work) {
        try (Connection c = reader.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new StorageException("database read failed: " + e.getMessage(), e);
        }
    }

    private static <T> T tx(HikariDataSource ds, SqlFunction<T> work) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (Throwable t) {
                try {
                    c.rollback();
                } catch (SQLException re) {
                    log.warn("rollback failed", re);
                }
                throw t;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StorageException("database write failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (checkpointer != null) checkpointer.close();
        if (dialect == Dialect.SQLITE) {
            try (Connection c = writer.getConnection(); var st = c.createStatement()) {
                st.execute("PRAGMA optimize");
                st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            } catch (SQLException e) {
                log.warn("sqlite checkpoint at shutdown failed: {}", e.getMessage());
            }
        }
        if (reader != writer) reader.close();
        writer.close();
    }

    private static String decode(String s) { return URLDecoder.decode(s, StandardCharsets.UTF_8); }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
