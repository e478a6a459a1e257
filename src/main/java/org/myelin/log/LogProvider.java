package org.myelin.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Myelin's own slf4j back end: one line per event on standard error, UTC ISO-8601 timestamps.
 * It replaces slf4j-simple, whose SimpleDateFormat pulled in the JDK's locale data at start-up
 * (about 115 ms of a 700 ms start).
 */
public final class LogProvider implements SLF4JServiceProvider {
    private final ConcurrentHashMap<String, LineLogger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, LineLogger::new);
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() { return factory; }

    @Override
    public IMarkerFactory getMarkerFactory() { return markers; }

    @Override
    public MDCAdapter getMDCAdapter() { return mdc; }

    @Override
    public String getRequestedApiVersion() { return "2.0.99"; }

    @Override
    public void initialize() {}
}
