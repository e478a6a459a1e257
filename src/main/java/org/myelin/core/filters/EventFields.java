package org.myelin.core.filters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code event_fields} projection of a sync filter: an event reduced to the listed
 * dot-separated property paths (spec appendix "Dot-separated property paths": a backslash escapes
 * a literal dot or backslash inside a name, {@code content.m\.relates_to}; any other backslash
 * sequence is kept literally). Paths are compiled once into a tree; applying it copies only what
 * is kept, so the source event (possibly shared through a cache) is never modified or aliased.
 *
 * <p>A path whose parent is missing or not an object selects nothing and creates no empty
 * parents; a path that is a prefix of another keeps the whole subtree. An empty field list keeps
 * nothing (the spec only says an absent list keeps everything).
 */
public final class EventFields {
    private final Node root;

    private EventFields(Node root) { this.root = root; }

    /** Compiles a field list; null (all fields) gives null. */
    public static EventFields compile(List<String> fields) {
        if (fields == null) return null;
        Node root = new Node();
        for (String f : fields) {
            Node n = root;
            for (String name : split(f)) {
                if (n.whole) break;
                n = n.children.computeIfAbsent(name, k -> new Node());
            }
            n.whole = true;
            n.children.clear();
        }
        return new EventFields(root);
    }

    /** A copy of {@code event} with only the given paths; with {@code fields} null, a full copy. */
    public static ObjectNode apply(ObjectNode event, List<String> fields) {
        return fields == null ? event.deepCopy() : compile(fields).apply(event);
    }

    /** A copy of {@code event} with only this projection's paths. */
    public ObjectNode apply(ObjectNode event) {
        return project(event, root);
    }

    private static ObjectNode project(ObjectNode src, Node node) {
        ObjectNode out = src.objectNode();
        for (Map.Entry<String, Node> e : node.children.entrySet()) {
            JsonNode v = src.get(e.getKey());
            if (v == null) continue;
            Node child = e.getValue();
            if (child.whole) {
                out.set(e.getKey(), v.deepCopy());
            } else if (v instanceof ObjectNode o) {
                ObjectNode sub = project(o, child);
                if (!sub.isEmpty()) out.set(e.getKey(), sub);
            }
        }
        return out;
    }

    /** Splits a dotted path into property names, undoing the {@code \.} and {@code \\} escapes. */
    static List<String> split(String path) {
        List<String> names = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' && i + 1 < path.length() && (path.charAt(i + 1) == '.' || path.charAt(i + 1) == '\\')) {
                cur.append(path.charAt(++i));
            } else if (c == '.') {
                names.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        names.add(cur.toString());
        return names;
    }

    private static final class Node {
        final Map<String, Node> children = new LinkedHashMap<>();
        boolean whole;
    }
}
