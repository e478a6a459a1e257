package org.myelin.it.modules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.Main;
import org.myelin.config.Config;
import org.myelin.config.ConfigLoader;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commented module examples of `generate-config` are valid configuration once uncommented. */
class ConfigExampleTest {
    @TempDir
    Path dir;

    @Test
    void uncommentedModuleExamplesLoad() throws Exception {
        Path generated = dir.resolve("generated.yaml");
        java.io.PrintStream err = System.err;
        try {
            System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            assertEquals(0, new CommandLine(new Main()).execute("generate-config", "--server-name", "example.org", "-o", generated.toString()));
        } finally {
            System.setErr(err);
        }
        List<String> lines = Files.readAllLines(generated);
        int start = lines.indexOf(lines.stream().filter(l -> l.startsWith("# voip:")).findFirst().orElseThrow());
        String uncommented = lines.stream().limit(start).collect(Collectors.joining("\n")) + "\n"
                + lines.stream().skip(start).map(l -> l.startsWith("# ") ? l.substring(2) : l).collect(Collectors.joining("\n"));
        Path f = dir.resolve("uncommented.yaml");
        Files.writeString(f, uncommented);
        Config c = ConfigLoader.load(f);
        assertTrue(c.voip().configured());
        assertEquals(2, c.voip().turnUris().size());
        assertEquals(List.of("#bans:example.org"), c.moderation().policyRooms());
        assertEquals("notices", c.serverNotices().systemUserLocalpart());
        // As generated (commented out), none of the modules is on.
        Config plain = ConfigLoader.load(generated);
        assertTrue(!plain.voip().configured() && plain.moderation().policyRooms().isEmpty() && !plain.serverNotices().enabled());
    }
}
