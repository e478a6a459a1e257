package org.myelin.sync;

import org.myelin.http.MatrixException;

/**
 * The opaque since/next_batch token: a version tag and the position in every stream. New streams
 * are appended; a token missing trailing positions reads them as 0, so old tokens stay valid.
 */
public record SyncToken(long events, long accountData, long receipts, long typing, long presence, long toDevice,
                        long deviceLists) {
    private static final String PREFIX = "s1_";

    public static final SyncToken ZERO = new SyncToken(0, 0, 0, 0, 0, 0, 0);

    public static SyncToken parse(String s) {
        if (s == null || !s.startsWith(PREFIX)) throw MatrixException.invalidParam("Invalid sync token");
        String[] p = s.substring(PREFIX.length()).split("_");
        long[] v = new long[7];
        try {
            for (int i = 0; i < Math.min(p.length, v.length); i++) {
                v[i] = Long.parseLong(p[i]);
                if (v[i] < 0) throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("Invalid sync token");
        }
        return new SyncToken(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    }

    public static boolean isSyncToken(String s) { return s != null && s.startsWith(PREFIX); }

    @Override
    public String toString() {
        return PREFIX + events + "_" + accountData + "_" + receipts + "_" + typing + "_" + presence + "_" + toDevice + "_" + deviceLists;
    }

    public SyncToken withEvents(long e) { return new SyncToken(e, accountData, receipts, typing, presence, toDevice, deviceLists); }
}
