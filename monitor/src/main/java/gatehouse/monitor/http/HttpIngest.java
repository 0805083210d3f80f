package gatehouse.monitor.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import gatehouse.monitor.ingest.Batch;
import gatehouse.monitor.ingest.BatchReader;
import gatehouse.monitor.ingest.Feed;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Accepts CloudTrail records over HTTP for a live {@code gatehouse monitor run}: {@code POST PATH} with a body in any
 * format a file may have ({@code {"Records":[…]}}, a JSON array, JSON lines, EventBridge envelopes; gzip by
 * {@code Content-Encoding: gzip} or by its magic bytes).
 *
 * <p>A request is all or nothing: its body is spooled to a private temporary file while it arrives (memory does not
 * grow with its size; at most {@code maxBody} bytes, counted both as received and after decompression), checked
 * completely on the request's own thread, and only then queued to the run, whose single thread counts it. So a
 * malformed body ({@code 400}, naming {@code request-N:line:col}) counts nothing, and a slow sender holds only its
 * own handler thread. The answer, {@code 202} with the counts as JSON, comes after the run committed the events to
 * the store. Other answers: {@code 401} (token or signature missing or wrong), {@code 404}, {@code 405},
 * {@code 413} (body too large), {@code 415} (a content encoding other than gzip), {@code 503} (the run is stopping).
 *
 * <p>Binds to loopback only unless {@code allowRemote}, which then requires a secret. With a secret, a request
 * carries {@code Authorization: Bearer SECRET}, or {@code X-Gatehouse-Signature: sha256=HEX}, the HMAC-SHA256 of the
 * body (as sent) keyed with the secret. Thread-safe.
 */
public final class HttpIngest implements Feed {
    /** The header of a body signature. */
    public static final String SIGNATURE_HEADER = "X-Gatehouse-Signature";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ANSWER_TIMEOUT_MINUTES = 5;

    private final Settings settings;
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private HttpServer server;
    private ExecutorService executor;
    private volatile Sink sink;

    /**
     * How the endpoint behaves.
     *
     * @param endpoint where to listen
     * @param allowRemote allow a non-loopback address (then a secret is required)
     * @param secret the shared secret (bearer token and HMAC key), or null for none
     * @param maxBody the largest body accepted, in bytes, as received and after decompression
     * @param threads request handler threads (requests are counted one at a time all the same)
     */
    public record Settings(HttpEndpoint endpoint, boolean allowRemote, byte[] secret, long maxBody, int threads) {
        /** Default {@code maxBody}: 64 MiB. */
        public static final long DEFAULT_MAX_BODY = 64L << 20;

        public Settings {
            Objects.requireNonNull(endpoint, "endpoint");
            if (maxBody < 1) {
                throw new IllegalArgumentException("the body limit must be positive");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("at least one handler thread");
            }
            if (secret != null && secret.length == 0) {
                throw new IllegalArgumentException("the secret is empty");
            }
        }
    }

    public Settings settings() {
        return settings;
    }

    /** Requests so far: accepted (202) and refused (any other answer). */
    public record Stats(long accepted, long refused, long events) {}

    /**
     * @throws IllegalArgumentException when the address is not loopback and remote senders were not allowed, or were
     *     allowed without a secret
     */
    public HttpIngest(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        if (!settings.endpoint().loopback() && !settings.allowRemote()) {
            throw new IllegalArgumentException(settings.endpoint().host() + " is not a loopback address: other machines could"
                    + " send events; listen on 127.0.0.1, or allow it explicitly (with a secret)");
        }
        if (!settings.endpoint().loopback() && settings.secret() == null) {
            throw new IllegalArgumentException("listening on " + settings.endpoint().host() + " needs a secret, so that only"
                    + " holders of it can send events");
        }
    }

    /**
     * Binds the socket (once), so that the caller can tell the address, or fail early, before the run starts;
     * requests queue in the socket's backlog until {@link #start}.
     *
     * @return the URL the endpoint answers on (with the port actually bound)
     * @throws IOException when the address cannot be bound (e.g. the port is taken)
     */
    public synchronized URI bind() throws IOException {
        if (server == null) {
            server = HttpServer.create(settings.endpoint().socketAddress(), 64);
        }
        return uri();
    }

