package org.myelin.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps (method, path) to a route with a segment trie. Templates look like
 * {@code /_matrix/client/v3/rooms/{roomId}/send/{type}/{txnId}}; literal segments win over
 * parameters. Path parameters are percent-decoded per segment, after splitting, so that an
 * encoded '/' inside an ID cannot change which route matches.
 */
public final class Router {

    public record Route(String method, String template, Access access, int maxBody, String rateClass, Handler handler) {}

    public record Match(Route route, Map<String, String> params) {}

    /** The path exists but not for this method (405), or does not exist at all (404). */
    public sealed interface Result permits Found, WrongMethod, NotFound {}

    public record Found(Match match) implements Result {}

    public record WrongMethod() implements Result {}

    public record NotFound() implements Result {}

    private static final class Node {
        final Map<String, Node> literals = new HashMap<>();
        Node param;
        String paramName;
        final Map<String, Route> routes = new HashMap<>();
    }

    private final Node root = new Node();
    private final List<Route> all = new ArrayList<>();

    /** Every registered route, in registration order (for tests and diagnostics). */
    public List<Route> routes() { return List.copyOf(all); }

    public void add(Route route) {
        Node n = root;
        for (String seg : split(route.template())) {
            if (seg.startsWith("{") && seg.endsWith("}")) {
                String name = seg.substring(1, seg.length() - 1);
                if (n.param == null) {
                    n.param = new Node();
                    n.paramName = name;
                } else if (!n.paramName.equals(name)) {
                    throw new IllegalStateException("conflicting parameter names at " + route.template());
                }
                n = n.param;
            } else {
                n = n.literals.computeIfAbsent(seg, k -> new Node());
            }
        }
        if (n.routes.putIfAbsent(route.method(), route) != null) {
            throw new IllegalStateException("duplicate route " + route.method() + " " + route.template());
        }
        all.add(route);
    }

    public Result find(String method, String rawPath) {
        List<String> segs = split(rawPath);
        Map<String, String> params = new LinkedHashMap<>();
        Node n = walk(root, segs, 0, params);
        if (n == null || n.routes.isEmpty()) return new NotFound();
        Route r = n.routes.get(method);
        if (r == null && "HEAD".equals(method)) r = n.routes.get("GET");
        if (r == null) return new WrongMethod();
        return new Found(new Match(r, params));
    }

    private Node walk(Node n, List<String> segs, int i, Map<String, String> params) {
        if (i == segs.size()) return n;
        String seg = segs.get(i);
        Node lit = n.literals.get(seg);
        if (lit != null) {
            Node found = walk(lit, segs, i + 1, params);
            if (found != null && !found.routes.isEmpty()) return found;
        }
        if (n.param != null && !seg.isEmpty()) {
            String decoded = decode(seg);
            if (decoded == null) return null;
            params.put(n.paramName, decoded);
            Node found = walk(n.param, segs, i + 1, params);
            if (found != null && !found.routes.isEmpty()) return found;
            params.remove(n.paramName);
        }
        return null;
    }

    private static String decode(String seg) {
        if (seg.indexOf('%') < 0) return seg;
        try {
            return URLDecoder.decode(seg.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        int start = path.startsWith("/") ? 1 : 0;
        int len = path.length();
        if (len > start && path.endsWith("/")) len--;
        while (start <= len) {
            int slash = path.indexOf('/', start);
            if (slash < 0 || slash > len) slash = len;
            out.add(path.substring(start, slash));
            start = slash + 1;
        }
        return out;
    }
}
