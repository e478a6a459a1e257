package org.myelin.core.glob;

import java.util.Arrays;

/**
 * The spec's glob-style patterns (appendix "Glob-style matching"): {@code *} matches zero or more
 * characters, {@code ?} exactly one, every other character only itself. Characters are Unicode code
 * points, so {@code ?} matches one emoji, not half of a surrogate pair. Case-insensitive globs
 * compare code points after simple case folding (server names in ACLs are case-insensitive).
 *
 * <p>Matching is the classic two-pointer wildcard algorithm with one backtrack point per {@code *}
 * run: worst case O(pattern × text), no regular expressions, so a hostile pattern in room state
 * (ACLs and policy rules come from other users) cannot cause catastrophic backtracking.
 */
public final class Glob {
    private static final int STAR = -1;
    private static final int ANY = -2;

    private final String pattern;
    private final boolean ignoreCase;
    /** Code points of the pattern, with STAR for a run of '*' and ANY for '?'. */
    private final int[] tokens;
    private final boolean literal;

    private Glob(String pattern, boolean ignoreCase) {
        this.pattern = pattern;
        this.ignoreCase = ignoreCase;
        int[] cps = pattern.codePoints().toArray();
        int[] out = new int[cps.length];
        int n = 0;
        boolean lit = true;
        for (int cp : cps) {
            if (cp == '*') {
                lit = false;
                if (n > 0 && out[n - 1] == STAR) continue;
                out[n++] = STAR;
            } else if (cp == '?') {
                lit = false;
                out[n++] = ANY;
            } else {
                out[n++] = ignoreCase ? fold(cp) : cp;
            }
        }
        this.tokens = Arrays.copyOf(out, n);
        this.literal = lit;
    }

    /** A case-sensitive glob. */
    public static Glob of(String pattern) { return new Glob(pattern, false); }

    /** A glob that ignores case (simple per-code-point folding). */
    public static Glob ignoringCase(String pattern) { return new Glob(pattern, true); }

    /** One-off match; compile with {@link #of} when the pattern is used more than once. */
    public static boolean matches(String pattern, String text) { return of(pattern).matches(text); }

    public String pattern() { return pattern; }

    /** True when the pattern has no wildcards (it matches exactly one string, modulo case). */
    public boolean isLiteral() { return literal; }

    public boolean matches(String text) {
        if (text == null) return false;
        int[] s = text.codePoints().toArray();
        if (ignoreCase) {
            for (int i = 0; i < s.length; i++) s[i] = fold(s[i]);
        }
        int[] p = tokens;
        int si = 0;
        int pi = 0;
        int starP = -1;
        int starS = 0;
        while (si < s.length) {
            if (pi < p.length && (p[pi] == ANY || (p[pi] >= 0 && p[pi] == s[si]))) {
                si++;
                pi++;
            } else if (pi < p.length && p[pi] == STAR) {
                // Try matching the star with nothing first; remember where to resume if that fails.
                starP = pi++;
                starS = si;
            } else if (starP >= 0) {
                // Let the last star absorb one more character and retry from there.
                pi = starP + 1;
                si = ++starS;
            } else {
                return false;
            }
        }
        while (pi < p.length && p[pi] == STAR) pi++;
        return pi == p.length;
    }

    private static int fold(int cp) { return Character.toLowerCase(Character.toUpperCase(cp)); }

    @Override
    public String toString() { return pattern; }
}
