package gatehouse.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.pipeline.model.PipelineLoader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local driver with a real server process: deployed, validated, stopped; undeployed when validation fails. */
class DeployStepTest {
    static final String SERVER = """
            import com.sun.net.httpserver.HttpServer;
            import java.net.InetAddress;
            import java.net.InetSocketAddress;
            public class Server {
                public static void main(String[] a) throws Exception {
                    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(a[0])), 0);
                    s.createContext("/health", x -> { x.getResponseHeaders().add("X-Frame-Options", "DENY"); x.sendResponseHeaders(200, -1); x.close(); });
                    s.start();
                }
            }
            """;

    @TempDir
    Path dir;
    final List<String> log = new ArrayList<>();

    RunRecord run(String yaml) throws IOException {
        Files.writeString(dir.resolve("gatehouse.yml"), yaml);
        var spec = PipelineLoader.load(dir.resolve("gatehouse.yml"));
        return new Runner(spec, new RunStore(dir.resolve(".gatehouse/runs")), (a, b, c, d, e) -> { },
                Map.of("PATH", System.getenv("PATH")), Clock.systemUTC(), log::add).run(null);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String pipeline(int port, String header, String tamper) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return """
                version: 1
                stages:
                  - name: build
                    steps:
                      - run: mkdir -p build && cp Server.java build/Server.java%s
                        outputs: [build/Server.java]
                  - name: test
                    steps:
                      - deploy:
                          driver: local
                          command: %s build/Server.java %d
                          health: http://127.0.0.1:%d/health
                          artifacts: [build/Server.java]
                          timeout: 120
                      - validate:
                          probes:
                            - {http: "http://127.0.0.1:%d/health", headers: [%s]}
                            - {tcp: "127.0.0.1:%d", expect: open}
                """.formatted(tamper, java, port, port, port, header, port);
    }

    @Test
    void deployedValidatedAndStoppedWhenTheRunEnds() throws IOException {
        Files.writeString(dir.resolve("Server.java"), SERVER);
        int port = freePort();
        RunRecord run = run(pipeline(port, "X-Frame-Options", ""));
        assertThat(run.status).as(run.reason + " " + log).isEqualTo(RunRecord.PASSED);
        assertThat(run.stage("test").steps.get(0).message).startsWith("deployed: process ").endsWith("healthy at http://127.0.0.1:" + port + "/health");
        assertThat(listening(port)).as("stopped with the run").isFalse();
    }

    @Test
    void aRunThatPausesLeavesNoProcessBehind() throws IOException {
        Files.writeString(dir.resolve("Server.java"), SERVER);
        int port = freePort();
        RunRecord run = run(pipeline(port, "X-Frame-Options", "") + """
                      - approval:
                """);
        assertThat(run.status).as(run.reason).isEqualTo(RunRecord.WAITING);
        assertThat(listening(port)).isFalse();
    }

    @Test
    void aFailedValidationUndeploys() throws IOException {
        Files.writeString(dir.resolve("Server.java"), SERVER);
        int port = freePort();
        RunRecord run = run(pipeline(port, "Strict-Transport-Security", ""));
        assertThat(run.status).isEqualTo(RunRecord.FAILED);
        assertThat(run.reason).contains("no Strict-Transport-Security header; undeployed process ");
        assertThat(listening(port)).isFalse();
    }

    @Test
    void anArtifactChangedAfterTheBuildIsNotDeployed() throws IOException {
        Files.writeString(dir.resolve("Server.java"), SERVER);
        int port = freePort();
        String yaml = pipeline(port, "X-Frame-Options", "").replace("""
                  - name: test
                    steps:
                """, """
                  - name: tamper
                    steps:
                      - run: echo "// changed" >> build/Server.java
                  - name: test
                    steps:
                """);
        RunRecord run = run(yaml);
        assertThat(run.status).isEqualTo(RunRecord.FAILED);
        assertThat(run.reason).startsWith("test/deploy failed: artifact build/Server.java is not what was built");
        assertThat(listening(port)).isFalse();
    }
}
