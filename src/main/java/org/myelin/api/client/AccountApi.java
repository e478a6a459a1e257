package org.myelin.api.client;

import org.myelin.api.Routes;
import org.myelin.http.Access;
import org.myelin.http.Body;
import org.myelin.http.MatrixException;
import org.myelin.users.AccountService;
import org.myelin.users.UserInteractiveAuth;

import java.util.List;
import java.util.Map;

/** Password changes, deactivation and (empty, until 3PIDs land) third-party identifiers. */
public final class AccountApi {
    private static final List<List<String>> PASSWORD_FLOW = List.of(List.of(UserInteractiveAuth.PASSWORD));

    private final AccountService accounts;
    private final UserInteractiveAuth uia;

    public AccountApi(AccountService accounts, UserInteractiveAuth uia) {
        this.accounts = accounts;
        this.uia = uia;
    }

    public void register(Routes routes) {
        routes.client("POST", "/account/password", Access.USER, req -> {
            Body body = req.json();
            String newPassword = body.requireString("new_password");
            if (newPassword.isEmpty() || newPassword.length() > 512) throw MatrixException.badJson("Invalid password");
            boolean logout = body.bool("logout_devices", true);
            uia.require(req, PASSWORD_FLOW, Map.of(), req.userId());
            accounts.changePassword(req.userId(), newPassword, logout, req.auth().deviceId());
            return Map.of();
        });
        routes.client("POST", "/account/deactivate", Access.USER, req -> {
            Body body = req.json();
            body.optBool("erase");
            body.optString("id_server");
            uia.require(req, PASSWORD_FLOW, Map.of(), req.userId());
            accounts.deactivate(req.userId());
            return Map.of("id_server_unbind_result", "no-support");
        });
        routes.client("GET", "/account/3pid", Access.USER, req -> Map.of("threepids", List.of()));
    }
}
