package gatehouse.monitor.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs the event as JSON ({@link ActionEvent#toJson()}) to a URL, the way the pipeline's notifier does:
 * {@code Content-Type: application/json}, {@code X-Gatehouse-Signature: sha256=HEX} (HMAC-SHA256 of the exact
 * body bytes, keyed with the UTF-8 secret) when a secret is set, plus {@code X-Gatehouse-Event} (the kind) and
 * {@code X-Gatehouse-Delivery} (one id per execution, the same on every retry, so receivers can de-duplicate).
 *
 * <p>Retries on connection errors, timeouts, 5xx and 429 with exponential back-off ({@code backoff}, doubled
 * each time); a 4xx other than 429 means the request itself is wrong and ends the execution. Every attempt is
 * bounded by {@code timeout} and the whole execution by {@code deadline}: no attempt starts that could not
 * finish before it, so a dead receiver costs the caller at most {@code deadline}.
 */
public final class WebhookAction implements Action {
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final int MAX_OUTPUT = 512;
    private final String name;
    private final URI url;
    private final String secret;
    private final Options options;
    private final HttpClient client;

    /**
     * @param attempts most tries per execution (≥ 1)
     * @param timeout  per attempt: connect plus answer
     * @param backoff  wait before the second attempt; doubled before each later one
     * @param deadline the whole execution, retries and waits included
     */
    public record Options(int attempts, Duration timeout, Duration backoff, Duration deadline) {
        public Options {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be >= 1: " + attempts);
            }
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(backoff, "backoff");
            Objects.requireNonNull(deadline, "deadline");
        }

        /** 3 attempts, 5 s each, 500 ms back-off, 20 s in all. */
        public static Options defaults() {
            return new Options(3, Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(20));
        }
    }

    /**
     * @param url    an http or https URL
     * @param secret the HMAC key; null or empty for an unsigned request. Never logged or audited.
     * @throws IllegalArgumentException for a URL that is not absolute http(s)
     */
    public WebhookAction(String name, String url, String secret, Options options) {
        this.name = Objects.requireNonNull(name, "name");
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage());
        }
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
            throw new IllegalArgumentException("a webhook URL must be absolute http:// or https://");
        }
        this.url = u;
        this.secret = secret == null || secret.isEmpty() ? null : secret;
        this.options = Objects.requireNonNull(options, "options");
        this.client = HttpClient.newBuilder().connectTimeout(options.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "webhook";
    }

    /** The URL without user info, query or fragment, which may carry tokens. */
    @Override
    public String target() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + Objects.requireNonNullElse(url.getRawPath(), "");
    }

    /** The signature header value for a body: {@code sha256=} and the lower-case hex HMAC-SHA256. */
    public static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The exact bytes POSTed for an event. */
    public static byte[] body(ActionEvent event) {
        try {
            return JSON.writeValueAsBytes(event.toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event details are not JSON-representable: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public ActionResult execute(ActionEvent event) {
        long start = System.nanoTime();
        long deadline = start + options.deadline().toNanos();
        byte[] body = body(event);
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(options.timeout())
                .header("Content-Type", "application/json").header("User-Agent", "gatehouse")
                .header("X-Gatehouse-Event", event.kind()).header("X-Gatehouse-Delivery", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (secret != null) {
            req.header("X-Gatehouse-Signature", signature(secret, body));
        }
        Masking mask = new Masking(secret == null ? List.of() : List.of(secret));
        String last = "not attempted";
        String output = "";
        long wait = options.backoff().toNanos();
        int attempt = 0;
        while (attempt < options.attempts()) {
            attempt++;
            try {
                HttpResponse<byte[]> r = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                byte[] b = r.body();
                output = mask.apply(new String(b, 0, Math.min(b.length, MAX_OUTPUT), StandardCharsets.UTF_8));
                last = "HTTP " + r.statusCode();
                if (r.statusCode() / 100 == 2) {
                    return new ActionResult(true, attempt, last, output, Duration.ofNanos(System.nanoTime() - start));
                }
                if (r.statusCode() / 100 == 4 && r.statusCode() != 429) {
                    break; // the request itself is wrong: retrying will not help
                }
            } catch (java.net.http.HttpTimeoutException e) {
                last = "timed out after " + options.timeout().toMillis() + " ms";
            } catch (IOException e) {
                last = "unreachable: " + mask.apply(Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                last = "interrupted";
                break;
            }
            if (attempt < options.attempts()) {
                if (System.nanoTime() + wait + options.timeout().toNanos() > deadline) {
                    last += "; no time left for another attempt";
                    break;
                }
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    last = "interrupted";
                    break;
                }
                wait *= 2;
            }
        }
        return new ActionResult(false, attempt, last, output, Duration.ofNanos(System.nanoTime() - start));
    }
}
