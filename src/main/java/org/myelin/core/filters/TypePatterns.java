package org.myelin.core.filters;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A compiled list of event type patterns, in which {@code *} matches any sequence of characters
 * (including none) and every other character only itself. Patterns without {@code *} go into a
 * hash set; the others are split once into their literal pieces, so matching is a hash lookup
 * plus, per wildcard pattern, a prefix/suffix check and a left-to-right scan for the middle
 * pieces (greedy-leftmost matching is exact for {@code *}-only globs). No regular expressions.
 */
final class TypePatterns {
    private final Set<String> exact;
    private final Glob[] globs;
    private final boolean any;

    private TypePatterns(Set<String> exact, Glob[] globs, boolean any) {
        this.exact = exact;
        this.globs = globs;
        this.any = any;
    }

    static TypePatterns compile(List<String> patterns) {
        Set<String> exact = new HashSet<>();
        List<Glob> globs = new ArrayList<>();
        boolean any = false;
        for (String p : patterns) {
            if (p.indexOf('*') < 0) {
                exact.add(p);
            } else if (p.chars().allMatch(ch -> ch == '*')) {
                any = true;
            } else {
                globs.add(Glob.of(p));
            }
        }
        return new TypePatterns(Set.copyOf(exact), globs.toArray(Glob[]::new), any);
    }

    boolean matches(String type) {
        if (any) return true;
        if (exact.contains(type)) return true;
        for (Glob g : globs) {
            if (g.matches(type)) return true;
        }
        return false;
    }

    /** One pattern with at least one {@code *}: literal prefix, middle pieces, literal suffix. */
    private record Glob(String prefix, String[] middle, String suffix) {
        static Glob of(String pattern) {
            String[] parts = pattern.split("\\*", -1);
            List<String> middle = new ArrayList<>();
            for (int i = 1; i < parts.length - 1; i++) {
                if (!parts[i].isEmpty()) middle.add(parts[i]);
            }
            return new Glob(parts[0], middle.toArray(String[]::new), parts[parts.length - 1]);
        }

        boolean matches(String s) {
            int end = s.length() - suffix.length();
            if (end < prefix.length() || !s.startsWith(prefix) || !s.endsWith(suffix)) return false;
            int at = prefix.length();
            for (String piece : middle) {
                int found = s.indexOf(piece, at);
                if (found < 0 || found + piece.length() > end) return false;
                at = found + piece.length();
            }
            return true;
        }
    }
}
