package gatehouse.monitor.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The webhook action against a real HTTP server on loopback. */
class WebhookActionTest {
    record Received(String body, String signature, String event, String delivery) {}

    HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();

    static final ActionEvent EVENT = new ActionEvent("alarm.transition", "alarm/ConsoleSignInFailures/ALARM",
            "ConsoleSignInFailures", "OK -> ALARM: 3 failed sign-ins in 300 s", details(),
            Instant.parse("2026-12-01T10:00:00Z"));

    static Map<String, Object> details() {
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("threshold", 3);
        d.put("state", "ALARM");
        return d;
    }

    /** Answers with the given statuses in turn (the last one repeats), after an optional delay. */
    String serve(long delayMs, int... statuses) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", x -> {
            int n = calls.getAndIncrement();
            byte[] body = x.getRequestBody().readAllBytes();
            received.add(new Received(new String(body, StandardCharsets.UTF_8), x.getRequestHeaders().getFirst("X-Gatehouse-Signature"),
                    x.getRequestHeaders().getFirst("X-Gatehouse-Event"), x.getRequestHeaders().getFirst("X-Gatehouse-Delivery")));
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(statuses[Math.min(n, statuses.length - 1)], answer.length);
            x.getResponseBody().write(answer);
            x.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static WebhookAction.Options fast(int attempts) {
        return new WebhookAction.Options(attempts, Duration.ofSeconds(2), Duration.ofMillis(20), Duration.ofSeconds(10));
    }

    @Test
    void postsTheEventSignedWithHmacSha256() throws Exception {
        String url = serve(0, 200);
        WebhookAction a = new WebhookAction("security", url, "s3cr3t-key", fast(3));
        ActionResult r = a.execute(EVENT);
        assertThat(r.ok()).isTrue();
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.outcome()).isEqualTo("HTTP 200");
        Received got = received.get(0);
        assertThat(got.body()).isEqualTo("{\"schemaVersion\":1,\"kind\":\"alarm.transition\",\"key\":\"alarm/ConsoleSignInFailures/ALARM\","
                + "\"subject\":\"ConsoleSignInFailures\",\"summary\":\"OK -> ALARM: 3 failed sign-ins in 300 s\","
                + "\"time\":\"2026-12-01T10:00:00Z\",\"details\":{\"threshold\":3,\"state\":\"ALARM\"}}");
        // the receiver can verify the signature with the shared key, over the exact bytes
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("s3cr3t-key".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(got.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(got.signature()).isEqualTo(expected);
        assertThat(got.event()).isEqualTo("alarm.transition");
        assertThat(got.delivery()).matches("[0-9a-f-]{36}");
        assertThat(a.target()).doesNotContain("s3cr3t");
    }

    @Test
    void bodyIsCanonicalJsonOfTheEvent() throws Exception {
        ActionEvent e = new ActionEvent("k", "key", "s", "sum", new java.util.LinkedHashMap<>(Map.of("a", 1)), Instant.EPOCH);
        assertThat(new String(WebhookAction.body(e), StandardCharsets.UTF_8)).isEqualTo(
                "{\"schemaVersion\":1,\"kind\":\"k\",\"key\":\"key\",\"subject\":\"s\",\"summary\":\"sum\",\"time\":\"1970-01-01T00:00:00Z\",\"details\":{\"a\":1}}");
    }

    @Test
    void unsignedWithoutASecret() throws Exception {
        String url = serve(0, 204);
        assertThat(new WebhookAction("w", url, null, fast(1)).execute(EVENT).ok()).isTrue();
        assertThat(received.get(0).signature()).isNull();
    }

    @Test
    void retriesServerErrorsWithTheSameDeliveryId() throws Exception {
        String url = serve(0, 500, 503, 200);
        ActionResult r = new WebhookAction("w", url, "k3y!", fast(3)).execute(EVENT);
        assertThat(r.ok()).isTrue();
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(received).hasSize(3);
        assertThat(received).extracting(Received::delivery).containsOnly(received.get(0).delivery());
    }

    @Test
    void doesNotRetryAClientError() throws Exception {
        String url = serve(0, 400, 200);
        ActionResult r = new WebhookAction("w", url, null, fast(3)).execute(EVENT);
        assertThat(r.ok()).isFalse();
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.outcome()).isEqualTo("HTTP 400");
    }

    @Test
    void retriesTooManyRequests() throws Exception {
        String url = serve(0, 429, 200);
        ActionResult r = new WebhookAction("w", url, null, fast(3)).execute(EVENT);
        assertThat(r.ok()).isTrue();
        assertThat(r.attempts()).isEqualTo(2);
    }

    @Test
    void aSlowReceiverTimesOutAndTheDeadlineBoundsTheCaller() throws Exception {
        String url = serve(3000, 200);
        WebhookAction a = new WebhookAction("w", url, null,
                new WebhookAction.Options(5, Duration.ofMillis(300), Duration.ofMillis(50), Duration.ofMillis(1200)));
        long t0 = System.nanoTime();
        ActionResult r = a.execute(EVENT);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.ok()).isFalse();
        assertThat(r.outcome()).startsWith("timed out after 300 ms");
        assertThat(r.attempts()).isBetween(2, 4);
        assertThat(ms).isLessThan(2000);
    }

    @Test
    void anUnreachableReceiverFailsWithoutHanging() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ActionResult r = new WebhookAction("w", "http://127.0.0.1:" + port + "/x", null, fast(2)).execute(EVENT);
        assertThat(r.ok()).isFalse();
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.outcome()).startsWith("unreachable");
    }

    @Test
    void targetHidesCredentialsAndQuery() {
        WebhookAction a = new WebhookAction("w", "https://user:pw@hooks.example.com:8443/services/T0/B0?token=abc", null, fast(1));
        assertThat(a.target()).isEqualTo("https://hooks.example.com:8443/services/T0/B0");
    }

    @Test
    void rejectsNonHttpUrls() {
        assertThatThrownBy(() -> new WebhookAction("w", "file:///etc/passwd", null, fast(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http");
    }
}
