package org.myelin.http;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.myelin.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Jetty on virtual threads: every request runs as plain blocking code on its own virtual thread.
 * This class owns everything that is the same for all endpoints: CORS, routing, 404/405, body
 * limits, JSON parsing errors, authentication, rate limits, error rendering and the request log.
 */
public final class HttpServer {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private static final Logger requestLog = LoggerFactory.getLogger("myelin.request");
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

    private final Config config;
    // Set by listen(), before the connector accepts its first connection.
    private Router router;
    private TokenAuthenticator authenticator;
    private RateLimiter rateLimiter;
    private Server server;
    private ServerConnector connector;

    public HttpServer(Config config) {
        this.config = config;
    }

    /**
     * Builds and starts Jetty (thread pool, scheduler, handlers) without opening the port. About a
     * quarter of start-up is Jetty loading and initialising its classes; this step runs on another
     * core while storage opens, and nothing can connect before {@link #listen} has the routes.
     */
    public void startWithoutListening() throws Exception {
        VirtualThreadPool pool = new VirtualThreadPool();
        pool.setName("myelin");
        // Parked long-polls (/sync) each hold a task; the default cap of 200 would stop the server.
        pool.setMaxConcurrentTasks(1_000_000);
        server = new Server(pool);
        HttpConfiguration hc = new HttpConfiguration();
        hc.setSendServerVersion(false);
        hc.setSendDateHeader(false);
        // IDs in paths are percent-encoded and may contain an encoded '/'; the router decodes per segment.
        hc.setUriCompliance(UriCompliance.LEGACY);
        // Jetty keeps a per-connection cache of repeated request headers, about 100 KB once built.
        // Every client holds a connection open for its /sync long-polls: at 10,000 connections that
        // cache alone was 1 GB of heap. Parsing the few headers of a request without it costs little.
        hc.setHeaderCacheSize(0);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(hc));
        connector.setHost(config.listenHost());
        connector.setPort(config.listenPort());
        // Longer than the longest /sync long-poll (5 minutes), so a parked request is never cut off as idle.
        connector.setIdleTimeout(360_000);
        // GracefulHandler lets in-flight requests finish when the server is stopped (SIGTERM).
        server.setHandler(new org.eclipse.jetty.server.handler.GracefulHandler(new MatrixHandler()));
        server.setErrorHandler(new JsonErrorHandler());
        server.setStopTimeout(10_000);
        server.setStopAtShutdown(false);
        server.start();
    }

    /** Opens the port and serves these routes. */
    public void listen(Router router, TokenAuthenticator authenticator, RateLimiter rateLimiter) throws Exception {
        this.router = router;
        this.authenticator = authenticator;
        this.rateLimiter = rateLimiter;
        server.addConnector(connector);
        connector.start();
    }

    public int port() { return connector.getLocalPort(); }

    /** Stops accepting, lets in-flight requests finish (up to the stop timeout), then stops. */
    public void stop() throws Exception {
        if (server != null) server.stop();
    }

    private static void cors(Response response) {
        HttpFields.Mutable h = response.getHeaders();
        h.put("Access-Control-Allow-Origin", "*");
        h.put("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
        h.put("Access-Control-Allow-Headers", "X-Requested-With, Content-Type, Authorization, Date");
        h.put("Access-Control-Expose-Headers", "Synapse-Trace-Id, Server");
    }

    private final class MatrixHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            long start = System.nanoTime();
            String method = request.getMethod();
            String path = request.getHttpURI().getPath();
            if (path == null) path = "/";
            int status;
            try {
                cors(response);
                if ("OPTIONS".equals(method)) {
                    status = send(response, callback, Reply.json(200, Map.of()));
                } else {
                    status = send(response, callback, dispatch(request, method, path));
                }
            } catch (MatrixException e) {
                settleBody(request, response);
                status = send(response, callback, errorReply(e));
            } catch (Throwable t) {
                String id = UUID.randomUUID().toString().substring(0, 8);
                log.error("internal error {} on {} {}", id, method, path, t);
                settleBody(request, response);
                status = send(response, callback, Reply.json(500, Map.of("errcode", "M_UNKNOWN",
                        "error", "Internal server error (id " + id + ")")));
            }
            if (config.logRequests()) {
                requestLog.info("{} {} {} {}ms", method, path, status, (System.nanoTime() - start) / 1_000_000);
            }
            return true;
        }
    }

    /** A MatrixException as a reply; 429s also carry the Retry-After header the spec asks for (v1.10). */
    private static Reply errorReply(MatrixException e) {
        Map<String, String> headers = Map.of();
        if (e.extra().get("retry_after_ms") instanceof Number ms) {
            headers = Map.of("Retry-After", Long.toString(Math.max(1, (ms.longValue() + 999) / 1000)));
        }
        return new Reply(e.status(), e.body(), null, null, headers);
    }

    private Object dispatch(Request request, String method, String path) throws Exception {
        Router.Result result = router.find(method, path);
        Router.Match match = switch (result) {
            case Router.Found f -> f.match();
            case Router.WrongMethod w -> throw MatrixException.unrecognized(405, "Method " + method + " not allowed on " + path);
            case Router.NotFound n -> throw MatrixException.unrecognized(404, "Unrecognized request");
        };
        Router.Route route = match.route();
        String ip = Request.getRemoteAddr(request);
        Map<String, List<String>> query = query(request);
        Auth auth = authenticate(request, route.access(), ip, query);
        rateLimiter.acquire(route.rateClass(), auth != null ? auth.userId() : ip);
        byte[] body = readBody(request, route.maxBody() > 0 ? route.maxBody() : config.limits().maxRequestBodyBytes());
        Req req = new Req(method, path, match.params(), query, request.getHeaders()::get, body, ip, auth);
        return route.handler().handle(req);
    }

    private Auth authenticate(Request request, Access access, String ip, Map<String, List<String>> query) {
        if (access == Access.PUBLIC) return null;
        String token = null;
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header != null) {
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new MatrixException(401, "M_MISSING_TOKEN", "Authorization header must use the Bearer scheme");
            }
            token = header.substring(7).trim();
        }
        if (token == null && query.containsKey("access_token")) {
            throw new MatrixException(401, "M_MISSING_TOKEN",
                    "Access tokens in the query string are not accepted; use the Authorization header");
        }
        if (token == null || token.isEmpty()) {
            if (access == Access.OPTIONAL) return null;
            throw new MatrixException(401, "M_MISSING_TOKEN", "Missing access token");
        }
        Auth auth = authenticator.authenticate(token, ip, request.getHeaders().get(HttpHeader.USER_AGENT));
        if (auth.guest() && access == Access.USER) {
            throw new MatrixException(403, "M_GUEST_ACCESS_FORBIDDEN", "Guest access is not allowed for this endpoint");
        }
        return auth;
    }

    private static Map<String, List<String>> query(Request request) {
        if (request.getHttpURI().getQuery() == null) return Map.of();
        Fields f;
        try {
            f = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            throw MatrixException.invalidParam("Malformed query string");
        }
        Map<String, List<String>> out = new HashMap<>();
        for (Fields.Field field : f) out.put(field.getName(), field.getValues());
        return out;
    }

    private static byte[] readBody(Request request, int limit) throws IOException {
        long declared = request.getLength();
        if (declared > limit) throw MatrixException.tooLarge("Request body too large (limit " + limit + " bytes)");
        if (declared == 0) return markRead(request, new byte[0]);
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] b = in.readNBytes(limit + 1);
            if (b.length > limit) throw MatrixException.tooLarge("Request body too large (limit " + limit + " bytes)");
            return markRead(request, b);
        }
    }

    private static final String BODY_READ = "myelin.bodyRead";

    private static byte[] markRead(Request request, byte[] body) {
        request.setAttribute(BODY_READ, Boolean.TRUE);
        return body;
    }

    /**
     * For an error answered before the body was read (unknown route, bad token, malformed query):
     * reads and drops the body, within the size limit, so that the connection stays usable.
     * Otherwise Jetty would close it after the response without saying so, and the client's next
     * request on it would fail. A body over the limit closes the connection, announced.
     */
    private void settleBody(Request request, Response response) {
        if (request.getAttribute(BODY_READ) != null) return;
        try {
            readBody(request, config.limits().maxRequestBodyBytes());
        } catch (IOException | RuntimeException e) { // M_TOO_LARGE included
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    private static int send(Response response, Callback callback, Object result) {
        Reply reply = result instanceof Reply r ? r : Reply.json(200, result);
        response.setStatus(reply.status());
        reply.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        byte[] bytes;
        if (reply.bytes() != null) {
            bytes = reply.bytes();
            if (reply.contentType() != null) response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        } else {
            bytes = reply.json() == null ? EMPTY_OBJECT : Json.write(reply.json());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
        return reply.status();
    }

    /** Errors Jetty raises itself (malformed HTTP, bad URIs) also get a Matrix JSON body. */
    private static final class JsonErrorHandler extends ErrorHandler {
        /** Jetty writes error bodies only for GET, POST and HEAD; every method gets the JSON error here. */
        @Override
        public boolean errorPageForMethod(String method) { return true; }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                        Callback callback) {
            cors(response);
            String errcode = code == 404 || code == 405 ? "M_UNRECOGNIZED" : code == 413 ? "M_TOO_LARGE" : "M_UNKNOWN";
            byte[] b = Json.write(Map.of("errcode", errcode, "error", message == null ? "Error " + code : message));
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            // Jetty may drop the connection after a request it could not parse (URI too long, illegal
            // characters); saying so keeps a client from sending its next request into a closed socket.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            response.write(true, ByteBuffer.wrap(b), callback);
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
            return ByteBuffer.wrap(Json.write(Map.of("errcode", "M_UNKNOWN", "error", reason == null ? "Bad request" : reason)));
        }
    }
}
