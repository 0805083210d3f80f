package gatehouse.secrets.rules;

import com.google.re2j.Pattern;
import gatehouse.secrets.regex.Prefilter;

/**
 * An RE2/J pattern compiled on first use. Hooks run on every commit: of some 250 rules only those whose
 * keywords occur in the change ever need their regex, so the others are never compiled. User configs are
 * compiled when loaded ({@link #eager}) so a broken regex is an error at once; the built-in rules are compiled
 * in full by their tests.
 */
public final class Regex {
    private final String source;
    private volatile Pattern pattern;
    /** The {@link Prefilter}, {@link #NO_PREFILTER} when the regex has none, null until first asked. */
    private volatile Object prefilter;
    private volatile Pattern afterOne;
    private static final Object NO_PREFILTER = new Object();

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

    /** The regex behind one consumed character, for anchored matching ({@link gatehouse.secrets.regex.RegexScan}). */
    public Pattern afterOne() {
        Pattern p = afterOne;
        if (p == null) {
            p = gatehouse.secrets.regex.RegexScan.afterOne(source);
            afterOne = p;
        }
        return p;
    }

    /** A prefilter for scanning texts with this regex, or null when it cannot have one. */
    public Prefilter prefilter() {
        Object p = prefilter;
        if (p == null) {
            Prefilter built = Prefilter.of(source);
            p = built == null ? NO_PREFILTER : built;
            prefilter = p;
        }
        return p == NO_PREFILTER ? null : (Prefilter) p;
    }

    @Override
    public String toString() {
        return source;
    }
}
