package org.myelin.bench.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.myelin.bench.MatrixClient;
import org.myelin.bench.ServerProcess;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One HTTP/1.1 keep-alive connection to the server on 127.0.0.1, driven by blocking calls from a
 * (virtual) thread: the cheapest possible client, so that timed requests measure the server and
 * thousands of parked long-polls cost the load generator little (an 8 KiB read buffer each).
 * Not thread-safe: one request at a time per connection (calls are synchronized).
 */
final class RawHttp implements AutoCloseable {
    /** A response; {@code doneNanos} is when its last byte was read (before any JSON parsing). */
    record Reply(int status, byte[] body, long doneNanos) {
        JsonNode json() {
            if (body.length == 0) return MissingNode.getInstance();
            try {
                return MatrixClient.JSON.readTree(body);
            } catch (IOException e) {
                return MissingNode.getInstance();
            }
        }

        Reply ok(String what) throws IOException {
            if (status / 100 != 2) throw new IOException(what + " -> " + status + " " + new String(body, StandardCharsets.UTF_8));
            return this;
        }
    }

    private final int port;
    private final String hostHeader;
    private volatile Socket socket;
    private volatile boolean closed;
    private InputStream in;
    private OutputStream out;

    RawHttp(int port) {
        this.port = port;
        this.hostHeader = ServerProcess.HOST + ":" + port;
    }

    private void connect() throws IOException {
        if (closed) throw new IOException("connection closed by the benchmark");
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(ServerProcess.HOST, port), 10_000);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 8192);
        out = s.getOutputStream();
    }

    /** Opens the connection now (otherwise the first request does). */
    synchronized RawHttp open() throws IOException {
        if (socket == null) connect();
        return this;
    }

    /** Sends a JSON body (anything Jackson writes; null for none). */
    Reply json(String method, String target, String token, Object body) throws IOException {
        return exchange(method, target, token, body == null ? null : MatrixClient.JSON.writeValueAsBytes(body));
    }

    /** One request/response with a 60 s read timeout. */
    Reply exchange(String method, String target, String token, byte[] body) throws IOException {
        return exchange(method, target, token, body, 60_000);
    }

    /**
     * One request/response; waiting longer than {@code timeoutMs} for the server fails with a
     * SocketTimeoutException (and drops the connection). A connection the server closed is reopened
     * once, for requests sent on a stale one.
     */
    synchronized Reply exchange(String method, String target, String token, byte[] body, int timeoutMs) throws IOException {
        boolean fresh = socket == null;
        if (fresh) connect();
        socket.setSoTimeout(timeoutMs);
        StringBuilder h = new StringBuilder(256).append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ")
                .append(hostHeader).append("\r\n");
        if (token != null) h.append("Authorization: Bearer ").append(token).append("\r\n");
        if (body != null) h.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        else if (!method.equals("GET")) h.append("Content-Length: 0\r\n");
        h.append("\r\n");
        byte[] head = h.toString().getBytes(StandardCharsets.UTF_8);
        byte[] req = head;
        if (body != null) {
            req = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, req, head.length, body.length);
        }
        try {
            out.write(req);
            out.flush();
            return readResponse();
        } catch (IOException e) {
            closeQuietly();
            if (fresh || closed || e instanceof java.net.SocketTimeoutException) throw e;
            return exchange(method, target, token, body, timeoutMs);
        }
    }

    private Reply readResponse() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.")) throw new IOException("bad status line: " + status);
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = status.startsWith("HTTP/1.0");
        for (String l = line(); !l.isEmpty(); l = line()) {
            int c = l.indexOf(':');
            if (c < 0) continue;
            String name = l.substring(0, c).trim();
            String value = l.substring(c + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) length = Long.parseLong(value);
            else if (name.equalsIgnoreCase("Transfer-Encoding")) chunked = value.toLowerCase().contains("chunked");
            else if (name.equalsIgnoreCase("Connection")) close = value.equalsIgnoreCase("close");
        }
        byte[] body;
        if (chunked) {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            while (true) {
                String sz = line();
                int semi = sz.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? sz : sz.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (!line().isEmpty()) { /* trailers */ }
                    break;
                }
                b.write(in.readNBytes(n));
                line();
            }
            body = b.toByteArray();
        } else if (length >= 0) {
            body = in.readNBytes((int) length);
            if (body.length < length) throw new EOFException("response body cut short");
        } else {
            body = in.readAllBytes();
            close = true;
        }
        long done = System.nanoTime();
        if (close) closeQuietly();
        return new Reply(code, body, done);
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) throw new EOFException("connection closed");
            if (c == '\n') break;
            if (c != '\r') sb.append((char) c);
        }
        return sb.toString();
    }

    private void closeQuietly() {
        try {
            if (socket != null) socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        socket = null;
        in = null;
        out = null;
    }

    /** Closes the socket; a request blocked on it (a parked long-poll) fails at once. */
    @Override
    public void close() {
        closed = true;
        Socket s = socket;
        try {
            if (s != null) s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
