package gatehouse.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import gatehouse.pipeline.model.PipelineLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dynamic validation against real listeners on loopback and a real command's JSON. */
class ValidateStepTest {
    @TempDir
    Path dir;

    RunRecord run(String yaml) throws IOException {
        Files.writeString(dir.resolve("gatehouse.yml"), yaml);
        var spec = PipelineLoader.load(dir.resolve("gatehouse.yml"));
        return new Runner(spec, new RunStore(dir.resolve(".gatehouse/runs")), (a, b, c, d, e) -> { },
                Map.of("PATH", System.getenv("PATH")), Clock.systemUTC(), line -> { }).run(null);
    }

    @Test
    void liveStateIsCheckedWithGuardRulesAndAFailureTearsTheDeploymentDown() throws IOException {
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/sg.guard"), """
                let groups = SecurityGroups[*]
                rule no_ssh_from_anywhere when %groups !empty {
                    %groups.IpPermissions[ FromPort == 22 ].IpRanges[*].CidrIp != "0.0.0.0/0"
                    <<SSH must not be open to the world>>
                }
                """);
        Files.writeString(dir.resolve("live-ok.json"), """
                {"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]}]}
                """);
        Files.writeString(dir.resolve("live-open.json"), """
                {"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}
                """);
        String pipeline = """
                version: 1
                stages:
                  - name: test
                    steps:
                      - run: touch stack-up
                      - validate:
                          live: {command: cat %s, rules: [policies]}
                          teardown: rm stack-up
                """;
        RunRecord ok = run(pipeline.formatted("live-ok.json"));
        assertThat(ok.status).as(ok.reason).isEqualTo(RunRecord.PASSED);
        assertThat(dir.resolve("stack-up")).exists();

        RunRecord open = run(pipeline.formatted("live-open.json"));
        assertThat(open.status).isEqualTo(RunRecord.FAILED);
        assertThat(open.reason).isEqualTo("test/validate failed: live state breaks sg.guard/no_ssh_from_anywhere: "
                + "SSH must not be open to the world; torn down");
        assertThat(dir.resolve("stack-up")).doesNotExist();
    }

    @Test
    void probesCheckPortsStatusHeadersAndTls() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", x -> {
            x.getResponseHeaders().add("X-Content-Type-Options", "nosniff");
            x.sendResponseHeaders(x.getRequestURI().getPath().equals("/health") ? 200 : 404, -1);
            x.close();
        });
        http.start();
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(selfSigned()));
        https.createContext("/", x -> {
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        https.start();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // free again once closed
        }
        try {
            int hp = http.getAddress().getPort();
            int tp = https.getAddress().getPort();
            RunRecord good = run("""
                    version: 1
                    stages:
                      - name: test
                        steps:
                          - validate:
                              probes:
                                - {tcp: "127.0.0.1:%d", expect: open}
                                - {tcp: "127.0.0.1:%d", expect: closed}
                                - {http: "http://127.0.0.1:%d/health", status: 200, headers: [X-Content-Type-Options]}
                                - {tls: "127.0.0.1:%d", min_version: TLSv1.2}
                    """.formatted(hp, closedPort, hp, tp));
            assertThat(good.status).as(good.reason).isEqualTo(RunRecord.PASSED);
            assertThat(good.stage("test").steps.get(0).message).isEqualTo("4 probes as expected");

            RunRecord bad = run("""
                    version: 1
                    stages:
                      - name: test
                        steps:
                          - validate:
                              probes:
                                - {tcp: "127.0.0.1:%d", expect: closed}
                                - {http: "http://127.0.0.1:%d/admin", status: 403, headers: [Strict-Transport-Security]}
                                - {tls: "127.0.0.1:%d"}
                    """.formatted(hp, hp, hp));
            assertThat(bad.status).isEqualTo(RunRecord.FAILED);
            assertThat(bad.reason).startsWith("test/validate failed: tcp 127.0.0.1:" + hp + " is open, expected closed; "
                    + "http http://127.0.0.1:" + hp + "/admin: status 404, expected 403, no Strict-Transport-Security header; "
                    + "tls 127.0.0.1:" + hp + ": no TLS handshake");
        } finally {
            http.stop(0);
            https.stop(0);
        }
    }

    /** A server certificate made by the JDK's own keytool, as a real deployment's would be. */
    SSLContext selfSigned() throws Exception {
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

}
