package org.myelin.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqliteNativeLibraryTest {
    @TempDir
    Path dir;

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"})
    synchronized void copiesTheDriversLibraryOnceAndPointsTheDriverAtIt() throws Exception {
        String path = System.clearProperty("org.sqlite.lib.path");
        String name = System.clearProperty("org.sqlite.lib.name");
        try {
            SqliteNativeLibrary.useCachedCopy(dir);
            Path native_ = dir.resolve("native");
            List<Path> files;
            try (var s = Files.list(native_)) {
                files = s.toList();
            }
            assertEquals(1, files.size(), files::toString);
            Path lib = files.get(0);
            assertTrue(lib.getFileName().toString().matches("libsqlitejdbc-[0-9a-f]+\\.so"), lib::toString);
            assertEquals(native_.toAbsolutePath().toString(), System.getProperty("org.sqlite.lib.path"));
            assertEquals(lib.getFileName().toString(), System.getProperty("org.sqlite.lib.name"));
            long modified = Files.getLastModifiedTime(lib).toMillis();

            // A second start finds the copy and leaves it alone; a truncated copy is replaced.
            System.clearProperty("org.sqlite.lib.path");
            SqliteNativeLibrary.useCachedCopy(dir);
            assertEquals(modified, Files.getLastModifiedTime(lib).toMillis());
            long size = Files.size(lib);
            // (a new file moved over it: writing in place could change a library this JVM has mapped)
            Path partial = Files.write(dir.resolve("partial"), new byte[10]);
            Files.move(partial, lib, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            System.clearProperty("org.sqlite.lib.path");
            SqliteNativeLibrary.useCachedCopy(dir);
            assertEquals(size, Files.size(lib));
            try (var s = Files.list(native_)) {
                assertEquals(1, s.count(), "no temporary file is left behind");
            }
        } finally {
            restore("org.sqlite.lib.path", path);
            restore("org.sqlite.lib.name", name);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) System.clearProperty(key);
        else System.setProperty(key, value);
    }
}
