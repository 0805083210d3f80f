package gatehouse.secrets.rules;

import com.google.re2j.Pattern;

/**
 * An RE2/J pattern compiled on first use. Hooks run on every commit: of some 250 rules only those whose
 * keywords occur in the change ever need their regex, so the others are never compiled. User configs are
 * compiled when loaded ({@link #eager}) so a broken regex is an error at once; the built-in rules are compiled
 * in full by their tests.
 */
public final class Regex {
    private final String source;
    private volatile Pattern pattern;

    private Regex(String source, Pattern pattern) {
        this.source = source;
        this.pattern = pattern;
    }

    public static Regex lazy(String source) {
        return new Regex(source, null);
    }

    public static Regex eager(String source) {
        return new Regex(source, Pattern.compile(source));
    }

    public String source() {
        return source;
    }

    public Pattern get() {
        Pattern p = pattern;
        if (p == null) {
            p = Pattern.compile(source);
            pattern = p;
        }
        return p;
    }

    @Override
    public String toString() {
        return source;
    }
}
