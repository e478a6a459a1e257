package org.myelin.cli;

import org.myelin.Myelin;
import org.myelin.config.Config;
import org.myelin.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the homeserver.")
public final class ServeCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    /**
     * The command for the plain forms {@code serve}, {@code serve -c FILE} and {@code serve --config[=]FILE},
     * or null for anything else (help, typos), which picocli then parses and reports. Picocli's
     * classes are Java 5 class files: AppCDS cannot archive them and the JVM checks them with the
     * old verifier, so building its model costs about 200 ms of a 700 ms start-up.
     */
    public static ServeCommand fromPlainArgs(String[] args) {
        if (args.length == 0 || !args[0].equals("serve")) return null;
        String file = null;
        if (args.length == 2 && args[1].startsWith("--config=") && args[1].length() > "--config=".length()) {
            file = args[1].substring("--config=".length());
        } else if (args.length == 3 && (args[1].equals("-c") || args[1].equals("--config")) && !args[2].startsWith("-")) {
            file = args[2];
        } else if (args.length != 1) {
            return null;
        }
        ServeCommand c = new ServeCommand();
        c.config = new ConfigOption();
        try {
            c.config.file = file == null ? null : java.nio.file.Path.of(file);
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
        return c;
    }

    /** The config file given, or null for the built-in defaults. */
    public java.nio.file.Path configFile() {
        return config == null ? null : config.file;
    }

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        Config cfg;
        try {
            cfg = config.load();
        } catch (ConfigException e) {
            System.err.println("myelin: " + e.getMessage());
            return 2;
        }
        Logging.init(cfg.logLevel());
        Logger log = LoggerFactory.getLogger("myelin");
        Myelin m;
        try {
            m = Myelin.start(cfg);
        } catch (ConfigException e) {
            System.err.println("myelin: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            String msg = e.getMessage();
            if (e instanceof java.io.IOException && msg != null && msg.contains("bind")) msg = "cannot listen on "
                    + cfg.listenHost() + ":" + cfg.listenPort() + ": " + msg;
            System.err.println("myelin: start-up failed: " + msg);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutting down");
            try {
                m.close();
            } catch (Exception e) {
                log.warn("error during shutdown", e);
            }
            stopped.countDown();
        }, "myelin-shutdown"));
        log.info("Myelin serving {} on http://{}:{}/ (data in {}, {}) - started in {} ms", cfg.serverName(), cfg.listenHost(),
                m.port(), cfg.dataDir().toAbsolutePath().normalize(), cfg.usesPostgres() ? "PostgreSQL" : "SQLite",
                (System.nanoTime() - t0) / 1_000_000);
        if (!cfg.registration().enabled()) {
            log.info("Registration is closed. Create the first account with: ./myelin register-user{} --user NAME --admin",
                    config.file == null ? "" : " --config " + config.file);
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
