package gatehouse.pipeline.run;

import gatehouse.pipeline.model.PipelineSpec.Notify;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tells security that a run stopped: copies the run's record and every report into
 * {@code notify.reports/RUN-ID/} and POSTs the run record as JSON to {@code notify.webhook}, with
 * {@code X-Gatehouse-Signature: sha256=HEX} (HMAC-SHA256 of the body) when a webhook secret is set, three
 * attempts with back-off. A notification that cannot be delivered is recorded in the audit log; it does not
 * change the run's outcome, which is already FAILED.
 */
final class Notifier {
    static final int ATTEMPTS = 3;
    private final Notify notify;
    private final String hmacKey;
    private final Consumer<String> log;

    Notifier(Notify notify, String hmacKey, Consumer<String> log) {
        this.notify = notify;
        this.hmacKey = hmacKey;
        this.log = log;
    }

    /** Null when every configured channel took the report; else what went wrong. */
    String send(RunRecord run, Path runDir) {
        List<String> problems = new ArrayList<>();
        if (notify.reportsDir() != null) {
            try {
                Path target = notify.reportsDir().resolve(run.id);
                Files.createDirectories(target);
                if (Files.isDirectory(runDir)) {
                    try (Stream<Path> files = Files.walk(runDir)) {
                        for (Path f : files.filter(Files::isRegularFile).toList()) {
                            Path to = target.resolve(runDir.relativize(f).toString());
                            Files.createDirectories(to.getParent());
                            Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
                // the run record itself lives in the store: security gets it as a file beside the reports
                Files.writeString(target.resolve("run.json"), RunStore.json(run));
                log.accept("report for security: " + target);
            } catch (IOException e) {
                problems.add("cannot write reports to " + notify.reportsDir() + ": " + e.getMessage());
            }
        }
        if (notify.webhook() != null) {
            String problem = post(RunStore.json(run).getBytes(StandardCharsets.UTF_8));
            if (problem != null) {
                problems.add(problem);
            } else {
                log.accept("security notified: " + notify.webhook());
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private String post(byte[] body) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(notify.webhook())).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("User-Agent", "gatehouse")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (hmacKey != null) {
            req.header("X-Gatehouse-Signature", "sha256=" + hmac(hmacKey, body));
        }
        String last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<Void> r = client.send(req.build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) {
                    return null;
                }
                last = "webhook answered " + r.statusCode();
                if (r.statusCode() / 100 == 4 && r.statusCode() != 429) {
                    break; // the request itself is wrong: retrying will not help
                }
            } catch (IOException e) {
                last = "webhook unreachable: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
            try {
                Thread.sleep(200L << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return last;
    }

    static String hmac(String key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
