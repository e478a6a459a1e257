package org.myelin.cli;

import org.myelin.log.LineLogger;

/** Selects Myelin's log back end and its threshold before the first logger exists. */
public final class Logging {
    private Logging() {}

    public static void init(String level) {
        // Names the provider, so slf4j does not open every jar on the class path looking for one (~50 ms).
        System.setProperty("slf4j.provider", "org.myelin.log.LogProvider");
        System.setProperty("slf4j.internal.verbosity", "WARN");
        LineLogger.setThreshold(level);
    }
}
