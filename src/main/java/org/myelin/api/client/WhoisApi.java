package org.myelin.api.client;

import org.myelin.admin.Whois;
import org.myelin.api.Routes;
import org.myelin.http.Access;
import org.myelin.http.MatrixException;
import org.myelin.users.AccountService;
import org.myelin.users.UserIds;

/**
 * GET /admin/whois/{userId} (Server Administration module): for server admins, and for users
 * looking themselves up. Permission is checked before the user is looked up, so that non-admins
 * cannot probe which accounts exist.
 */
public final class WhoisApi {
    private final AccountService accounts;
    private final Whois whois;

    public WhoisApi(AccountService accounts, Whois whois) {
        this.accounts = accounts;
        this.whois = whois;
    }

    public void register(Routes routes) {
        routes.client("GET", "/admin/whois/{userId}", Access.USER, req -> {
            String userId = req.param("userId");
            if (!userId.equals(req.userId()) && !accounts.isAdmin(req.userId())) {
                throw MatrixException.forbidden("Only server admins can look up other users");
            }
            if (!UserIds.isValid(userId)) throw MatrixException.invalidParam("Invalid user ID " + userId);
            if (!UserIds.isLocal(userId, accounts.serverName()) || !accounts.exists(userId)) {
                throw MatrixException.notFound("Unknown user " + userId);
            }
            return whois.of(userId);
        });
    }
}
