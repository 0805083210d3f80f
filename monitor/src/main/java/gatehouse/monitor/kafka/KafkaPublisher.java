package gatehouse.monitor.kafka;

import gatehouse.monitor.ingest.Event;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes CloudTrail records to a topic, one Kafka record each, keyed by account ({@link RecordCodec#accountKey}).
 *
 * <p>The key is what makes the topic "partitioned by account": Kafka's default partitioner sends equal keys to the
 * same partition, so one account's events stay in order and reach one consumer, which can keep that account's
 * alarm state alone. The producer is idempotent with {@code acks=all}: a retried send is not written twice and an
 * acknowledged record is on every in-sync replica.
 *
 * <p>Sends are asynchronous; {@link #finish} waits for every acknowledgement. Not thread-safe.
 */
public final class KafkaPublisher implements AutoCloseable {
    private final KafkaUrl url;
    private final KafkaProducer<byte[], byte[]> producer;
    private final RecordCodec codec = new RecordCodec();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();
    private final SortedMap<Integer, AtomicLong> perPartition = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final Map<String, Long> perAccount = new TreeMap<>();
    private final int partitions;
    private long sent;

    /**
     * What a publication did.
     *
     * @param sent records handed to the producer
     * @param acknowledged records the brokers acknowledged
     * @param failed records that could not be written (after the producer's retries)
     * @param perPartition acknowledged records per partition number
     * @param perAccount records sent per account key ({@code ""} for records without an account)
     * @param partitions the topic's partition count
     * @param firstError the first write failure's message, or null
     */
    public record Result(long sent, long acknowledged, long failed, SortedMap<Integer, Long> perPartition,
            SortedMap<String, Long> perAccount, int partitions, String firstError) {}

    /**
     * Connects and checks that the topic exists.
     *
     * @param clientConfig extra producer settings (e.g. {@code security.protocol}); serializers, acks and
     *     idempotence are fixed
     * @param timeout how long to wait for the brokers' answer about the topic, and for each send to be accepted
     * @throws KafkaException when no broker answers or the topic does not exist within {@code timeout}
     */
    public KafkaPublisher(KafkaUrl url, Map<String, Object> clientConfig, Duration timeout) {
        this.url = Objects.requireNonNull(url, "url");
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, url.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"); // CloudTrail JSON shrinks several times
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
        long request = Math.min(timeout.toMillis(), 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(request));
        // the client requires delivery >= linger + request; retries of one record stop after this
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(120_000, timeout.toMillis() + 20 + request)));
        this.producer = new KafkaProducer<>(p);
        try {
            this.partitions = producer.partitionsFor(url.topic()).size();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    /** The topic's partition count, as the brokers reported it. */
    public int partitions() {
        return partitions;
    }

    /**
     * Sends one event, keyed by its account.
     *
     * @throws KafkaException when the producer cannot accept it within the timeout (e.g. the brokers went away)
     */
    public void send(Event event) {
        String account = RecordCodec.accountKey(event.record());
        perAccount.merge(account == null ? "" : account, 1L, Long::sum);
        sent++;
        producer.send(new ProducerRecord<>(url.topic(), RecordCodec.keyBytes(account), codec.encode(event.record())),
                (meta, err) -> {
                    if (err != null) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, err);
                    } else {
                        acknowledged.incrementAndGet();
                        perPartition.computeIfAbsent(meta.partition(), k -> new AtomicLong()).incrementAndGet();
                    }
                });
    }

    /** Waits until every sent record is acknowledged or failed, and says what happened. */
    public Result finish() {
        producer.flush();
        SortedMap<Integer, Long> parts = new TreeMap<>();
        perPartition.forEach((k, v) -> parts.put(k, v.get()));
        Exception e = firstError.get();
        return new Result(sent, acknowledged.get(), failed.get(), parts, new TreeMap<>(perAccount), partitions,
                e == null ? null : e.getMessage());
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
