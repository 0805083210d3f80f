package gatehouse.pipeline.run;

import gatehouse.core.doc.Value;
import gatehouse.guard.ast.RulesFile;
import gatehouse.guard.eval.ClauseFailure;
import gatehouse.guard.eval.Evaluator;
import gatehouse.guard.eval.FileEvaluation;
import gatehouse.guard.eval.RuleResult;
import gatehouse.guard.eval.Status;
import gatehouse.guard.parse.Parser;
import gatehouse.iac.load.DocumentLoader;
import gatehouse.pipeline.model.Step;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Dynamic validation: the live state a command prints (JSON or YAML) checked with Guard rules — the same
 * language and, where the shapes allow, the same rules as the template — and probes against the deployed
 * endpoints. Every problem is one line; an empty list means the deployment is what it should be.
 */
final class Validation {
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Validation() {}

    /** Problems of the live state {@code json} (from {@code source}) under the Guard rules in {@code rules}. */
    static List<String> live(String source, String json, List<Path> rules) throws IOException {
        Value state = DocumentLoader.defaults().load(source, json);
        Evaluator evaluator = new Evaluator();
        List<String> problems = new ArrayList<>();
        for (Path rule : guardFiles(rules)) {
            RulesFile rf = Parser.parse(rule.toString(), Files.readString(rule), Parser.Dialect.GATEHOUSE);
            FileEvaluation ev = evaluator.evaluate(rf, state);
            for (RuleResult rr : ev.rules()) {
                if (rr.status() == Status.FAIL) {
                    ClauseFailure f = rr.failures().isEmpty() ? null : rr.failures().get(0);
                    String why = f == null ? "" : f.customMessage() != null && !f.customMessage().isBlank()
                            ? f.customMessage().strip() : f.reason() == null ? "" : f.reason().strip();
                    problems.add("live state breaks " + rule.getFileName() + "/" + rr.name() + (why.isEmpty() ? "" : ": " + why));
                }
            }
        }
        return problems;
    }

    private static List<Path> guardFiles(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(f -> f.toString().endsWith(".guard") && Files.isRegularFile(f)).sorted().forEach(out::add);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new IOException("no rule file or directory " + p);
            }
        }
        return out;
    }

    /** The probe's problem, or null when the endpoint behaves as expected. */
    static String probe(Step.Probe p) {
        return switch (p.kind()) {
            case "tcp" -> tcp(p);
            case "http" -> http(p);
            default -> tls(p);
        };
    }

    private static InetSocketAddress address(String target) {
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Integer.parseInt(target.substring(colon + 1)));
    }

    private static String tcp(Step.Probe p) {
        boolean open;
        try (Socket s = new Socket()) {
            s.connect(address(p.target()), (int) TIMEOUT.toMillis());
            open = true;
        } catch (IOException e) {
            open = false;
        }
        boolean wantOpen = p.expect().equals("open");
        return open == wantOpen ? null : "tcp " + p.target() + " is " + (open ? "open" : "closed") + ", expected " + p.expect();
    }

    private static String http(Step.Probe p) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(p.target())).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            List<String> problems = new ArrayList<>();
            if (!p.status().contains(r.statusCode())) {
                problems.add("status " + r.statusCode() + ", expected " + (p.status().size() == 1 ? p.status().get(0) : p.status()));
            }
            for (String h : p.headers()) {
                if (r.headers().firstValue(h).isEmpty()) {
                    problems.add("no " + h + " header");
                }
            }
            return problems.isEmpty() ? null : "http " + p.target() + ": " + String.join(", ", problems);
        } catch (IOException e) {
            return "http " + p.target() + ": unreachable (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "http " + p.target() + ": interrupted";
        } catch (IllegalArgumentException e) {
            return "http " + p.target() + ": " + e.getMessage();
        }
    }

    /**
     * The protocol the endpoint negotiates when offered every version this JDK enables. The probe checks the
     * protocol, not the certificate (identity is the deploy's business), so it accepts any certificate.
     */
    private static String tls(Step.Probe p) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new AnyCertificate()}, new SecureRandom());
            InetSocketAddress a = address(p.target());
            try (Socket raw = new Socket()) {
                raw.connect(a, (int) TIMEOUT.toMillis());
                raw.setSoTimeout((int) TIMEOUT.toMillis());
                try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, a.getHostString(), a.getPort(), true)) {
                    s.startHandshake();
                    String got = s.getSession().getProtocol();
                    return rank(got) >= rank(p.minTls()) ? null
                            : "tls " + p.target() + " negotiated " + got + ", below " + p.minTls();
                }
            }
        } catch (IOException e) {
            return "tls " + p.target() + ": no TLS handshake (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
        } catch (java.security.GeneralSecurityException e) {
            return "tls " + p.target() + ": " + e.getMessage();
        }
    }

    private static int rank(String protocol) {
        return switch (protocol) {
            case "TLSv1.3" -> 4;
            case "TLSv1.2" -> 3;
            case "TLSv1.1" -> 2;
            case "TLSv1" -> 1;
            default -> 0;
        };
    }

    /** Accepts any certificate: the TLS probe measures the protocol only. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // the probe is the client
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // identity is not what this probe checks
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
