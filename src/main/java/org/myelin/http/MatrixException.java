package org.myelin.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one way a handler reports a client-visible failure: an HTTP status, a Matrix errcode, a
 * human message and optional extra top-level fields (e.g. retry_after_ms, soft_logout). The HTTP
 * layer renders it as {"errcode": ..., "error": ..., ...}.
 */
public class MatrixException extends RuntimeException {
    private final int status;
    private final String errcode;
    private final Map<String, Object> extra;

    public MatrixException(int status, String errcode, String message) {
        this(status, errcode, message, Map.of());
    }

    public MatrixException(int status, String errcode, String message, Map<String, Object> extra) {
        super(message, null, false, false);
        this.status = status;
        this.errcode = errcode;
        this.extra = extra;
    }

    public int status() { return status; }

    public String errcode() { return errcode; }

    public Map<String, Object> extra() { return extra; }

    public Map<String, Object> body() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("errcode", errcode);
        m.put("error", getMessage());
        m.putAll(extra);
        return m;
    }

    public static MatrixException badJson(String msg) { return new MatrixException(400, "M_BAD_JSON", msg); }

    public static MatrixException notJson(String msg) { return new MatrixException(400, "M_NOT_JSON", msg); }

    public static MatrixException missingParam(String msg) { return new MatrixException(400, "M_MISSING_PARAM", msg); }

    public static MatrixException invalidParam(String msg) { return new MatrixException(400, "M_INVALID_PARAM", msg); }

    public static MatrixException forbidden(String msg) { return new MatrixException(403, "M_FORBIDDEN", msg); }

    public static MatrixException notFound(String msg) { return new MatrixException(404, "M_NOT_FOUND", msg); }

    public static MatrixException unrecognized(int status, String msg) { return new MatrixException(status, "M_UNRECOGNIZED", msg); }

    public static MatrixException unknown(String msg) { return new MatrixException(400, "M_UNKNOWN", msg); }

    public static MatrixException tooLarge(String msg) { return new MatrixException(413, "M_TOO_LARGE", msg); }

    public static MatrixException limitExceeded(long retryAfterMs) {
        return new MatrixException(429, "M_LIMIT_EXCEEDED", "Too many requests",
                Map.of("retry_after_ms", retryAfterMs));
    }
}
