package org.myelin.api.client;

import org.myelin.api.Routes;
import org.myelin.http.Access;
import org.myelin.http.MatrixException;
import org.myelin.http.RateLimiter;
import org.myelin.openid.OpenIdTokens;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OpenID module: POST /user/{userId}/openid/request_token for the client, and the federation
 * endpoint GET /_matrix/federation/v1/openid/userinfo where a third-party service exchanges the
 * token for the user ID. The federation endpoint takes the token in the query string by design
 * (it is the OpenID token, not an access token), so it is a public route that reads no
 * Authorization header.
 */
public final class OpenIdApi {
    private final OpenIdTokens tokens;
    private final String serverName;

    public OpenIdApi(OpenIdTokens tokens, String serverName) {
        this.tokens = tokens;
        this.serverName = serverName;
    }

    public void register(Routes routes) {
        routes.client("POST", "/user/{userId}/openid/request_token", Access.USER, req -> {
            if (!req.param("userId").equals(req.userId())) {
                throw MatrixException.forbidden("You can only request OpenID tokens for yourself");
            }
            req.json(); // an object (reserved for future expansion); anything else is M_BAD_JSON / M_NOT_JSON
            OpenIdTokens.Issued t = tokens.issue(req.userId());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("access_token", t.token());
            out.put("token_type", "Bearer");
            out.put("matrix_server_name", serverName);
            out.put("expires_in", t.expiresInSeconds());
            return out;
        });
        routes.add("GET", "/_matrix/federation/v1/openid/userinfo", Access.PUBLIC, RateLimiter.GENERAL, 0, req -> {
            String token = req.query("access_token");
            if (token == null || token.isEmpty()) throw MatrixException.missingParam("Missing access_token");
            String userId = tokens.userOf(token).orElseThrow(() ->
                    new MatrixException(401, "M_UNKNOWN_TOKEN", "Access token unknown or expired"));
            return Map.of("sub", userId);
        });
    }
}