    @Override
    public synchronized void start(Sink sink) throws IOException {
        bind();
        this.sink = sink;
        executor = Executors.newFixedThreadPool(settings.threads(), Thread.ofPlatform().daemon().name("gatehouse-monitor-http-", 1)
                .factory());
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The URL the endpoint answers on (with the port actually bound). */
    public synchronized URI uri() {
        if (server == null) {
            throw new IllegalStateException("not bound");
        }
        String host = settings.endpoint().host();
        return URI.create("http://" + host + ":" + server.getAddress().getPort() + settings.endpoint().path());
    }

    public Stats stats() {
        return new Stats(accepted.get(), refused.get(), events.get());
    }

    @Override
    public boolean busy() {
        return inFlight.get() > 0;
    }

    private void handle(HttpExchange x) throws IOException {
        inFlight.incrementAndGet();
        try {
            handleCounted(x);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void handleCounted(HttpExchange x) throws IOException {
        Path spool = null;
        try (x) {
            if (!x.getRequestURI().getRawPath().equals(settings.endpoint().path())) {
                answer(x, 404, "no such endpoint: events are posted to " + settings.endpoint().path(), true);
                return;
            }
            if (!x.getRequestMethod().equals("POST")) {
                x.getResponseHeaders().set("Allow", "POST");
                answer(x, 405, "use POST to send events", true);
                return;
            }
            String signature = x.getRequestHeaders().getFirst(SIGNATURE_HEADER);
            boolean bearer = settings.secret() == null || bearerMatches(x.getRequestHeaders().getFirst("Authorization"));
            if (!bearer && signature == null) {
                x.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"gatehouse\"");
                answer(x, 401, "missing or wrong token: send Authorization: Bearer TOKEN or " + SIGNATURE_HEADER
                        + ": sha256=HMAC", true);
                return;
            }
            String encoding = x.getRequestHeaders().getFirst("Content-Encoding");
            boolean gzip = encoding != null && encoding.trim().equalsIgnoreCase("gzip");
            if (encoding != null && !gzip && !encoding.trim().equalsIgnoreCase("identity")) {
                answer(x, 415, "unsupported Content-Encoding '" + encoding + "': send gzip or identity", true);
                return;
            }
            String length = x.getRequestHeaders().getFirst("Content-Length");
            if (length != null && parseLength(length) > settings.maxBody()) {
                answer(x, 413, "body of " + length.trim() + " bytes is larger than the limit of " + settings.maxBody() + " bytes",
                        true);
                return;
            }
            spool = Files.createTempFile("gatehouse-monitor-", ".body");
            Mac mac = !bearer ? mac() : null;
            if (!copy(x.getRequestBody(), spool, mac)) {
                answer(x, 413, "body is larger than the limit of " + settings.maxBody() + " bytes", true);
                return;
            }
            if (mac != null && !signatureMatches(signature, mac.doFinal())) {
                answer(x, 401, "wrong " + SIGNATURE_HEADER + ": expected sha256= and the hex HMAC-SHA256 of the body", false);
                return;
            }
            String name = "request-" + seq.incrementAndGet();
            Path body = spool;
            Batch.Source source = () -> decoded(Files.newInputStream(body), gzip);
            BatchReader.Outcome check;
            try (InputStream in = source.open()) {
                check = BatchReader.read(name, in, 0, gatehouse.monitor.ingest.Projection.ofFields(Set.of()), e -> true);
            } catch (TooLarge e) {
                answer(x, 413, "body is larger than the limit of " + settings.maxBody() + " bytes after decompression", false);
                return;
            } catch (NotGzip e) {
                answer(x, 400, name + ":1:1: error: Content-Encoding is gzip but the body is not gzip", false);
                return;
            } catch (IOException e) {
                answer(x, 500, "cannot read the spooled body: " + e.getMessage(), false);
                return;
            }
            if (check.end() != BatchReader.End.COMPLETE) {
                answer(x, 400, check.problem().headline() + " (nothing of this request was counted)", false);
                return;
            }
            Batch.Result r;
            try {
                r = sink.submit(new Batch(name, source, 0, null)).get(ANSWER_TIMEOUT_MINUTES, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                x.getResponseHeaders().set("Retry-After", "5");
                answer(x, 503, "the monitor run is stopping; nothing of this request was counted", false);
                return;
            } catch (TimeoutException e) {
                answer(x, 503, "the monitor run did not take the request in time; it may still be counted", false);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer(x, 503, "the monitor run is stopping", false);
                return;
            }
            if (r.read().end() != BatchReader.End.COMPLETE) {
                // the spooled body was checked, so only a failing disk gets here
                answer(x, 500, "the body could not be read back: " + r.events() + " of its events were counted", false);
                return;
            }
            accepted.incrementAndGet();
            events.addAndGet(r.events());
            byte[] json = (JSON.createObjectNode().put("request", name).put("records", r.read().records())
                    .put("events", r.events()).put("matched", r.matched()).put("duplicates", r.duplicates())
                    .put("late", r.late()).put("untimed", r.untimed()).toString() + "\n").getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(202, json.length);
            x.getResponseBody().write(json);
        } catch (IOException e) {
            // the sender went away mid-body, or the spool could not be written: nothing of the request was counted
            refused.incrementAndGet();
            sink.warn("http", "a request from " + x.getRemoteAddress() + " failed: " + e.getMessage());
        } catch (RuntimeException e) {
            answer(x, 500, "internal error: " + e, true);
        } finally {
            if (spool != null) {
                Files.deleteIfExists(spool);
            }
        }
    }

    private void answer(HttpExchange x, int status, String message, boolean close) {
        refused.incrementAndGet();
        Sink s = sink;
        if (s != null && status != 503) {
            s.warn("http", x.getRequestMethod() + " " + x.getRequestURI().getRawPath() + " from " + x.getRemoteAddress() + ": "
                    + status + " " + message.replace('\n', ' '));
        }
        byte[] b = (message.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            x.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            if (close) {
                // the body was not read: do not let the server drain it
                x.getResponseHeaders().set("Connection", "close");
            }
            x.sendResponseHeaders(status, b.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(b);
            }
        } catch (IOException e) {
            // the sender went away
        }
    }

    private static long parseLength(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Copies the body to {@code to}, feeding {@code mac}; false when it is larger than the limit. */
    private boolean copy(InputStream in, Path to, Mac mac) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(to)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > settings.maxBody()) {
                    return false;
                }
                out.write(buf, 0, n);
                if (mac != null) {
                    mac.update(buf, 0, n);
                }
            }
        }
        return true;
    }

