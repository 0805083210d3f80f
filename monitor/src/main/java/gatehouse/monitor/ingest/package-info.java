/**
 * Event ingestion: {@link gatehouse.monitor.ingest.EventSource} streams CloudTrail records, one at a time, from
 * CloudTrail log files as delivered (optionally gzipped, in the S3 folder layout), JSON arrays, JSON lines, EventBridge
 * envelopes and stdin; {@link gatehouse.monitor.ingest.Dedupe} drops repeated event ids with bounded memory. Formats
 * and bounds are documented in {@code docs/event-patterns.md} ("Ingestion formats").
 */
package gatehouse.monitor.ingest;
