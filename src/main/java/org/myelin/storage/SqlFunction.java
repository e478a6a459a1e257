package org.myelin.storage;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done with a JDBC connection inside a transaction or a read. */
@FunctionalInterface
public interface SqlFunction<T> {
    T apply(Connection c) throws SQLException;
}
