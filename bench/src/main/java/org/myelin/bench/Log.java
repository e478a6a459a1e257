package org.myelin.bench;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Progress messages, on standard error so that standard output stays the report. */
public final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Log() {}

    public static void info(String message) {
        System.err.println("[bench " + LocalTime.now().format(TIME) + "] " + message);
    }
}
