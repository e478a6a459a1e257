package org.myelin.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

/**
 * Where things are: the repository, the server jar (built if missing), the JDK, and the JVM flags
 * the launcher uses ({@code ./myelin --print-jvm-flags}), so benchmarks run the server exactly as
 * operators do.
 */
public final class Env {
    private final Path repo;
    private final Path java;
    private List<String> jvmFlags;
    private Path serverDir;
    private long firstStartMillis = -1;

    private Env(Path repo, Path java, List<String> jvmFlags) {
        this.repo = repo;
        this.java = java;
        this.jvmFlags = jvmFlags;
        this.serverDir = repo.resolve("target");
    }

    /**
     * @param extraJvmFlags appended after the launcher's flags (later flags win in HotSpot)
     * @param launcherFlags false to start from no flags at all (for experiments)
     */
    public static Env discover(Path repo, List<String> extraJvmFlags, boolean launcherFlags) throws IOException, InterruptedException {
        repo = repo.toAbsolutePath().normalize();
        Path launcher = repo.resolve("myelin");
        if (!Files.isExecutable(launcher)) throw new IllegalStateException("no executable launcher at " + launcher);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> flags = new ArrayList<>();
        if (launcherFlags) {
            Exec.Output out = Exec.run(repo, Map.of("JAVA_HOME", System.getProperty("java.home")), 60,
                    launcher.toString(), "--print-jvm-flags");
            if (out.exitCode() != 0) {
                throw new IllegalStateException("`./myelin --print-jvm-flags` failed (exit " + out.exitCode() + "): " + out.text().strip());
            }
            for (String line : out.text().split("\n")) if (!line.isBlank()) flags.add(line.strip());
        }
        flags.addAll(extraJvmFlags);
        return new Env(repo, java, List.copyOf(flags));
    }

    public Path repo() { return repo; }

    public Path java() { return java; }

    public List<String> jvmFlags() { return jvmFlags; }

    /** The jar servers run from: the private copy once {@link #snapshotServer} ran, else target/myelin.jar. */
    public Path serverJar() { return serverDir.resolve("myelin.jar"); }

    private Path builtJar() { return repo.resolve("target/myelin.jar"); }

    /** Builds target/myelin.jar with Maven when it is missing (an existing jar is used as is). */
    public void ensureServerJar() throws IOException, InterruptedException {
        if (Files.isRegularFile(builtJar())) return;
        Log.info("target/myelin.jar is missing; building it (mvn -q -B -DskipTests package) ...");
        Exec.Output out = Exec.run(repo, Map.of("JAVA_HOME", System.getProperty("java.home")), 1800,
                "mvn", "-q", "-B", "-ntp", "-DskipTests", "package");
        if (out.exitCode() != 0 || !Files.isRegularFile(builtJar())) {
            throw new IllegalStateException("building the server failed:\n" + out.text());
        }
    }

    /**
     * Copies target/myelin.jar and target/lib to a private directory, so that a rebuild of the
     * working tree during a long run cannot change or break the servers being measured. Waits
     * (up to 10 minutes) until the jar is a complete zip that has not changed for 2 s. The
     * launcher's {@code -XX:SharedArchiveFile} is pointed into the copy (the archive is tied to the
     * jar's path); call {@link #createCdsArchive} next. The copy is deleted when the JVM exits.
     */
    public void snapshotServer() throws IOException, InterruptedException {
        Path jar = builtJar();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (true) {
            long m1 = Files.getLastModifiedTime(jar).toMillis(), s1 = Files.size(jar);
            Thread.sleep(2000);
            long m2 = Files.getLastModifiedTime(jar).toMillis(), s2 = Files.size(jar);
            if (m1 == m2 && s1 == s2 && isRunnableJar(jar)) break;
            if (System.nanoTime() > deadline) throw new IllegalStateException(jar + " kept changing or is not a runnable jar");
            Log.info(jar + " is being rebuilt; waiting");
        }
        Path dir = Files.createTempDirectory("myelin-bench-server-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ServerProcess.deleteTree(dir)));
        Files.copy(jar, dir.resolve("myelin.jar"), StandardCopyOption.COPY_ATTRIBUTES);
        Path lib = jar.resolveSibling("lib");
        if (Files.isDirectory(lib)) {
            Files.createDirectories(dir.resolve("lib"));
            try (var files = Files.list(lib)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, dir.resolve("lib").resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        if (!isRunnableJar(dir.resolve("myelin.jar"))) throw new IllegalStateException("copy of " + jar + " is not a runnable jar");
        serverDir = dir;
        List<String> flags = new ArrayList<>();
        for (String f : jvmFlags) {
            flags.add(f.startsWith("-XX:SharedArchiveFile=") ? "-XX:SharedArchiveFile=" + dir.resolve("myelin.jsa") : f);
        }
        jvmFlags = List.copyOf(flags);
        Log.info("servers run from a copy of target/myelin.jar in " + dir);
    }

    /** How long {@link #createCdsArchive}'s archive-less start took, or -1. */
    public long firstStartMillis() { return firstStartMillis; }

    private static boolean isRunnableJar(Path jar) {
        try (var z = new ZipFile(jar.toFile())) {
            var mf = z.getEntry("META-INF/MANIFEST.MF");
            return mf != null && new String(z.getInputStream(mf).readAllBytes(), StandardCharsets.UTF_8).contains("Main-Class");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * With -XX:+AutoCreateSharedArchive, the first JVM to exit writes the class-data-sharing
     * archive. Starts and stops one server so that every measured start finds it, as an
     * operator's second start does. Returns the milliseconds that archive-less start took.
     */
    public long createCdsArchive() throws IOException, InterruptedException {
        if (jvmFlags.stream().noneMatch(f -> f.equals("-XX:+AutoCreateSharedArchive"))) return -1;
        try (ServerProcess s = ServerProcess.start(this, ServerProcess.Spec.fresh(null))) {
            long ms = s.awaitReady(120_000, 10) / 1_000_000;
            Log.info("first start (writes the CDS archive at exit): " + ms + " ms");
            firstStartMillis = ms;
            return ms;
        }
    }

    /** Facts about the machine and the build, recorded with every result set. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpu_model", cpuModel());
        m.put("memory_mb", memTotalMb());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("java_home", System.getProperty("java.home"));
        m.put("server_jar", builtJar().toString());
        m.put("git_commit", gitCommit());
        m.put("jvm_flags", jvmFlags);
        return m;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return "unknown";
    }

    private static long memTotalMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("MemTotal:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux
        }
        return -1;
    }

    private String gitCommit() {
        try {
            Exec.Output out = Exec.run(repo, Map.of(), 10, "git", "rev-parse", "--short", "HEAD");
            return out.exitCode() == 0 ? out.text().strip() : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    /** Small helper to run a command and collect its combined output, with a timeout. */
    public static final class Exec {
        public record Output(int exitCode, String text) {}

        private Exec() {}

        public static Output run(Path dir, Map<String, String> env, int timeoutSeconds, String... command)
                throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            byte[][] out = new byte[1][];
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    out[0] = p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = new byte[0];
                }
            });
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
            }
            reader.join();
            return new Output(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
        }
    }
}
