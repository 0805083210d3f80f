/**
 * {@code gatehouse monitor run} as a library: the configuration format ({@link gatehouse.monitor.run.MonitorConfig},
 * documented key by key in docs/alarms.md), the run itself with its persisted state
 * ({@link gatehouse.monitor.run.MonitorRunner}), and the built-in {@code log} action
 * ({@link gatehouse.monitor.run.LogAction}); other action types plug in through
 * {@link gatehouse.monitor.run.ActionFactory}.
 */
package gatehouse.monitor.run;
