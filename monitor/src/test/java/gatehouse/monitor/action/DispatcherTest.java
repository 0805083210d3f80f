package gatehouse.monitor.action;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.audit.AuditEntry;
import gatehouse.audit.AuditLog;
import gatehouse.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** De-duplication, rate limiting, queueing and auditing, with a real SQLite audit log and a settable clock. */
class DispatcherTest {
    @TempDir
    Path dir;
    AuditLog log;
    final List<String> lines = new CopyOnWriteArrayList<>();

    /** A clock tests move by hand. */
    static final class ManualClock extends Clock {
        volatile long millis = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.ofEpochMilli(millis); }
        void advance(Duration d) { millis += d.toMillis(); }
    }

    @BeforeEach
    void open() {
        log = AuditLog.open(Store.open("jdbc:sqlite:" + dir.resolve("audit.db"), true));
    }

    @AfterEach
    void close() {
        log.close();
    }

    static ActionEvent alarm(String key, int n) {
        return new ActionEvent("alarm.transition", key, "ConsoleSignInFailures", "ALARM #" + n, Map.of("n", n), Instant.EPOCH.plusSeconds(n));
    }

    @Test
    void anAlarmStormBecomesAFewNotificationsAndTheRestIsCounted() throws Exception {
        ManualClock clock = new ManualClock();
        Dispatcher.Limits limits = new Dispatcher.Limits(Duration.ofMinutes(5), 3, 1.0 / 60, 2, 100, Duration.ofSeconds(10));
        CountDownLatch done = new CountDownLatch(4);
        try (Dispatcher d = new Dispatcher(List.of(new LogAction("log", lines::add)), limits, new ActionAudit(log, "gatehouse monitor"),
                clock, x -> done.countDown())) {
            // 1000 events, 10 distinct keys, all within one second
            for (int i = 0; i < 1000; i++) {
                d.dispatch(alarm("alarm/k" + (i % 10), i));
            }
            // the burst takes k0, k1, k2; their 297 repeats are duplicates; k3..k9 find no token, all 700 of them
            clock.advance(Duration.ofMinutes(1)); // one token refilled
            assertThat(d.dispatch(alarm("alarm/k0", 1000))).containsEntry("log", Dispatcher.Disposition.DUPLICATE);
            assertThat(d.dispatch(alarm("alarm/k5", 1001))).containsEntry("log", Dispatcher.Disposition.QUEUED);
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            Dispatcher.Stats s = d.stats();
            assertThat(s.received()).isEqualTo(1002);
            assertThat(s.executed()).isEqualTo(4);
            assertThat(s.duplicates()).isEqualTo(298);
            assertThat(s.rateLimited()).isEqualTo(700);
            assertThat(s.suppressed()).isEqualTo(998);
        }
        assertThat(lines).hasSize(4);
        List<AuditEntry> entries = log.entries(AuditLog.Query.all());
        assertThat(entries).filteredOn(e -> e.action().equals("action.log")).hasSize(4)
                .allSatisfy(e -> assertThat(e.result()).isEqualTo("ok"));
        AuditEntry summary = entries.get(entries.size() - 1);
        assertThat(summary.action()).isEqualTo("action.suppressed");
        assertThat(summary.result()).isEqualTo("998 suppressed");
        assertThat(summary.details()).contains("\"duplicates\":298").contains("\"rateLimited\":700");
        assertThat(log.verify(List.of()).intact()).isTrue();
    }

    @Test
    void theSameKeyAfterTheWindowIsNotifiedAgain() throws Exception {
        ManualClock clock = new ManualClock();
        CountDownLatch done = new CountDownLatch(2);
        try (Dispatcher d = new Dispatcher(List.of(new LogAction("log", lines::add)),
                new Dispatcher.Limits(Duration.ofMinutes(5), 10, 1, 1, 10, Duration.ofSeconds(5)), new ActionAudit(log, "t"), clock,
                x -> done.countDown())) {
            assertThat(d.dispatch(alarm("k", 1)).get("log")).isEqualTo(Dispatcher.Disposition.QUEUED);
            clock.advance(Duration.ofMinutes(4));
            assertThat(d.dispatch(alarm("k", 2)).get("log")).isEqualTo(Dispatcher.Disposition.DUPLICATE);
            clock.advance(Duration.ofMinutes(1));
            assertThat(d.dispatch(alarm("k", 3)).get("log")).isEqualTo(Dispatcher.Disposition.QUEUED);
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains("ALARM #3").contains("[key=k]");
    }

    @Test
    void limitsArePerAction() throws Exception {
        ManualClock clock = new ManualClock();
        List<String> other = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(4);
        try (Dispatcher d = new Dispatcher(List.of(new LogAction("a", lines::add), new LogAction("b", other::add)),
                new Dispatcher.Limits(Duration.ZERO, 2, 0.001, 2, 10, Duration.ofSeconds(5)), new ActionAudit(log, "t"), clock,
                x -> done.countDown())) {
            for (int i = 0; i < 5; i++) {
                d.dispatch(alarm("k" + i, i));
            }
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(d.stats().rateLimited()).isEqualTo(6);
        }
        assertThat(lines).hasSize(2);
        assertThat(other).hasSize(2);
    }

    @Test
    void dispatchNeverWaitsForASlowActionAndAFullQueueDrops() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Action slow = new Action() {
            @Override public String name() { return "slow"; }
            @Override public String type() { return "command"; }
            @Override public String target() { return "slow"; }
            @Override public ActionResult execute(ActionEvent event) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new ActionResult(false, 1, "exit 1", "", Duration.ZERO);
            }
        };
        try (Dispatcher d = new Dispatcher(List.of(slow), new Dispatcher.Limits(Duration.ZERO, 100, 100, 1, 2, Duration.ofSeconds(10)),
                new ActionAudit(log, "t"), Clock.systemUTC(), null)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                d.dispatch(alarm("k" + i, i));
            }
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
            // one running, two queued, seven dropped
            assertThat(d.stats().queueFull()).isEqualTo(7);
            release.countDown();
            assertThat(d.awaitIdle(Duration.ofSeconds(10))).isTrue();
        }
        List<AuditEntry> entries = log.entries(AuditLog.Query.all());
        assertThat(entries).filteredOn(e -> e.action().equals("action.command")).hasSize(3)
                .allSatisfy(e -> assertThat(e.result()).isEqualTo("failed"));
    }
}
