package org.myelin.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Thin helpers over PreparedStatement so repositories read as SQL plus a row mapper. Every value
 * goes through a bind parameter: there is no string concatenation of values anywhere.
 */
public final class Sql {
    /** Every statement executed, so that tests and benchmarks can show how many queries a request costs. */
    private static final java.util.concurrent.atomic.LongAdder STATEMENTS = org.myelin.metrics.Metrics.counter("myelin_db_statements_total");

    private Sql() {}

    public static int update(Connection c, String sql, Object... args) throws SQLException {
        STATEMENTS.increment();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    public static <T> List<T> list(Connection c, String sql, RowMapper<T> m, Object... args) throws SQLException {
        STATEMENTS.increment();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) out.add(m.map(rs));
                return out;
            }
        }
    }

    public static <T> Optional<T> one(Connection c, String sql, RowMapper<T> m, Object... args) throws SQLException {
        STATEMENTS.increment();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(m.map(rs)) : Optional.empty();
            }
        }
    }

    /** For the rare statement prepared outside these helpers (batches, CTEs). */
    public static void countStatement() { STATEMENTS.increment(); }

    public static long longValue(Connection c, String sql, Object... args) throws SQLException {
        return one(c, sql, rs -> rs.getLong(1), args).orElse(0L);
    }

    public static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            switch (a) {
                case null -> ps.setNull(i + 1, Types.NULL);
                case String s -> ps.setString(i + 1, s);
                case Long l -> ps.setLong(i + 1, l);
                case Integer n -> ps.setInt(i + 1, n);
                case Boolean b -> ps.setBoolean(i + 1, b);
                case byte[] b -> ps.setBytes(i + 1, b);
                case Double d -> ps.setDouble(i + 1, d);
                default -> throw new IllegalArgumentException("unsupported bind type " + a.getClass());
            }
        }
    }

    /** Reads a nullable BIGINT column. */
    public static Long nullableLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }
}
