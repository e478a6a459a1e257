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
