package org.myelin.it.modules;

import org.myelin.Myelin;
import org.myelin.it.Fixtures;

import java.sql.Connection;
import java.sql.PreparedStatement;

/**
 * Fixtures for the small-module tests: the shared helpers of {@link Fixtures} (users on a given
 * server, requests that fail the test on any 5xx, exact error assertions), plus a way to change
 * rows directly (to expire tokens).
 */
final class ModulesFx extends Fixtures {
    private ModulesFx() {}

    /** Runs one UPDATE/DELETE against the server's database (to age rows the API cannot). */
    static int sql(Myelin server, String statement, Object... args) {
        try (Connection c = connect(server); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            return ps.executeUpdate();
        } catch (Exception e) {
            throw new IllegalStateException("cannot run " + statement, e);
        }
    }
}
