package org.myelin.api.client;

import org.myelin.api.Routes;
import org.myelin.http.Access;
import org.myelin.http.MatrixException;
import org.myelin.http.Req;
import org.myelin.thirdparty.ThirdPartyNetworks;

import java.util.Map;

/**
 * The Third-party Networks module's lookups. Protocols come from registered providers (bridges);
 * an unknown protocol is 404 M_NOT_FOUND, lookups in a known one return what the bridges found
 * (possibly nothing), and the reverse lookups by alias and user ID return a possibly empty list.
 */
public final class ThirdPartyApi {
    private final ThirdPartyNetworks networks;

    public ThirdPartyApi(ThirdPartyNetworks networks) { this.networks = networks; }

    public void register(Routes r) {
        r.client("GET", "/thirdparty/protocols", Access.USER, req -> networks.protocols());
        r.client("GET", "/thirdparty/protocol/{protocol}", Access.USER, req -> networks.protocol(req.param("protocol"))
                .orElseThrow(() -> unknown(req.param("protocol"))));
        r.client("GET", "/thirdparty/location/{protocol}", Access.USER, req -> {
            String p = known(req);
            return networks.locations(p, Map.of());
        });
        r.client("GET", "/thirdparty/user/{protocol}", Access.USER, req -> {
            String p = known(req);
            return networks.users(p, Map.of());
        });
        r.client("GET", "/thirdparty/location", Access.USER, req -> {
            String alias = req.query("alias");
            if (alias == null || alias.isEmpty()) throw MatrixException.missingParam("Missing query parameter 'alias'");
            return networks.locationsForAlias(alias);
        });
        r.client("GET", "/thirdparty/user", Access.USER, req -> {
            String userId = req.query("userid");
            if (userId == null || userId.isEmpty()) throw MatrixException.missingParam("Missing query parameter 'userid'");
            return networks.usersForUserId(userId);
        });
    }

    private String known(Req req) {
        String p = req.param("protocol");
        if (!networks.knows(p)) throw unknown(p);
        return p;
    }

    private static MatrixException unknown(String protocol) {
        return MatrixException.notFound("Unknown third-party protocol " + protocol);
    }
}
