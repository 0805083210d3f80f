package gatehouse.monitor.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real Kafka broker for the tests: one combined KRaft controller and broker from Kafka's own test kit, started in
 * this JVM on a random loopback port with its logs in a temporary directory, shared by every test class of the run
 * and shut down (directory deleted) when the run ends. Tests get it as a parameter.
 *
 * <p>If the broker cannot start on this machine the tests that need it are aborted (reported as skipped) with the
 * reason, rather than failing for something that is not Gatehouse's fault; here and in CI it starts.
 */
public final class KafkaBroker implements ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KafkaBroker.class);

    /** The running cluster; closed by JUnit at the end of the run. */
    public static final class Running implements ExtensionContext.Store.CloseableResource {
        private final KafkaClusterTestKit cluster;
        private final Path dir;
        private final String bootstrap;
        private int topics;

        Running(KafkaClusterTestKit cluster, Path dir) {
            this.cluster = cluster;
            this.dir = dir;
            this.bootstrap = cluster.bootstrapServers();
        }

        /** {@code host:port} of the broker. */
        public String bootstrap() {
            return bootstrap;
        }

        /** Creates a topic with a fresh name and {@code partitions} partitions, and returns its name. */
        public synchronized String newTopic(String prefix, int partitions) throws Exception {
            String name = prefix + "-" + (++topics);
            try (Admin admin = admin()) {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
                // creation returns before every partition has a leader; a producer sending then can see its first
                // batches of a leaderless partition fail, so wait until the broker reports a leader for each
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (true) {
                    org.apache.kafka.clients.admin.TopicDescription d;
                    try {
                        d = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
                    } catch (java.util.concurrent.ExecutionException e) {
                        // the controller has the topic but the broker's metadata cache may not yet: it answers
                        // "does not host this topic-partition" for a moment (seen in CI); ask again
                        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
                                || System.nanoTime() > deadline) {
                            throw e;
                        }
                        Thread.sleep(50);
                        continue;
                    }
                    if (d.partitions().size() == partitions && d.partitions().stream().allMatch(x -> x.leader() != null
                            && !x.leader().isEmpty() && !x.isr().isEmpty())) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("topic " + name + " has partitions without a leader: " + d);
                    }
                    Thread.sleep(50);
                }
            }
            return name;
        }

        public Admin admin() {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            return Admin.create(p);
        }

        @Override
        public void close() throws Exception {
            cluster.close();
            if (Files.exists(dir)) {
                try (var walk = Files.walk(dir)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == Running.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return e.getRoot().getStore(NS).getOrComputeIfAbsent(Running.class, k -> start(), Running.class);
    }

    private static Running start() {
        Path dir = null;
        KafkaClusterTestKit cluster = null;
        try {
            dir = Files.createTempDirectory("gatehouse-kafka-");
            TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                    .setNumControllerNodes(1).setBaseDirectory(dir).build();
            KafkaClusterTestKit.Builder b = new KafkaClusterTestKit.Builder(nodes);
            // fast group handovers: the tests kill consumers and wait for their partitions to move
            for (Map.Entry<String, Object> c : Map.<String, Object>of(
                    "group.initial.rebalance.delay.ms", "0",
                    "group.min.session.timeout.ms", "1000",
                    "offsets.topic.num.partitions", "4",
                    "offsets.topic.replication.factor", "1",
                    "transaction.state.log.replication.factor", "1",
                    "transaction.state.log.min.isr", "1",
                    "auto.create.topics.enable", "false").entrySet()) {
                b.setConfigProp(c.getKey(), c.getValue());
            }
            cluster = b.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new Running(cluster, dir);
        } catch (Throwable t) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception ignored) {
                    // already failing; the cause below is what matters
                }
            }
            Assumptions.abort("a Kafka broker could not start on this machine, so the Kafka tests were skipped: " + t);
            throw new AssertionError(t); // not reached
        }
    }

    /**
     * How long tests wait for something the broker or a consumer group does: long, because a loaded CI machine
     * can be many times slower than usual; a passing run waits only as long as it must.
     */
    static final Duration PATIENCE = Duration.ofSeconds(90);
}
