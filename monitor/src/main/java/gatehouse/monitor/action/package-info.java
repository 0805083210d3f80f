/**
 * Responses to detective controls: a generic {@link gatehouse.monitor.action.ActionEvent} (an alarm
 * transition, a non-compliant resource, a matched event rule) handed to {@link gatehouse.monitor.action.Action}s
 * — webhook, command, log — through a {@link gatehouse.monitor.action.Dispatcher} that de-duplicates and
 * rate-limits, so that an alarm storm does not become a notification storm. Every attempt is audited.
 */
package gatehouse.monitor.action;
