package gatehouse.monitor.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.monitor.alarm.AlarmState;
import gatehouse.monitor.alarm.Transition;
import gatehouse.monitor.cis.CisPack;
import gatehouse.monitor.ingest.Event;
import gatehouse.monitor.kafka.Batch;
import gatehouse.monitor.kafka.Partition;
import gatehouse.monitor.kafka.PartitionedEvent;
import gatehouse.store.EachStore;
import gatehouse.store.Store;
import gatehouse.store.TestStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The processor's promises to the Kafka source, on each store dialect ({@link EachStore}) without a broker: the watermark is stored with
 * the state on flush and returned on the next assignment; a lost partition writes nothing; partitions keep separate
 * state; {@code reset} drops a partition's state once per run.
 */
class PartitionAlarmsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    static final Partition P0 = new Partition("trail", 0);
    static final Partition P1 = new Partition("trail", 1);

    PartitionAlarms processor(Store store, boolean reset, List<Transition> delivered) {
        MonitorConfig config = CisPack.load(MonitorConfig.BUILT_IN_ACTIONS);
        return new PartitionAlarms(store, "cis", config.alarms().stream().map(MonitorConfig.AlarmSpec::definition).toList(),
                config.filters().stream().map(MonitorConfig.FilterSpec::filter).toList(), Duration.ofMinutes(2), reset,
                (state, scope, ts) -> {
                    delivered.addAll(ts);
                    if (!ts.isEmpty()) {
                        state.delivered(ts.get(ts.size() - 1).seq());
                    }
                }, w -> { });
    }

    static PartitionedEvent failure(Partition p, long offset, long second) throws Exception {
        String json = "{\"eventID\":\"" + p.number() + "-" + offset + "\",\"eventTime\":\"" + T0.plusSeconds(second)
                + "\",\"eventName\":\"ConsoleLogin\",\"eventSource\":\"signin.amazonaws.com\","
                + "\"errorMessage\":\"Failed authentication\",\"userIdentity\":{\"type\":\"IAMUser\"}}";
        return new PartitionedEvent(p, offset, "123456789012",
                new Event(JSON.readTree(json), p.display() + "@" + offset, p.number() + "-" + offset, T0.plusSeconds(second)));
    }

    static AlarmState state(PartitionAlarms a, Partition p, String alarm) {
        return a.summaries().get(p).alarms().stream().filter(s -> s.definition().name().equals(alarm)).findFirst()
                .orElseThrow().state();
    }

    @EachStore
    void theWatermarkIsStoredWithTheStateOnFlushAndReturnedOnTheNextAssignment(TestStore stores) throws Exception {
        Store store = stores.open();
        List<Transition> delivered = new ArrayList<>();
        PartitionAlarms a = processor(store, false, delivered);
        assertThat(a.onAssigned(List.of(P0, P1))).isEmpty();
        // three failures in P0 and a late record far ahead that closes their period; one failure in P1
        a.process(new Batch(List.of(failure(P0, 0, 10), failure(P0, 1, 20), failure(P0, 2, 30), failure(P0, 5, 900),
                failure(P1, 0, 10)), Map.of(P0, 7L, P1, 0L)));
        a.flush();
        assertThat(state(a, P0, "console-signin-failures")).isEqualTo(AlarmState.ALARM);
        assertThat(state(a, P1, "console-signin-failures")).as("P1's single failure is its own").isNotEqualTo(AlarmState.ALARM);
        assertThat(delivered).anySatisfy(t -> assertThat(t.alarm() + " " + t.newState()).isEqualTo("console-signin-failures ALARM"));
        a.onRevoked(List.of(P0, P1));
        a.closeAll();

        List<Transition> again = new ArrayList<>();
        PartitionAlarms b = processor(store, false, again);
        assertThat(b.onAssigned(List.of(P0, P1))).containsExactlyInAnyOrderEntriesOf(Map.of(P0, 7L, P1, 0L));
        assertThat(state(b, P0, "console-signin-failures")).isEqualTo(AlarmState.ALARM);
        assertThat(b.summaries().get(P0).resumed()).isTrue();
        assertThat(again).as("everything was delivered before").isEmpty();
        b.closeAll();
    }

    @EachStore
    void aLostPartitionWritesNothingAndAResetDropsTheStoredState(TestStore stores) throws Exception {
        Store store = stores.open();
        PartitionAlarms a = processor(store, false, new ArrayList<>());
        a.onAssigned(List.of(P0));
        a.process(new Batch(List.of(failure(P0, 0, 10)), Map.of(P0, 0L)));
        a.flush();
        a.process(new Batch(List.of(failure(P0, 1, 20), failure(P0, 2, 30), failure(P0, 3, 900)), Map.of(P0, 3L)));
        a.onLost(List.of(P0));
        a.closeAll();

        PartitionAlarms b = processor(store, false, new ArrayList<>());
        assertThat(b.onAssigned(List.of(P0))).as("only the flushed watermark").containsExactlyEntriesOf(Map.of(P0, 0L));
        assertThat(b.summaries().get(P0).events()).isEqualTo(1);
        b.onRevoked(List.of(P0));
        b.closeAll();

        PartitionAlarms c = processor(store, true, new ArrayList<>());
        assertThat(c.onAssigned(List.of(P0))).isEmpty();
        c.process(new Batch(List.of(failure(P0, 4, 40)), Map.of(P0, 4L)));
        c.flush();
        c.onRevoked(List.of(P0));
        assertThat(c.onAssigned(List.of(P0))).as("reset once per run, not on a reassignment").containsExactlyEntriesOf(Map.of(P0, 4L));
        c.closeAll();
    }

    /**
     * A consumer holding more partitions than the PostgreSQL server takes connections (the test server's
     * max_connections is 100): the lanes share one connection, so every partition is loaded, flushed and resumed.
     */
    @EachStore
    void moreHeldPartitionsThanTheServerTakesConnectionsShareOne(TestStore stores) throws Exception {
        Store store = stores.open();
        List<Partition> many = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            many.add(new Partition("wide", i));
        }
        PartitionAlarms a = processor(store, false, new ArrayList<>());
        assertThat(a.onAssigned(many)).isEmpty();
        List<PartitionedEvent> events = new ArrayList<>();
        Map<Partition, Long> last = new java.util.HashMap<>();
        for (Partition p : many) {
            events.add(failure(p, 0, 10));
            last.put(p, 0L);
        }
        a.process(new Batch(events, last));
        a.flush();
        a.onRevoked(many);
        a.closeAll();

        PartitionAlarms b = processor(store, false, new ArrayList<>());
        Map<Partition, Long> marks = b.onAssigned(many);
        assertThat(marks).hasSize(many.size()).containsValue(0L).doesNotContainValue(-1L);
        assertThat(b.summaries().values()).allSatisfy(s -> assertThat(s.events()).isOne());
        b.closeAll();
    }
}
