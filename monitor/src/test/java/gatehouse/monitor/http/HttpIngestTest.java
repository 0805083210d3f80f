package gatehouse.monitor.http;

import static gatehouse.monitor.run.MonitorRunnerTest.benign;
import static gatehouse.monitor.run.MonitorRunnerTest.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.core.Diagnostic;
import gatehouse.monitor.cis.CisPack;
import gatehouse.monitor.run.LogAction;
import gatehouse.monitor.run.MonitorConfig;
import gatehouse.monitor.run.MonitorRunner;
import gatehouse.store.Store;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live run with a real HTTP endpoint on loopback, driven by {@link HttpClient}: every input format, gzip, a
 * malformed body (400 with its position, nothing counted), oversize (413), tokens and signatures (401), methods and
 * paths (405, 404), parallel senders; the alarm states equal those of a batch run over the same records.
 */
class HttpIngestTest {
    static final byte[] SECRET = "s3cret-token-for-tests-0123456789".getBytes(StandardCharsets.UTF_8);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    final List<MonitorRunner.Warning> warnings = new CopyOnWriteArrayList<>();
    final List<Diagnostic> errors = new CopyOnWriteArrayList<>();
    MonitorRunner runner;
    HttpIngest http;
    URI uri;
    Thread thread;
    volatile MonitorRunner.Summary summary;
    volatile Throwable failure;

    static String envelope(String record) {
        return "{\"version\":\"0\",\"id\":\"x\",\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.signin\","
                + "\"detail\":" + record + "}";
    }

    static MonitorRunner.Options options() {
        return new MonitorRunner.Options("cis", Duration.ofMinutes(2), true, false, 100_000, Duration.ofMillis(200));
    }

