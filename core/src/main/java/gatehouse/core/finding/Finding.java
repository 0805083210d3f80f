package gatehouse.core.finding;

/**
 * One violation of one rule at one place.
 *
 * @param rule        the rule broken
 * @param message     what is wrong here, in a sentence (never contains a secret in clear)
 * @param location    where
 * @param snippet     the offending source line (redacted where needed), or empty
 * @param provenance  how the offending value was obtained when not literal (e.g. "via parameter
 *                    AllowedCidr (default)"), or empty
 * @param fingerprint stable across line moves: rule id, file, resource and path
 * @param suppression non-null when suppressed; suppressed findings stay in reports, marked
 * @param properties  further facts, in order, that every report shows (a secret's commit, author, date and
 *                    confidence); never a secret in clear
 */
public record Finding(Rule rule, String message, Location location, String snippet, String provenance,
                      String fingerprint, Suppression suppression, java.util.SequencedMap<String, String> properties) {
    public Finding {
        snippet = snippet == null ? "" : snippet;
        provenance = provenance == null ? "" : provenance;
        properties = properties == null || properties.isEmpty() ? new java.util.LinkedHashMap<>()
                : new java.util.LinkedHashMap<>(properties);
        properties = java.util.Collections.unmodifiableSequencedMap(properties);
    }

    public Finding(Rule rule, String message, Location location, String snippet, String provenance,
                   String fingerprint, Suppression suppression) {
        this(rule, message, location, snippet, provenance, fingerprint, suppression, null);
    }

    public boolean suppressed() {
        return suppression != null;
    }

    public Finding withSuppression(Suppression s) {
        return new Finding(rule, message, location, snippet, provenance, fingerprint, s, properties);
    }
}
