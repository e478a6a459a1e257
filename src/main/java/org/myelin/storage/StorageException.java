package org.myelin.storage;

/** A database failure that the caller cannot fix; rendered as a 500 with a logged id. */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) { super(message, cause); }
}
