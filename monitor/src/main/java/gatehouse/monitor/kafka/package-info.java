/**
 * Scale-out on Kafka (DESIGN.md: "an organisation's stream goes through Kafka, topics partitioned by account,
 * consumed by as many gatehouse monitor instances as needed"): {@link gatehouse.monitor.kafka.KafkaUrl} names a
 * stream, {@link gatehouse.monitor.kafka.KafkaPublisher} writes CloudTrail records keyed by account,
 * {@link gatehouse.monitor.kafka.KafkaEventSource} reads them as a consumer-group member and drives a
 * {@link gatehouse.monitor.kafka.PartitionedProcessor} whose state moves with its partitions. Guarantees and
 * operation: {@code docs/kafka.md}.
 */
package gatehouse.monitor.kafka;
