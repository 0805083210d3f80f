package gatehouse.core.finding;

/**
 * Why a finding does not count: {@code kind} is where the suppression came from ({@code metadata} for a
 * template's Metadata, {@code waiver} for .gatehouse.yml), {@code source} the convention or file, and the
 * reason given by whoever suppressed it.
 */
public record Suppression(String kind, String source, String reason) {}
