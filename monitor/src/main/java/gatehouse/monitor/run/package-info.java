/**
 * {@code gatehouse monitor run} as a library: the configuration format ({@link gatehouse.monitor.run.MonitorConfig},
 * documented key by key in docs/alarms.md), the run itself with its persisted state
 * ({@link gatehouse.monitor.run.MonitorRunner}), and the built-in {@code log} action
 * ({@link gatehouse.monitor.run.LogAction}), the {@code webhook} and {@code command} actions behind the
 * de-duplicating, rate-limiting dispatcher ({@link gatehouse.monitor.run.AlarmActions}); other action types plug in
 * through {@link gatehouse.monitor.run.ActionFactory}.
 */
package gatehouse.monitor.run;
