package gatehouse.secrets.detect;

import gatehouse.secrets.rules.SecretRule;

/**
 * One secret found: the rule, where, and the secret itself. The secret is needed for fingerprints, baselines
 * and allowlists; it leaves this module only redacted ({@link Redact}), and {@link #toString()} never shows it.
 *
 * @param line       1-based line of the match start in the file
 * @param column     1-based column of the secret on that line
 * @param lineText   the whole line, in clear (redact before showing)
 * @param confidence {@code verified-format} when the token's built-in checksum holds, else {@code pattern}
 */
public record SecretMatch(SecretRule rule, String secret, String match, String path, String commit, int line,
                          int column, String lineText, String confidence, String fingerprint) {
    /** The line with every occurrence of the secret masked. */
    public String redactedLine() {
        return Redact.in(lineText, secret);
    }

    @Override
    public String toString() {
        return "SecretMatch[" + rule.id() + " " + path + ":" + line + ":" + column + " " + Redact.secret(secret) + "]";
    }
}
