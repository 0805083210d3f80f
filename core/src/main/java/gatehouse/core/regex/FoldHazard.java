package gatehouse.core.regex;

/**
 * Finds the one construct on which RE2/J's compiler never returns, so that a user's regex can be refused with a
 * clear error instead of hanging the process. Regexes run on RE2/J because its matching is linear; its compiler,
 * however, folds case by walking each rune's fold orbit until it returns to the rune ({@code Unicode.simpleFold}),
 * and for U+1C80 to U+1C88 (the Cyrillic small letter forms rounded ve … unblended uk, added in Unicode 9) it never
 * does: RE2/J's orbit table predates them and the JDK's case mapping sends them into the orbit of В, Д, О, С, Т,
 * Ъ, Ѣ or Ꙋ, which does not lead back. So under case folding ({@code (?i)}) a literal of those runes, or a class
 * range that RE2/J folds rune by rune and that covers one of them, loops forever. A range RE2/J takes whole (it
 * spans U+0041 to U+1E943, every rune that folds) or never folds is safe, and so are the Unicode classes
 * ({@code \p{..}}, folded from tables) and the Perl and POSIX classes (ASCII). The set is checked against RE2/J's
 * own fold function in the tests, so a change of JDK or RE2/J that moves it fails there.
 *
 * <p>The scan follows RE2's syntax far enough to know which parts are case-folded: flag groups {@code (?i)},
 * {@code (?-i)}, {@code (?i:…)} with their scope, escapes ({@code \x{..}}, {@code \xHH}, {@code \Q…\E}) and classes
 * with ranges. It is linear and never fails: a regex that is not valid RE2 is left to the regex compiler's own
 * error.
 */
public final class FoldHazard {
    /** The first and last rune whose fold orbit does not close in RE2/J 1.8 on the JDK's case tables. */
    public static final int FIRST = 0x1C80;
    public static final int LAST = 0x1C88;
    /** RE2/J's bounds of the runes that fold at all (its {@code MIN_FOLD}, {@code MAX_FOLD}). */
    static final int MIN_FOLD = 0x41;
    static final int MAX_FOLD = 0x1E943;

    /** Where in a regex the hazard is, what it is, and how to write the regex instead. */
    public record Problem(int index, String message, String hint) {
        /** The message with the (1-based) character position, for an error line. */
        public String described() {
            return message + " (at character " + (index + 1) + ")";
        }
    }

    private final String re;
    private int pos;

    private FoldHazard(String re) {
        this.re = re;
    }

    /** The first construct RE2/J would not finish compiling, or null when there is none. */
    public static Problem find(String regex) {
        return regex == null ? null : new FoldHazard(regex).scan();
    }

    private Problem scan() {
        // flags of the enclosing groups: bit 0 = case folding; depth-bounded by the regex's length
        int[] stack = new int[Math.max(4, re.length() / 2 + 1)];
        int depth = 0;
        boolean fold = false;
        while (pos < re.length()) {
            int at = pos;
            int c = re.codePointAt(pos);
            pos += Character.charCount(c);
            switch (c) {
                case '\\' -> {
                    if (pos < re.length() && re.charAt(pos) == 'Q') {
                        pos++;
                        int end = re.indexOf("\\E", pos);
                        int stop = end < 0 ? re.length() : end;
                        while (pos < stop) {
                            int q = re.codePointAt(pos);
                            if (fold && hazard(q)) {
                                return literal(pos, q);
                            }
                            pos += Character.charCount(q);
                        }
                        pos = end < 0 ? re.length() : end + 2;
                    } else {
                        int r = escape();
                        if (fold && r >= 0 && hazard(r)) {
                            return literal(at, r);
                        }
                    }
                }
                case '[' -> {
                    Problem p = klass(at, fold);
                    if (p != null) {
                        return p;
                    }
                }
                case '(' -> {
                    if (depth == stack.length) {
                        stack = java.util.Arrays.copyOf(stack, stack.length * 2);
                    }
                    stack[depth++] = fold ? 1 : 0;
                    if (pos < re.length() && re.charAt(pos) == '?') {
                        int save = pos;
                        pos++;
                        Boolean f = flags(fold);
                        if (f == null) {
                            pos = save + 1;              // (?P<name>, (?<name>: an ordinary group
                        } else {
                            fold = f;
                            if (re.charAt(pos - 1) == ')') {
                                depth--;                  // (?i) sets the flags of the enclosing group
                            }
                        }
                    }
                }
                case ')' -> {
                    if (depth > 0) {
                        fold = stack[--depth] == 1;
                    }
                }
                default -> {
                    if (fold && hazard(c)) {
                        return literal(at, c);
                    }
                }
            }
        }
        return null;
    }

