package org.myelin.storage;

import org.junit.jupiter.api.Test;
import org.myelin.config.Config;
import org.myelin.config.ConfigException;
import org.myelin.config.ConfigLoader;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Schema migrations on a real SQLite database: idempotent re-open, refusal of a newer schema. */
class MigrationsTest {
    static {
        org.myelin.cli.Logging.init("warn");
    }

    private static Config config(Path dir) {
        return ConfigLoader.defaults(dir);
    }

    @Test
    void reopeningAppliesNothingTwice() throws Exception {
        Path dir = Files.createTempDirectory("myelin-mig");
        try (Database db = Database.open(config(dir))) {
            long n = db.read(c -> Sql.longValue(c, "SELECT COUNT(*) FROM schema_migrations"));
            assertEquals(Migrations.ALL.size(), n);
        }
        try (Database db = Database.open(config(dir))) {
            long n = db.read(c -> Sql.longValue(c, "SELECT COUNT(*) FROM schema_migrations"));
            assertEquals(Migrations.ALL.size(), n);
        }
    }

    @Test
    void databaseFromANewerVersionIsRefused() throws Exception {
        Path dir = Files.createTempDirectory("myelin-mig");
        try (Database db = Database.open(config(dir))) {
            db.write(c -> Sql.update(c, "INSERT INTO schema_migrations (name, applied_ts) VALUES (?, ?)", "9999_from_the_future", 1L));
        }
        ConfigException e = assertThrows(ConfigException.class, () -> Database.open(config(dir)));
        assertTrue(e.getMessage().contains("9999_from_the_future"), e.getMessage());
    }
}
