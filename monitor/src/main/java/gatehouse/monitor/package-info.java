/**
 * The monitor module (DESIGN.md, detective and responsive controls): event ingestion, CloudWatch Logs filter
 * patterns ({@code gatehouse.monitor.filter}), metrics and alarms, EventBridge event patterns
 * ({@code gatehouse.monitor.events}), Config-style compliance and actions.
 */
package gatehouse.monitor;