    /**
     * After "(?": reads flags up to ')' or ':' and returns the case-folding flag they leave, or null when this is
     * not a flag group (a named group) or is malformed.
     */
    private Boolean flags(boolean fold) {
        boolean negate = false;
        while (pos < re.length()) {
            char f = re.charAt(pos++);
            switch (f) {
                case 'i' -> fold = !negate;
                case 'm', 's', 'U' -> { }
                case '-' -> negate = true;
                case ')', ':' -> {
                    return fold;
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    /** After a backslash outside a class: the rune the escape stands for, or -1 when it is a class or an assertion. */
    private int escape() {
        if (pos >= re.length()) {
            return -1;
        }
        int c = re.codePointAt(pos);
        pos += Character.charCount(c);
        switch (c) {
            case 'x' -> {
                return hex();
            }
            case 'p', 'P' -> {
                if (pos < re.length() && re.charAt(pos) == '{') {
                    int end = re.indexOf('}', pos);
                    pos = end < 0 ? re.length() : end + 1;
                } else if (pos < re.length()) {
                    pos += Character.charCount(re.codePointAt(pos));
                }
                return -1;
            }
            case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                int v = c - '0';
                for (int i = 0; i < 2 && pos < re.length() && re.charAt(pos) >= '0' && re.charAt(pos) <= '7'; i++) {
                    v = v * 8 + re.charAt(pos++) - '0';
                }
                return v;                                 // at most \777, far below the hazard
            }
            case 'd', 'D', 's', 'S', 'w', 'W', 'b', 'B', 'A', 'z', 'C' -> {
                return -1;
            }
            default -> {
                return c;                                 // \a \f \t \n \r \v and escaped punctuation: ASCII
            }
        }
    }

    /** After "\x": {@code {hex…}} or two hex digits; -1 when malformed (the compiler reports it). */
    private int hex() {
        if (pos < re.length() && re.charAt(pos) == '{') {
            int end = re.indexOf('}', pos);
            if (end < 0) {
                pos = re.length();
                return -1;
            }
            String digits = re.substring(pos + 1, end);
            pos = end + 1;
            return parseHex(digits);
        }
        int end = Math.min(pos + 2, re.length());
        String digits = re.substring(pos, end);
        pos = end;
        return parseHex(digits);
    }

    private static int parseHex(String digits) {
        if (digits.isEmpty() || digits.length() > 8) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }

    /** A class from its '[' at {@code open}; checks each rune and range that RE2/J would fold. */
    private Problem klass(int open, boolean fold) {
        if (pos < re.length() && re.charAt(pos) == '^') {
            pos++;
        }
        boolean first = true;
        while (pos < re.length()) {
            int at = pos;
            int c = re.codePointAt(pos);
            if (c == ']' && !first) {
                pos++;
                return null;
            }
            first = false;
            if (c == '[' && re.startsWith("[:", pos)) {
                int end = re.indexOf(":]", pos + 2);
                if (end >= 0) {
                    pos = end + 2;                        // [:alpha:], [:^space:]: ASCII
                    continue;
                }
            }
            int lo = item();
            if (lo < 0) {
                continue;                                 // \d, \p{..}: a whole class, not a rune
            }
            int hi = lo;
            if (pos + 1 < re.length() && re.charAt(pos) == '-' && re.charAt(pos + 1) != ']') {
                pos++;
                hi = item();
                if (hi < 0) {
                    continue;                             // malformed range: the compiler says so
                }
            }
            if (fold && foldsRuneByRune(lo, hi) && lo <= LAST && hi >= FIRST) {
                return lo == hi ? literal(at, lo) : new Problem(at, String.format(
                        "the case-insensitive range U+%04X-U+%04X covers U+%04X-U+%04X, on which RE2/J's case folding never ends",
                        lo, hi, FIRST, LAST), String.format(
                        "split the range around U+%04X-U+%04X, or make this class case-sensitive with (?-i:...)", FIRST, LAST));
            }
        }
        return null;                                      // unterminated: the compiler reports it
    }

    /** One class item: a rune, or -1 for an escape that is a class itself. */
    private int item() {
        int c = re.codePointAt(pos);
        pos += Character.charCount(c);
        return c == '\\' ? escape() : c;
    }

    /** Whether RE2/J folds the range [lo, hi] one rune at a time (its shortcut takes a range spanning all folds whole). */
    private static boolean foldsRuneByRune(int lo, int hi) {
        return !(lo <= MIN_FOLD && hi >= MAX_FOLD) && !(hi < MIN_FOLD || lo > MAX_FOLD);
    }

    private static boolean hazard(int rune) {
        return rune >= FIRST && rune <= LAST;
    }

    private static Problem literal(int at, int rune) {
        return new Problem(at, String.format(
                "case-insensitive U+%04X: RE2/J's case folding of U+%04X-U+%04X never ends", rune, FIRST, LAST),
                "match this character case-sensitively with (?-i:...), or list its case variants in a class");
    }
}
