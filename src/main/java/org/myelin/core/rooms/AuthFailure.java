package org.myelin.core.rooms;

import java.io.Serial;

/**
 * An event is not allowed by the authorisation rules. Unchecked because rejection is routine for
 * callers that authorise many events in a loop (state resolution, backfill) and those catch it in
 * one place; the message names the rule that failed, for logs and for {@code M_FORBIDDEN} errors.
 * No stack trace is captured: a rejection is an expected outcome, not a bug, and the message says
 * everything, so the cost of filling in a trace would be paid for nothing.
 */
public final class AuthFailure extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public AuthFailure(String message) {
        super(message, null, false, false);
    }
}
