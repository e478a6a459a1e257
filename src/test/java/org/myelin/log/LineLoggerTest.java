package org.myelin.log;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineLoggerTest {
    @AfterEach
    void restore() {
        LineLogger.setThreshold("warn");
    }

    private static synchronized String capture(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void timestampsAreFixedWidthUtcWithMilliseconds() {
        assertEquals("1970-01-01T00:00:00.000Z", LineLogger.timestamp(0));
        assertEquals("2026-11-27T02:59:26.028Z", LineLogger.timestamp(1795748366028L));
        assertEquals("1969-12-31T23:59:59.999Z", LineLogger.timestamp(-1));
    }

    @Test
    void oneLinePerEventWithShortNameLevelAndArguments() {
        LineLogger.setThreshold("info");
        Logger log = new LineLogger("org.myelin.http.request");
        String out = capture(() -> log.info("{} {} {}", "GET", "/_matrix/client/versions", 200));
        assertTrue(out.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\[INFO] request - GET /_matrix/client/versions 200\\R"), out);
    }

    @Test
    void thresholdAppliesAndLibrariesLogWarningsOnly() {
        LineLogger.setThreshold("debug");
        Logger ours = new LineLogger("org.myelin.rooms.RoomWriter");
        Logger jetty = new LineLogger("org.eclipse.jetty.server.Server");
        assertTrue(ours.isDebugEnabled());
        assertFalse(jetty.isInfoEnabled());
        assertTrue(jetty.isWarnEnabled());
        assertEquals("", capture(() -> jetty.info("started")));
        LineLogger.setThreshold("error");
        assertFalse(ours.isWarnEnabled());
        assertEquals("", capture(() -> ours.warn("hidden")));
    }

    @Test
    void throwablesAppendTheirStackTrace() {
        LineLogger.setThreshold("info");
        Logger log = new LineLogger("x.y.Z");
        String out = capture(() -> log.error("failed {}", "id", new IllegalStateException("boom")));
        assertTrue(out.contains("[ERROR] Z - failed id"), out);
        assertTrue(out.contains("java.lang.IllegalStateException: boom"), out);
        assertTrue(out.contains("\tat "), out);
    }
}
