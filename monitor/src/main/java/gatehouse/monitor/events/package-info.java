/**
 * Amazon EventBridge event patterns: {@link gatehouse.monitor.events.EventPattern} parses and compiles one pattern
 * with AWS's syntax, validation rules and limits; {@link gatehouse.monitor.events.RuleSet} matches one event against
 * many named patterns; {@link gatehouse.monitor.events.CloudTrailEnvelope} builds the "AWS API Call via CloudTrail"
 * event that EventBridge delivers for a raw CloudTrail record, so the same rules run on CloudTrail files.
 * The syntax and every decision are documented in {@code docs/event-patterns.md}.
 */
package gatehouse.monitor.events;
