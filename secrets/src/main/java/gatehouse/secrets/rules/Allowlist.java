package gatehouse.secrets.rules;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a rule (or every rule) must not report, with gitleaks' semantics: with condition {@code OR} (the
 * default) any matching criterion allows a finding; with {@code AND} every criterion the allowlist sets must
 * match. Regexes look at the secret, the whole match or the whole line ({@code regexTarget}); stop-words are
 * searched in the lower-cased secret.
 *
 * @param targetRules for a global allowlist: the rule ids it applies to (empty: all)
 */
public record Allowlist(String description, Condition condition, Set<String> commits, List<Regex> paths,
                        Target regexTarget, List<Regex> regexes, List<String> stopwords, Set<String> targetRules) {
    public enum Condition { OR, AND }

    public enum Target { SECRET, MATCH, LINE }

    public Allowlist {
        commits = Set.copyOf(commits);
        paths = List.copyOf(paths);
        regexes = List.copyOf(regexes);
        stopwords = stopwords.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
        targetRules = Set.copyOf(targetRules);
    }

    /** True when nothing at all is set: gitleaks rejects such an allowlist. */
    public boolean isEmpty() {
        return commits.isEmpty() && paths.isEmpty() && regexes.isEmpty() && stopwords.isEmpty();
    }

    /** Whether a candidate finding is allowed (not reported). Any argument may be empty, never null. */
    public boolean allows(String commit, String path, String secret, String match, String line) {
        boolean hasCommit = !commits.isEmpty();
        boolean hasPath = !paths.isEmpty();
        boolean hasRegex = !regexes.isEmpty();
        boolean hasStop = !stopwords.isEmpty();
        if (condition == Condition.AND) {
            return (!hasCommit || commitAllowed(commit)) && (!hasPath || pathAllowed(path))
                    && (!hasRegex || regexAllowed(secret, match, line)) && (!hasStop || stopword(secret))
                    && (hasCommit || hasPath || hasRegex || hasStop);
        }
        return (hasCommit && commitAllowed(commit)) || (hasPath && pathAllowed(path))
                || (hasRegex && regexAllowed(secret, match, line)) || (hasStop && stopword(secret));
    }

    /** Only the commit and path criteria, for skipping a whole file or commit before scanning it. */
    public boolean allowsWhole(String commit, String path) {
        if (condition == Condition.AND) {
            return !regexes.isEmpty() || !stopwords.isEmpty() ? false
                    : (commits.isEmpty() || commitAllowed(commit)) && (paths.isEmpty() || pathAllowed(path))
                    && !(commits.isEmpty() && paths.isEmpty());
        }
        return (!commits.isEmpty() && commitAllowed(commit)) || (!paths.isEmpty() && pathAllowed(path));
    }

    private boolean commitAllowed(String commit) {
        if (commit.isEmpty()) {
            return false;
        }
        for (String c : commits) {
            if (commit.equalsIgnoreCase(c) || (c.length() >= 7 && commit.toLowerCase(Locale.ROOT).startsWith(c.toLowerCase(Locale.ROOT)))) {
                return true;
            }
        }
        return false;
    }

    private boolean pathAllowed(String path) {
        for (Regex p : paths) {
            if (p.get().matcher(path).find()) {
                return true;
            }
        }
        return false;
    }

    private boolean regexAllowed(String secret, String match, String line) {
        String target = switch (regexTarget) {
            case SECRET -> secret;
            case MATCH -> match;
            case LINE -> line;
        };
        for (Regex p : regexes) {
            if (p.get().matcher(target).find()) {
                return true;
            }
        }
        return false;
    }

    private boolean stopword(String secret) {
        String s = secret.toLowerCase(Locale.ROOT);
        for (String w : stopwords) {
            if (s.contains(w)) {
                return true;
            }
        }
        return false;
    }
}
