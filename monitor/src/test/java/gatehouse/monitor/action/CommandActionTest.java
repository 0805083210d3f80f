package gatehouse.monitor.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command action with real processes. */
class CommandActionTest {
    @TempDir
    Path dir;

    static ActionEvent event() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("resourceId", "web-assets");
        d.put("resourceType", "AWS::S3::Bucket");
        d.put("attempt", 2);
        d.put("nested", Map.of("x", 1));
        return new ActionEvent("comply.remediation", "r/b", "AWS::S3::Bucket/web-assets", "fix it", d, Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void runsWithTheEventInTheEnvironmentAndCapturesOutput() {
        CommandAction a = new CommandAction("fix", List.of("sh", "-c",
                "echo \"$GATEHOUSE_EVENT_KIND $GATEHOUSE_RESOURCE_ID $GATEHOUSE_RESOURCE_TYPE $GATEHOUSE_ATTEMPT $FIXED\"; echo oops >&2"),
                Map.of("FIXED", "value"), Set.of(), dir, Duration.ofSeconds(10));
        ActionResult r = a.execute(event());
        assertThat(r.ok()).isTrue();
        assertThat(r.outcome()).isEqualTo("exit 0");
        assertThat(r.output()).isEqualTo("comply.remediation web-assets AWS::S3::Bucket 2 value\noops\n");
        assertThat(a.target()).isEqualTo("sh");
    }

    @Test
    void theWholeEventIsJsonInGatehouseEvent() throws Exception {
        Path out = dir.resolve("event.json");
        CommandAction a = new CommandAction("c", List.of("sh", "-c", "printf '%s' \"$GATEHOUSE_EVENT\" > event.json"), Map.of(), Set.of(), dir,
                Duration.ofSeconds(10));
        assertThat(a.execute(event()).ok()).isTrue();
        assertThat(Files.readString(out)).isEqualTo(new String(WebhookAction.body(event()), java.nio.charset.StandardCharsets.UTF_8));
        // a nested detail is in the JSON, not in a variable of its own
        assertThat(CommandAction.eventEnvironment(event())).doesNotContainKey("GATEHOUSE_NESTED").containsKey("GATEHOUSE_RESOURCE_ID");
    }

    @Test
    void nonZeroExitIsAFailure() {
        ActionResult r = new CommandAction("c", List.of("sh", "-c", "echo no; exit 3"), Map.of(), Set.of(), dir, Duration.ofSeconds(10)).execute(event());
        assertThat(r.ok()).isFalse();
        assertThat(r.outcome()).isEqualTo("exit 3");
        assertThat(r.output()).isEqualTo("no\n");
    }

    @Test
    void aHangingProcessIsKilledWithItsChildrenAtTheTimeout() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        long t0 = System.nanoTime();
        ActionResult r = new CommandAction("c", List.of("sh", "-c", "sleep 30 & echo $! > child.pid; wait"), Map.of(), Set.of(), dir,
                Duration.ofMillis(700)).execute(event());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.ok()).isFalse();
        assertThat(r.outcome()).isEqualTo("timed out after 700 ms");
        assertThat(ms).isLessThan(6000);
        long child = Long.parseLong(Files.readString(pidFile).strip());
        // the killed child is gone, or a zombie waiting for its new parent to reap it: not running either way
        long end = System.nanoTime() + 3_000_000_000L;
        while (running(child) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertThat(running(child)).isFalse();
    }

    static boolean running(long pid) throws java.io.IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.exists(stat)) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !Files.isDirectory(Path.of("/proc"));
        }
        try {
            String s = Files.readString(stat);
            char state = s.charAt(s.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    @Test
    void secretValuesAndCredentialShapedTokensAreMaskedInOutput() {
        CommandAction a = new CommandAction("c", List.of("sh", "-c",
                "echo \"token is $API_TOKEN\"; echo AKIAIOSFODNN7EXAMPLE; echo 'Authorization: Bearer abcdefghijklmnop'"),
                Map.of("API_TOKEN", "tok-9f8e7d6c5b4a"), Set.of("API_TOKEN"), dir, Duration.ofSeconds(10));
        ActionResult r = a.execute(event());
        assertThat(r.output()).doesNotContain("tok-9f8e7d6c5b4a").doesNotContain("AKIAIOSFODNN7EXAMPLE").doesNotContain("abcdefghijklmnop");
        assertThat(r.output()).isEqualTo("token is ****\n****\nAuthorization: Bearer ****\n");
    }

    @Test
    void outputIsBoundedAndAChattyProcessNeverBlocks() {
        ActionResult r = new CommandAction("c", List.of("sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x"), Map.of(), Set.of(), dir,
                Duration.ofSeconds(20)).execute(event());
        assertThat(r.ok()).isTrue();
        assertThat(r.output()).hasSize(CommandAction.MAX_OUTPUT);
    }

    @Test
    void aMissingProgramIsAFailedResultNotAnException() {
        ActionResult r = new CommandAction("c", List.of(dir.resolve("no-such-program").toString()), Map.of(), Set.of(), dir,
                Duration.ofSeconds(5)).execute(event());
        assertThat(r.ok()).isFalse();
        assertThat(r.outcome()).startsWith("cannot start no-such-program");
    }

    @Test
    void upperSnake() {
        assertThat(CommandAction.upperSnake("resourceId")).isEqualTo("RESOURCE_ID");
        assertThat(CommandAction.upperSnake("aws-region")).isEqualTo("AWS_REGION");
        assertThat(CommandAction.upperSnake("maximumAutomaticAttempts")).isEqualTo("MAXIMUM_AUTOMATIC_ATTEMPTS");
    }
}
