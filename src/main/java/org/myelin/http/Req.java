package org.myelin.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** One client request as handlers see it: parameters, query, body and the authenticated caller. */
public final class Req {
    private final String method;
    private final String path;
    private final Map<String, String> params;
    private final Map<String, List<String>> query;
    private final Function<String, String> headers;
    private final byte[] body;
    private final String remoteIp;
    private final Auth auth;
    private JsonNode parsed;

    public Req(String method, String path, Map<String, String> params, Map<String, List<String>> query,
               Function<String, String> headers, byte[] body, String remoteIp, Auth auth) {
        this.method = method;
        this.path = path;
        this.params = params;
        this.query = query;
        this.headers = headers;
        this.body = body;
        this.remoteIp = remoteIp;
        this.auth = auth;
    }

    public String method() { return method; }

    public String path() { return path; }

    public String remoteIp() { return remoteIp; }

    public byte[] rawBody() { return body; }

    public String header(String name) { return headers.apply(name); }

    /** The caller; only null on PUBLIC/OPTIONAL routes. */
    public Auth auth() { return auth; }

    public String userId() { return auth == null ? null : auth.userId(); }

    /** A path parameter, already percent-decoded. */
    public String param(String name) { return params.get(name); }

    public String query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public List<String> queryAll(String name) { return query.getOrDefault(name, List.of()); }

    /** An integer parameter clamped to [min, max]; the default (which may come from a filter) is clamped too. */
    public int queryInt(String name, int dflt, int min, int max) {
        String s = query(name);
        if (s == null || s.isEmpty()) return Math.max(min, Math.min(max, dflt));
        try {
            long v = Long.parseLong(s);
            return (int) Math.max(min, Math.min(max, v));
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("Query parameter '" + name + "' must be an integer");
        }
    }

    public long queryLong(String name, long dflt) {
        String s = query(name);
        if (s == null || s.isEmpty()) return dflt;
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("Query parameter '" + name + "' must be an integer");
        }
    }

    public boolean queryBool(String name, boolean dflt) {
        String s = query(name);
        if (s == null || s.isEmpty()) return dflt;
        return switch (s) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw MatrixException.invalidParam("Query parameter '" + name + "' must be true or false");
        };
    }

    /** The body as any JSON value (M_NOT_JSON when it is not JSON). */
    public JsonNode jsonAny() {
        if (parsed == null) {
            if (body == null || body.length == 0) throw MatrixException.notJson("Request body is empty; expected JSON");
            parsed = Json.parse(body);
        }
        return parsed;
    }

    /** The body as a JSON object; an empty body reads as {} because several endpoints allow it. */
    public Body json() {
        if (body == null || body.length == 0) return new Body(Json.object());
        return Body.of(jsonAny());
    }
}