    void start(byte[] secret, long maxBody) throws Exception {
        Store store = Store.open("jdbc:sqlite:" + dir.resolve("g.db"), true);
        runner = new MonitorRunner(CisPack.load(MonitorConfig.BUILT_IN_ACTIONS), store, options(),
                Map.of("log", LogAction.factory(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false)),
                warnings::add);
        http = new HttpIngest(new HttpIngest.Settings(HttpEndpoint.parse("http://127.0.0.1:0/events"), false, secret, maxBody, 4));
        uri = http.bind();
        thread = Thread.ofPlatform().start(() -> {
            try {
                summary = runner.runLive(List.of(http), null, uri.toString(), errors::add);
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    MonitorRunner.Summary stop() throws Exception {
        runner.stop();
        thread.join(60_000);
        assertThat(thread.isAlive()).isFalse();
        assertThat(failure).isNull();
        return summary;
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (thread != null && thread.isAlive()) {
            stop();
        }
    }

    HttpResponse<String> post(byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String body, String... headers) throws Exception {
        return post(body.getBytes(StandardCharsets.UTF_8), headers);
    }

    static byte[] gzip(String s) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void everyFormatIsAcceptedWithItsCountsAndTheAlarmsEndLikeABatchRun() throws Exception {
        start(null, 1 << 20);
        HttpResponse<String> doc = post("{\"Records\":[" + failure("f1", 10) + "," + benign("b1", 15) + "]}",
                "Content-Type", "application/json");
        assertThat(doc.statusCode()).isEqualTo(202);
        assertThat(json(doc).get("events").asLong()).isEqualTo(2);
        assertThat(json(doc).get("matched").asLong()).isEqualTo(1);
        HttpResponse<String> gz = post(gzip(failure("f2", 20) + "\n" + benign("b2", 25) + "\n"), "Content-Encoding", "gzip");
        assertThat(gz.statusCode()).isEqualTo(202);
        assertThat(json(gz).get("events").asLong()).isEqualTo(2);
        HttpResponse<String> lines = post(envelope(failure("f3", 30)) + "\n" + envelope(benign("b3", 35)) + "\n");
        assertThat(lines.statusCode()).isEqualTo(202);
        assertThat(json(lines).get("matched").asLong()).isEqualTo(1);
        HttpResponse<String> array = post("[" + failure("f1", 10) + "," + benign("b4", 400) + "]");
        assertThat(array.statusCode()).isEqualTo(202);
        assertThat(json(array).get("duplicates").asLong()).isEqualTo(1);
        MonitorRunner.Summary s = stop();
        assertThat(s.events()).isEqualTo(8);
        assertThat(s.duplicates()).isEqualTo(1);
        assertThat(errors).isEmpty();

        Path all = dir.resolve("all.jsonl");
        Files.writeString(all, String.join("\n", failure("f1", 10), benign("b1", 15), failure("f2", 20), benign("b2", 25),
                failure("f3", 30), benign("b3", 35), failure("f1", 10), benign("b4", 400)) + "\n");
        assertThat(states(s)).isEqualTo(states(batch(all)));
        assertThat(s.transitions()).isEqualTo(batch(all).transitions());
        assertThat(states(s)).anyMatch(a -> a.startsWith("console-signin-failures "));
    }

    @Test
    void aMalformedBodyIs400WithItsPositionAndCountsNothingAndTheEndpointGoesOn() throws Exception {
        start(null, 1 << 20);
        HttpResponse<String> bad = post(failure("f1", 10) + "\n{\"eventID\": \"x\", oops}\n" + failure("f2", 20) + "\n");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).matches("request-\\d+:2:18: error: invalid JSON: .*nothing of this request was counted\\)\n");
        byte[] whole = gzip(failure("f1", 10) + "\n" + failure("f2", 20) + "\n");
        HttpResponse<String> cut = post(java.util.Arrays.copyOf(whole, whole.length - 12), "Content-Encoding", "gzip");
        assertThat(cut.statusCode()).isEqualTo(400);
        assertThat(cut.body()).contains("gzip stream is truncated");
        HttpResponse<String> notGzip = post(failure("f1", 10), "Content-Encoding", "gzip");
        assertThat(notGzip.statusCode()).isEqualTo(400);
        HttpResponse<String> good = post(failure("f3", 30));
        assertThat(good.statusCode()).isEqualTo(202);
        MonitorRunner.Summary s = stop();
        assertThat(s.events()).as("only the good request counted").isEqualTo(1);
    }

    @Test
    void oversizeBodiesAre413AsSentAndAfterDecompression() throws Exception {
        start(null, 4096);
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 6000; i++) {
            big.append(benign("b" + i, i)).append('\n');
        }
        assertThat(post(big.toString()).statusCode()).isEqualTo(413);
        // without a Content-Length: streamed, cut off at the limit
        HttpRequest streamed = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(big.toString().getBytes(StandardCharsets.UTF_8)))).build();
        assertThat(client.send(streamed, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(413);
        byte[] small = gzip(big.toString());
        assertThat(small.length).isLessThan(4096);
        HttpResponse<String> bomb = post(small, "Content-Encoding", "gzip");
        assertThat(bomb.statusCode()).isEqualTo(413);
        assertThat(bomb.body()).contains("after decompression");
        assertThat(post(benign("ok", 1)).statusCode()).isEqualTo(202);
        assertThat(stop().events()).isEqualTo(1);
    }

    @Test
    void withASecretOnlyTheTokenOrASignatureGetsIn() throws Exception {
        start(SECRET, 1 << 20);
        String body = failure("f1", 10) + "\n";
        HttpResponse<String> none = post(body);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"gatehouse\"");
        assertThat(post(body, "Authorization", "Bearer wrong-token-wrong-token").statusCode()).isEqualTo(401);
        assertThat(post(body, "Authorization", "Bearer " + new String(SECRET, StandardCharsets.UTF_8)).statusCode()).isEqualTo(202);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        String body2 = failure("f2", 20) + "\n";
        String sig = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body2.getBytes(StandardCharsets.UTF_8)));
        assertThat(post(body2, HttpIngest.SIGNATURE_HEADER, sig).statusCode()).isEqualTo(202);
        assertThat(post(failure("f3", 30) + "\n", HttpIngest.SIGNATURE_HEADER, sig).statusCode()).as("signature of another body")
                .isEqualTo(401);
        MonitorRunner.Summary s = stop();
        assertThat(s.events()).isEqualTo(2);
        assertThat(http.stats().accepted()).isEqualTo(2);
    }

    @Test
    void methodsPathsAndEncodings() throws Exception {
        start(null, 1 << 20);
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        HttpResponse<String> other = client.send(HttpRequest.newBuilder(uri.resolve("/other")).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(post(benign("b", 1), "Content-Encoding", "br").statusCode()).isEqualTo(415);
        stop();
    }

    @Test
    void parallelSendersAreEachCountedOnce() throws Exception {
        start(null, 1 << 20);
        int senders = 8;
        int perSender = 15;
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        List<Future<Integer>> results = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (int s = 0; s < senders; s++) {
            for (int r = 0; r < perSender; r++) {
                int n = s * perSender + r;
                // one failure a second, with a repeat of the previous request's failure in each request
                String body = failure("f" + n, n) + "\n" + (n > 0 ? failure("f" + (n - 1), n - 1) + "\n" : "") + benign("b" + n, n) + "\n";
                all.append(failure("f" + n, n)).append('\n').append(benign("b" + n, n)).append('\n');
                results.add(pool.submit(() -> post(body).statusCode()));
            }
        }
        for (Future<Integer> f : results) {
            assertThat(f.get()).isEqualTo(202);
        }
        pool.shutdown();
        assertThat(post(benign("end", 1000)).statusCode()).isEqualTo(202);
        all.append(benign("end", 1000)).append('\n');
        MonitorRunner.Summary s = stop();
        int total = senders * perSender;
        assertThat(s.events()).as("3 records a request but the first, and the end").isEqualTo(3L * total);
        // requests ran in any order: each failure counted exactly once, whatever came first
        long counted = s.events() - s.duplicates();
        assertThat(counted).isEqualTo(2L * total + 1);
        Path file = dir.resolve("all.jsonl");
        Files.writeString(file, all.toString());
        MonitorRunner.Summary b = batch(file);
        assertThat(states(s)).isEqualTo(states(b));
    }

    @Test
    void aNonLoopbackAddressIsRefusedUnlessAllowedWithASecret() {
        HttpEndpoint any = HttpEndpoint.parse("http://0.0.0.0:0/events");
        assertThat(any.loopback()).isFalse();
        assertThatThrownBy(() -> new HttpIngest(new HttpIngest.Settings(any, false, SECRET, 1024, 1)))
                .hasMessageContaining("not a loopback address");
        assertThatThrownBy(() -> new HttpIngest(new HttpIngest.Settings(any, true, null, 1024, 1)))
                .hasMessageContaining("needs a secret");
        assertThat(HttpEndpoint.parse("http://localhost:8514/events").loopback()).isTrue();
        assertThat(HttpEndpoint.parse("http://[::1]:8514/").loopback()).isTrue();
        assertThatThrownBy(() -> HttpEndpoint.parse("http://127.0.0.1/events")).hasMessageContaining("needs a port");
        assertThatThrownBy(() -> HttpEndpoint.parse("https://127.0.0.1:1/events")).hasMessageContaining("https is not served");
    }

    MonitorRunner.Summary batch(Path file) {
        Store store = Store.open("jdbc:sqlite:" + dir.resolve("batch-" + System.nanoTime() + ".db"), true);
        MonitorRunner r = new MonitorRunner(CisPack.load(MonitorConfig.BUILT_IN_ACTIONS), store, options(),
                Map.of("log", LogAction.factory(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false)),
                w -> {});
        return r.run(List.of(file.toString()), new ByteArrayInputStream(new byte[0]), d -> {}, null);
    }

    static List<String> states(MonitorRunner.Summary s) {
        return s.alarms().stream().map(a -> a.definition().name() + " " + a.state() + " " + a.reason()).toList();
    }
}
