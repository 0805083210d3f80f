/**
 * CloudWatch metric alarms over event time: {@link gatehouse.monitor.alarm.AlarmDefinition} (statistic, period,
 * M of N, comparison, threshold, missing-data treatment), {@link gatehouse.monitor.alarm.AlarmEvaluator} (one
 * evaluation, as the CloudWatch user guide specifies it), {@link gatehouse.monitor.alarm.AlarmEngine} (periods by event
 * time, watermark and allowed lateness, transitions, snapshots for restarts) and
 * {@link gatehouse.monitor.alarm.AlarmListener}, where actions plug in. Semantics: docs/alarms.md.
 */
package gatehouse.monitor.alarm;
