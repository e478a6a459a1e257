package org.myelin.api.client;

import org.myelin.api.Routes;
import org.myelin.http.Access;
import org.myelin.http.Json;
import org.myelin.http.MatrixException;
import org.myelin.http.Req;
import org.myelin.sync.Filters;

/**
 * POST /user/{userId}/filter and GET /user/{userId}/filter/{filterId}. A user may only upload
 * filters for themselves (403 otherwise) and only read their own; another user's filter is
 * indistinguishable from a missing one (404). Guests have no access (the guest module does not
 * list these endpoints; clients sync guests with inline filters).
 */
public final class FilterApi {
    private final Filters filters;

    public FilterApi(Filters filters) { this.filters = filters; }

    public void register(Routes routes) {
        routes.client("POST", "/user/{userId}/filter", Access.USER, req -> {
            if (!req.param("userId").equals(req.userId())) {
                throw MatrixException.forbidden("Cannot create filters for other users");
            }
            String id = filters.create(req.userId(), req.jsonAny());
            return Json.object().put("filter_id", id);
        });
        routes.client("GET", "/user/{userId}/filter/{filterId}", Access.USER, req -> {
            MatrixException notFound = MatrixException.notFound("No such filter");
            if (!req.param("userId").equals(req.userId())) throw notFound;
            return filters.definition(req.userId(), req.param("filterId")).orElseThrow(() -> notFound);
        });
    }
}
