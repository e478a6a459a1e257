package org.myelin.http;

import java.util.Map;

/**
 * A handler result that needs more than "200 with this JSON": another status, raw bytes with a
 * content type, or extra headers. Handlers that return any other object get 200 + JSON.
 */
public record Reply(int status, Object json, byte[] bytes, String contentType, Map<String, String> headers) {
    public static Reply json(int status, Object json) { return new Reply(status, json, null, null, Map.of()); }

    public static Reply bytes(int status, byte[] bytes, String contentType, Map<String, String> headers) {
        return new Reply(status, null, bytes, contentType, headers);
    }
}
