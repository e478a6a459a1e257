package org.myelin.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * A logger writing {@code 2026-11-27T02:36:42.333Z [INFO] name - message} lines to standard error
 * (the last segment of the logger's name, then the message, then any stack trace). The threshold
 * is global and can change at any time; the chatty libraries (Jetty, HikariCP) log warnings only.
 */
public final class LineLogger extends LegacyAbstractLogger {
    private static volatile Level threshold = Level.INFO;

    private final String shortName;
    private final boolean library;

    LineLogger(String name) {
        this.name = name;
        this.shortName = name.substring(name.lastIndexOf('.') + 1);
        this.library = name.startsWith("org.eclipse.jetty") || name.startsWith("com.zaxxer.hikari");
    }

    /** Sets the threshold from a config value: trace, debug, info, warn or error. */
    public static void setThreshold(String level) {
        threshold = Level.valueOf(level.toUpperCase(Locale.ROOT));
    }

    private boolean enabled(Level level) {
        Level min = library && threshold.toInt() < Level.WARN.toInt() ? Level.WARN : threshold;
        return level.toInt() >= min.toInt();
    }

    @Override public boolean isTraceEnabled() { return enabled(Level.TRACE); }
    @Override public boolean isDebugEnabled() { return enabled(Level.DEBUG); }
    @Override public boolean isInfoEnabled() { return enabled(Level.INFO); }
    @Override public boolean isWarnEnabled() { return enabled(Level.WARN); }
    @Override public boolean isErrorEnabled() { return enabled(Level.ERROR); }

    @Override
    protected String getFullyQualifiedCallerName() { return null; }

    /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC, always the same width. */
    static String timestamp(long epochMillis) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), 0, ZoneOffset.UTC);
        int ms = (int) Math.floorMod(epochMillis, 1000);
        char[] c = "0000-00-00T00:00:00.000Z".toCharArray();
        put(c, 0, t.getYear(), 4);
        put(c, 5, t.getMonthValue(), 2);
        put(c, 8, t.getDayOfMonth(), 2);
        put(c, 11, t.getHour(), 2);
        put(c, 14, t.getMinute(), 2);
        put(c, 17, t.getSecond(), 2);
        put(c, 20, ms, 3);
        return new String(c);
    }

    private static void put(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--, value /= 10) c[i] = (char) ('0' + value % 10);
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        StringBuilder line = new StringBuilder(128)
                .append(timestamp(System.currentTimeMillis())).append(" [").append(level).append("] ").append(shortName).append(" - ")
                .append(MessageFormatter.basicArrayFormat(pattern, args)).append(System.lineSeparator());
        if (t != null) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        // One print per event, so that lines from concurrent requests never interleave.
        System.err.print(line);
        System.err.flush();
    }
}
