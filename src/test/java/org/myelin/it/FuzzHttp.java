package org.myelin.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The HTTP side of {@link RouteFuzzTest}: requests through java.net.http (kept-alive connections)
 * for everything a URI can express, and over a plain socket for what it cannot (malformed percent
 * escapes, raw bytes in the path, bodies larger than the server accepts).
 */
final class FuzzHttp {
    /** What came back: status, content type and the raw body. */
    record Answer(int status, String contentType, byte[] body) {
        String text() { return new String(body, StandardCharsets.UTF_8); }
    }

    private final String host = "127.0.0.1";
    private final int port;
    private final HttpClient client;

    FuzzHttp(int port) {
        this.port = port;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** target is the already-encoded path plus query; auth is a whole Authorization header value or null. */
    Answer send(String method, String target, String auth, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + target))
                .timeout(Duration.ofSeconds(30));
        if (auth != null) b.header("Authorization", auth);
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
    }

    /**
     * One request over its own connection, written byte for byte: requestTarget may hold anything
     * (it is sent as ISO-8859-1, so chars up to 0xFF become single raw bytes). With chunked, the
     * body goes as one chunk of Transfer-Encoding: chunked instead of with a Content-Length. The
     * body is written on another thread, so that a server answering before it has read everything
     * (413) is still heard.
     */
    Answer raw(String method, String requestTarget, String auth, byte[] body, boolean chunked) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(requestTarget).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(host).append(':').append(port).append("\r\n");
            head.append("Connection: close\r\n");
            if (auth != null) head.append("Authorization: ").append(auth).append("\r\n");
            if (body != null) {
                head.append("Content-Type: application/json\r\n");
                if (chunked) head.append("Transfer-Encoding: chunked\r\n");
                else head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread writer = null;
            if (body != null) {
                writer = Thread.ofVirtual().start(() -> {
                    try {
                        if (chunked) out.write((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        for (int off = 0; off < body.length; off += 16_384) {
                            out.write(body, off, Math.min(16_384, body.length - off));
                        }
                        if (chunked) out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException ignored) {
                        // The server may stop reading once it has answered (e.g. 413); that is its right.
                    }
                });
            }
            byte[] all = readAll(s.getInputStream());
            if (writer != null) writer.interrupt();
            return parse(all);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        try {
            int n;
            while ((n = in.read(b)) >= 0) buf.write(b, 0, n);
        } catch (java.net.SocketException e) {
            // A reset after the response (the server closed while we were still writing) ends the stream.
            if (buf.size() == 0) throw e;
        }
        return buf.toByteArray();
    }

    private static Answer parse(byte[] all) throws IOException {
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || end < 0) throw new IOException("not an HTTP response: " + abbreviate(text));
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        String contentType = null;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon < 0) continue;
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("content-type")) contentType = value;
            if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) chunked = true;
        }
        byte[] rest = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        return new Answer(status, contentType, chunked ? dechunk(rest) : rest);
    }

    private static byte[] dechunk(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < b.length) {
            int lineEnd = indexOf(b, i);
            if (lineEnd < 0) break;
            String sizeLine = new String(b, i, lineEnd - i, StandardCharsets.US_ASCII).split(";")[0].trim();
            int size;
            try {
                size = Integer.parseInt(sizeLine, 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (size == 0) break;
            int start = lineEnd + 2;
            out.write(b, start, Math.min(size, b.length - start));
            i = start + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) if (b[i] == '\r' && b[i + 1] == '\n') return i;
        return -1;
    }

    static String abbreviate(String s) {
        s = s.replace("\r", "\\r").replace("\n", "\\n");
        return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
    }
}
