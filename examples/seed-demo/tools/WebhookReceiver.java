import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The security team's end of the seed demo: a webhook receiver on loopback that takes the report of a stopped
 * run, checks its {@code X-Gatehouse-Signature} (HMAC-SHA256 of the body with the shared key), keeps the body
 * and prints one line per report. Run with the JDK's source launcher, no build and no dependencies.
 *
 * <pre>
 * SEED_DEMO_WEBHOOK_KEY=... java tools/WebhookReceiver.java PORT INBOX-DIR
 * </pre>
 *
 * <p>A report whose signature does not verify is answered 401 and not kept: anyone on the machine can POST, only
 * the pipeline knows the key. The receiver writes {@code INBOX-DIR/ready} once it listens.
 */
public final class WebhookReceiver {
    private static final Pattern FIELD = Pattern.compile("\"(id|status|reason)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: WebhookReceiver PORT INBOX-DIR (key in SEED_DEMO_WEBHOOK_KEY)");
            System.exit(2);
        }
        String key = System.getenv("SEED_DEMO_WEBHOOK_KEY");
        if (key == null || key.isEmpty()) {
            System.err.println("WebhookReceiver: set SEED_DEMO_WEBHOOK_KEY, the key the pipeline signs reports with");
            System.exit(2);
        }
        Path inbox = Path.of(args[1]);
        Files.createDirectories(inbox);
        AtomicInteger received = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String claimed = exchange.getRequestHeaders().getFirst("X-Gatehouse-Signature");
            boolean valid = claimed != null && MessageDigest.isEqual(claimed.getBytes(StandardCharsets.US_ASCII),
                    ("sha256=" + hmac(key, body)).getBytes(StandardCharsets.US_ASCII));
            if (!valid) {
                System.out.println("security inbox: REFUSED a report with " + (claimed == null ? "no" : "a wrong") + " signature");
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            int n = received.incrementAndGet();
            Files.write(inbox.resolve("report-" + n + ".json"), body);
            String text = new String(body, StandardCharsets.UTF_8);
            StringBuilder line = new StringBuilder("security inbox: signed report (HMAC-SHA256 valid)");
            Matcher m = FIELD.matcher(text);
            java.util.Map<String, String> seen = new java.util.LinkedHashMap<>();
            while (m.find()) {
                seen.putIfAbsent(m.group(1), m.group(2));
            }
            line.append(": run ").append(seen.getOrDefault("id", "?")).append(' ').append(seen.getOrDefault("status", "?"))
                    .append(" — ").append(seen.getOrDefault("reason", "")).append(" (kept as ").append(inbox.resolve("report-" + n + ".json")).append(')');
            System.out.println(line);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        Files.writeString(inbox.resolve("ready"), "listening on 127.0.0.1:" + server.getAddress().getPort() + "\n");
    }

    static String hmac(String key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
