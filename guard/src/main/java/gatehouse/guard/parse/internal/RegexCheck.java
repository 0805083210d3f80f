package gatehouse.guard.parse.internal;

/** Parse-time validation of regex literals: a pattern must compile on RE2/J or on java.util.regex. */
final class RegexCheck {
    private RegexCheck() {}

    /** Null when the pattern is usable, else the reason it is not. */
    static String problem(String pattern) {
        gatehouse.core.regex.FoldHazard.Problem hazard = gatehouse.core.regex.FoldHazard.find(pattern);
        if (hazard != null) {
            return hazard.described() + "; " + hazard.hint();
        }
        String rust = pattern.replace("(?P<", "(?<");
        try {
            com.google.re2j.Pattern.compile(pattern);
            return null;
        } catch (RuntimeException e) {
            // fall through: may need look-around or back-references
        }
        try {
            java.util.regex.Pattern.compile(rust);
            return null;
        } catch (java.util.regex.PatternSyntaxException e) {
            return e.getDescription();
        } catch (RuntimeException | StackOverflowError e) {
            return "pattern too complex";
        }
    }
}
