package org.myelin.api.client;

import org.myelin.api.Routes;
import org.myelin.http.Access;
import org.myelin.http.MatrixException;
import org.myelin.voip.TurnCredentials;

/**
 * GET /voip/turnServer. Without TURN configured the answer is 200 {} (the spec names no error for
 * this; Synapse answers {} and clients such as matrix-js-sdk then simply call without TURN).
 * Guests get credentials unless voip.turn_allow_guests is false.
 */
public final class VoipApi {
    private final TurnCredentials turn;

    public VoipApi(TurnCredentials turn) { this.turn = turn; }

    public void register(Routes routes) {
        routes.client("GET", "/voip/turnServer", Access.GUEST_OK, req -> {
            if (req.auth().guest() && !turn.allowGuests()) {
                throw new MatrixException(403, "M_GUEST_ACCESS_FORBIDDEN", "Guests may not use the TURN server");
            }
            return turn.forUser(req.userId(), System.currentTimeMillis());
        });
    }
}
