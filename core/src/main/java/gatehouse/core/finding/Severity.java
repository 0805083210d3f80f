package gatehouse.core.finding;

import java.util.Locale;
import java.util.Optional;

/** How bad a finding is, most severe first. */
public enum Severity {
    CRITICAL, HIGH, MEDIUM, LOW, INFO;

    /** The lower-case name used in files and reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Severity> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        for (Severity v : values()) {
            if (v.label().equals(s.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** SARIF {@code level}: error for critical/high, warning for medium, note below. */
    public String sarifLevel() {
        return switch (this) {
            case CRITICAL, HIGH -> "error";
            case MEDIUM -> "warning";
            case LOW, INFO -> "note";
        };
    }

    /** SARIF/GitHub {@code security-severity} (0.0-10.0). */
    public String securitySeverity() {
        return switch (this) {
            case CRITICAL -> "9.5";
            case HIGH -> "8.0";
            case MEDIUM -> "5.5";
            case LOW -> "3.0";
            case INFO -> "0.0";
        };
    }
}
