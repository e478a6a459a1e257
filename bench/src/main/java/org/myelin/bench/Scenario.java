package org.myelin.bench;

import java.util.List;

/**
 * A named benchmark. {@link #run} starts whatever servers it needs through the {@link Context}
 * (which stops them afterwards), drives load for a bounded time and returns its figures.
 * To add one: implement this, and list it in {@link Scenarios#ALL}.
 */
public interface Scenario {
    String name();

    String description();

    /** The options this scenario reads (via {@link Context#intOption} etc.), with defaults. */
    List<Option> options();

    Result run(Context ctx) throws Exception;

    record Option(String name, String defaultValue, String help) {}
}
