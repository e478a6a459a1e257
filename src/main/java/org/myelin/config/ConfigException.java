package org.myelin.config;

/** A configuration problem, reported to the operator as one line naming the key or the cause. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) { super(message); }
}
