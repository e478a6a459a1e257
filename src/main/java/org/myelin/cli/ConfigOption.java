package org.myelin.cli;

import org.myelin.config.Config;
import org.myelin.config.ConfigLoader;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** The --config option shared by subcommands; without it, the single-machine defaults under ./data. */
public final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML config file (default: built-in defaults with data in ./data)")
    Path file;

    public Config load() {
        if (file == null) return ConfigLoader.defaults(Path.of("data"));
        if (!Files.exists(file)) throw new org.myelin.config.ConfigException("config file not found: " + file);
        return ConfigLoader.load(file);
    }
}
