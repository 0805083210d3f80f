package gatehouse.monitor.run;

import gatehouse.monitor.cis.CisPack;
import gatehouse.monitor.kafka.KafkaUrl;
import gatehouse.store.Store;
import java.time.Duration;
import java.util.Map;

/**
 * A {@code monitor run --input kafka://…} process for the kill test: the CIS pack, state in the given store under
 * scope {@code kafka}, flushing after every poll of at most five records, running until killed.
 *
 * <p>Arguments: {@code URL STORE_URL}.
 */
public final class KafkaRunMain {
    private KafkaRunMain() {}

    public static void main(String[] args) {
        Store store = Store.open(args[1], true);
        MonitorRunner r = new MonitorRunner(CisPack.load(MonitorConfig.BUILT_IN_ACTIONS), store,
                new MonitorRunner.Options("kafka", Duration.ofMinutes(2), false, false, 100_000, Duration.ofSeconds(1)),
                Map.of("log", LogAction.factory(System.out, false)), w -> System.err.println(w.message()));
        System.out.println("started");
        System.out.flush();
        r.runKafka(KafkaUrl.forConsumer(args[0], "--input"), Map.of("session.timeout.ms", "6000",
                "heartbeat.interval.ms", "500", "max.poll.records", "5"), Duration.ZERO, null, d -> System.err.println(d.headline()));
    }
}
