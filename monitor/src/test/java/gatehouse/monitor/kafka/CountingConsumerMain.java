package gatehouse.monitor.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A consumer process for the kill test: joins the group, counts into the shared SQLite file slowly (so that it is
 * still mid-stream when the test kills it with SIGKILL) and runs until killed.
 *
 * <p>Arguments: {@code URL DBFILE DELAY_MS_PER_BATCH}.
 */
public final class CountingConsumerMain {
    private CountingConsumerMain() {}

    public static void main(String[] args) throws Exception {
        KafkaUrl url = KafkaUrl.forConsumer(args[0], "--input");
        CountingProcessor p = new CountingProcessor(Path.of(args[1]), Long.parseLong(args[2]));
        KafkaEventSource source = new KafkaEventSource(url, KafkaEventSourceTest.FAST_GROUP, Duration.ZERO,
                d -> System.err.println(d.headline()));
        System.out.println("started");
        System.out.flush();
        source.run(p);
    }
}
