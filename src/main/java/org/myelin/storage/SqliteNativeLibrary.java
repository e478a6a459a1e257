package org.myelin.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.zip.ZipEntry;

/**
 * Keeps sqlite-jdbc's native library in the data directory between runs. Left to itself, the
 * driver extracts the 1 MB library to a fresh temporary file on every start and runs {@code uname}
 * to rule out Android: about 150 ms of a 700 ms start-up. The copy is named after the jar entry's
 * CRC, so a driver upgrade brings its own file; it is written to a temporary name and moved into
 * place, so a crash never leaves a partial library behind. Only glibc Linux on x86_64 and aarch64
 * is handled here; anywhere else, or on any failure, the driver's own loading applies unchanged.
 */
final class SqliteNativeLibrary {
    private static final Logger log = LoggerFactory.getLogger(SqliteNativeLibrary.class);
    private static final String NAME = "libsqlitejdbc.so";

    private SqliteNativeLibrary() {}

    static void useCachedCopy(Path dataDir) {
        if (System.getProperty("org.sqlite.lib.path") != null) return;
        String folder = folder();
        if (folder == null) return;
        try {
            URL url = SqliteNativeLibrary.class.getClassLoader().getResource("org/sqlite/native/" + folder + "/" + NAME);
            if (url == null) return;
            URLConnection connection = url.openConnection();
            if (!(connection instanceof JarURLConnection jar)) return;
            ZipEntry entry = jar.getJarEntry();
            if (entry.getCrc() < 0 || entry.getSize() < 0) return;
            Path dir = dataDir.resolve("native");
            String name = "libsqlitejdbc-" + Long.toHexString(entry.getCrc()) + ".so";
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file) || Files.size(file) != entry.getSize()) {
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, "libsqlitejdbc-", ".tmp");
                try (InputStream in = jar.getInputStream()) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            System.setProperty("org.sqlite.lib.path", dir.toAbsolutePath().toString());
            System.setProperty("org.sqlite.lib.name", name);
        } catch (IOException | RuntimeException e) {
            log.debug("keeping sqlite-jdbc's own native library loading: {}", e.toString());
        }
    }

    /** sqlite-jdbc's resource folder for this platform, or null where its own detection is needed. */
    private static String folder() {
        if (!System.getProperty("os.name", "").equals("Linux")) return null;
        String arch = switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
        if (arch == null || Files.exists(Path.of("/system/bin/app_process"))) return null;
        // musl (Alpine) builds live in another folder; leave that choice to the driver.
        try (var libs = Files.list(Path.of("/lib"))) {
            if (libs.anyMatch(p -> p.getFileName().toString().startsWith("ld-musl-"))) return null;
        } catch (IOException e) {
            return null;
        }
        return "Linux/" + arch;
    }
}
