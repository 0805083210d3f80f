/**
 * An HTTP endpoint that feeds CloudTrail records to {@code gatehouse monitor run} ({@code --input http://HOST:PORT/PATH}),
 * on the JDK's own HTTP server, loopback-only by default. See docs/alarms.md, "HTTP input".
 */
package gatehouse.monitor.http;