    /** The body decompressed when it is gzip (by header or magic bytes), never longer than the limit. */
    private InputStream decoded(InputStream raw, boolean declaredGzip) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        boolean magic = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        if (declaredGzip && !magic) {
            in.close();
            throw new NotGzip();
        }
        return magic ? new Limited(new GZIPInputStream(in, 1 << 16), settings.maxBody()) : in;
    }

    private boolean bearerMatches(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(sha256(given), sha256(settings.secret()));
    }

    private boolean signatureMatches(String header, byte[] expected) {
        String h = header.trim();
        if (!h.regionMatches(true, 0, "sha256=", 0, 7)) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(h.substring(7).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, expected);
    }

    private Mac mac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(settings.secret(), "HmacSHA256"));
            return m;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(1);
            server = null;
        }
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A decompressed body over the limit. */
    private static final class TooLarge extends IOException {
        TooLarge() {
            super("body too large", null);
        }
    }

    /** A body declared gzip that is not. */
    private static final class NotGzip extends IOException {
        NotGzip() {
            super("not gzip", null);
        }
    }

    private static final class Limited extends FilterInputStream {
        private final long limit;
        private long count;

        Limited(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && ++count > limit) {
                throw new TooLarge();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && (count += n) > limit) {
                throw new TooLarge();
            }
            return n;
        }
    }
}
