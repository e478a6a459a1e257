package org.myelin.storage;

import org.junit.jupiter.api.Test;
import org.myelin.config.ConfigLoader;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The background checkpointer on a real SQLite database: the writer never checkpoints a small log itself. */
class SqliteCheckpointerTest {
    static {
        org.myelin.cli.Logging.init("warn");
    }

    @Test
    void writesAreCheckpointedInTheBackgroundAndTheWriterThresholdIsRaised() throws Exception {
        Path dir = Files.createTempDirectory("myelin-ckpt");
        try (Database db = Database.open(ConfigLoader.defaults(dir))) {
            long threshold = db.write(c -> Sql.longValue(c, "PRAGMA wal_autocheckpoint"));
            assertEquals(SqliteCheckpointer.WRITER_AUTOCHECKPOINT_PAGES, threshold);
            db.write(c -> Sql.update(c, "CREATE TABLE ckpt_probe (id INTEGER PRIMARY KEY, v TEXT)"));
            for (int i = 0; i < 200; i++) {
                int n = i;
                db.write(c -> Sql.update(c, "INSERT INTO ckpt_probe (v) VALUES (?)", "row " + n + " ".repeat(500)));
            }
            long deadline = System.currentTimeMillis() + 10_000;
            while (db.walFramesCheckpointed() == 0 && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertTrue(db.walFramesCheckpointed() > 0, "the background checkpointer copied the log back");
            assertEquals(200L, (long) db.read(c -> Sql.longValue(c, "SELECT COUNT(*) FROM ckpt_probe")));
        }
        // Closing stops the thread and leaves a database that opens again with everything in it.
        Database db = Database.open(ConfigLoader.defaults(dir));
        try {
            assertTrue(db.checkpointing());
            assertEquals(200L, (long) db.read(c -> Sql.longValue(c, "SELECT COUNT(*) FROM ckpt_probe")));
        } finally {
            db.close();
        }
        assertFalse(db.checkpointing(), "the checkpoint thread stopped with the database");
    }
}
