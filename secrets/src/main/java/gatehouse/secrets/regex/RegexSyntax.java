package gatehouse.secrets.regex;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads RE2 syntax into a small tree that accepts <em>at least</em> what the regex accepts: assertions
 * ({@code ^ $ \b \B \A \z}) become the empty string, Unicode classes become "any character", every non-ASCII
 * character is one symbol. What it cannot read it refuses ({@link Unsupported}), and the caller then runs
 * the regex without a prefilter. Used only to decide where a regex cannot match; RE2/J still decides what
 * does.
 *
 * <p>{@link #parseExact} reads the same syntax into the regex's own tree for ASCII texts, for {@link Backtracker}:
 * assertions ({@link Assert}), capture groups ({@link Group}) and greediness are kept, and every set of characters
 * holds exactly the ASCII characters RE2 matches with it — under {@code (?i)} too, where {@code k} and {@code s}
 * also fold to the Kelvin sign and the long s. Sets whose ASCII members are not plain to see (bracket classes,
 * Unicode classes) are asked of RE2/J itself, character by character. What the tree says of non-ASCII characters
 * is not used: the backtracker hands any text with one back to RE2/J.
 */
final class RegexSyntax {
    /** RE2's own bound on a repetition count. */
    static final int MAX_REPEAT = 1000;

    sealed interface Node permits Chars, Seq, Alt, Rep, Empty, Assert, Group {}

    /** A set of characters: the ASCII ones as a 128-bit set, all non-ASCII ones as one symbol. */
    record Chars(long lo, long hi, boolean nonAscii) implements Node {
        static final Chars NONE = new Chars(0, 0, false);
        static final Chars ANY = new Chars(-1L, -1L, true);

        boolean has(int c) {
            return c < 64 ? (lo >>> c & 1) != 0 : (hi >>> (c - 64) & 1) != 0;
        }

        Chars with(int c) {
            if (c >= 128) {
                return new Chars(lo, hi, true);
            }
            return c < 64 ? new Chars(lo | 1L << c, hi, nonAscii) : new Chars(lo, hi | 1L << (c - 64), nonAscii);
        }

        Chars range(int from, int to) {
            Chars s = this;
            for (int c = from; c <= Math.min(to, 127); c++) {
                s = s.with(c);
            }
            return to >= 128 ? new Chars(s.lo, s.hi, true) : s;
        }

        Chars union(Chars o) {
            return new Chars(lo | o.lo, hi | o.hi, nonAscii || o.nonAscii);
        }

        /** The complement among ASCII; non-ASCII characters stay possible (a superset). */
        Chars negate() {
            return new Chars(~lo, ~hi, true);
        }

        /**
         * Both cases of every ASCII letter; k and s also fold to non-ASCII characters (the Kelvin sign, the long s),
         * and the non-ASCII characters a set already holds may be those two, so they bring k and s in.
         */
        Chars fold() {
            Chars s = this;
            for (int c = 'a'; c <= 'z'; c++) {
                int u = c - 32;
                if (has(c) || has(u)) {
                    s = s.with(c).with(u);
                }
            }
            if (nonAscii) {
                s = s.with('k').with('K').with('s').with('S');
            }
            if (s.has('k') || s.has('s')) {
                s = s.with(128);
            }
            return s;
        }
    }

    record Seq(List<Node> items) implements Node {}

    record Alt(List<Node> options) implements Node {}

    /**
     * @param max    -1 for no upper bound
     * @param greedy whether more repetitions are preferred to fewer (exact trees only: a superset ignores it)
     */
    record Rep(Node item, int min, int max, boolean greedy) implements Node {
        Rep(Node item, int min, int max) {
            this(item, min, max, true);
        }
    }

    /** An empty-width assertion (exact trees only; a superset reads it as the empty string). */
    record Assert(int kind) implements Node {
        /** {@code \A}, and {@code ^} outside multi-line mode. */
        static final int BEGIN_TEXT = 0;
        /** {@code \z}, and {@code $} outside multi-line mode. */
        static final int END_TEXT = 1;
        /** {@code ^} in multi-line mode. */
        static final int BEGIN_LINE = 2;
        /** {@code $} in multi-line mode. */
        static final int END_LINE = 3;
        /** {@code \b}: an ASCII word character on one side only. */
        static final int WORD_BOUNDARY = 4;
        /** {@code \B}. */
        static final int NOT_WORD_BOUNDARY = 5;
    }

    /** Capture group {@code index} (exact trees only; a superset reads only what it holds). */
    record Group(int index, Node item) implements Node {}

    record Empty() implements Node {
        static final Empty EMPTY = new Empty();
    }

    static final class Unsupported extends Exception {
        Unsupported(String why) {
            super(why, null, false, false);
        }
    }

    private static final Chars DIGIT = Chars.NONE.range('0', '9');
    private static final Chars WORD = DIGIT.range('a', 'z').range('A', 'Z').with('_');
    private static final Chars SPACE = Chars.NONE.with('\t').with('\n').with('\f').with('\r').with(' ');

    private final String src;
    private int pos;
    private boolean foldCase;
    private boolean dotNl;
    private boolean multiLine;
    /** Whether the tree is for matches that do not begin at the start of the text ({@link #parseNotAtStart}). */
    private final boolean notAtStart;
    /** Whether this reads the exact tree ({@link #parseExact}). */
    private final boolean exact;
    private boolean ungreedy;
    /** Capture groups opened so far. */
    private int groups;

    private RegexSyntax(String src, boolean notAtStart, boolean exact) {
        this.src = src;
        this.notAtStart = notAtStart;
        this.exact = exact;
    }

    /**
     * The regex's own tree for ASCII texts (see the class comment): what {@link Backtracker} runs. Its capture
     * groups are numbered as RE2 numbers them.
     */
    static Node parseExact(String regex) throws Unsupported {
        return new RegexSyntax(regex, false, true).whole();
    }

    /** The number of capture groups in an exact tree. */
    static int groups(Node n) {
        return switch (n) {
            case Group g -> Math.max(g.index(), groups(g.item()));
            case Seq s -> s.items().stream().mapToInt(RegexSyntax::groups).max().orElse(0);
            case Alt a -> a.options().stream().mapToInt(RegexSyntax::groups).max().orElse(0);
            case Rep r -> groups(r.item());
            default -> 0;
        };
    }

    static Node parse(String regex) throws Unsupported {
        return parse(regex, false);
    }

    /**
     * The tree for matches that begin after the first character of the text: there {@code \A}, and {@code ^}
     * outside multi-line mode, can never hold, so they match nothing instead of everything. Anchored at such a
     * place, the automaton of this tree rules out far more starts ({@code (?:^|[^0-9A-Za-z])token} may then only
     * start at a character that is not a letter or digit).
     */
    static Node parseNotAtStart(String regex) throws Unsupported {
        return parse(regex, true);
    }

    private static Node parse(String regex, boolean notAtStart) throws Unsupported {
        return new RegexSyntax(regex, notAtStart, false).whole();
    }

    /** The tree of the whole source, which must be read to its end. */
    private Node whole() throws Unsupported {
        Node n = alternation();
        if (pos < src.length()) {
            throw new Unsupported("unexpected ')' at " + pos);
        }
        return n;
    }

    /**
     * A tree whose matches end exactly where the regex's can end, with less to count: a nullable head is
     * dropped ({@code [\w.-]{0,50}key} ends where {@code key} ends) and a leading repetition keeps its minimum
     * ({@code x{2,9}y} ends where {@code x{2}y} ends). An unanchored search with it needs far fewer states.
     */
    static Node sameEnds(Node n) {
        return switch (n) {
            case Seq s -> {
                List<Node> items = s.items();
                int i = 0;
                while (i < items.size() - 1 && nullable(items.get(i))) {
                    i++;
                }
                if (i == items.size()) {
                    yield n;
                }
                List<Node> rest = new ArrayList<>(items.subList(i, items.size()));
                rest.set(0, sameEnds(rest.get(0)));
                yield rest.size() == 1 ? rest.get(0) : new Seq(rest);
            }
            case Alt a -> new Alt(a.options().stream().map(RegexSyntax::sameEnds).toList());
            case Group g -> sameEnds(g.item());
            case Rep r when r.min() > 0 && r.max() != r.min() -> new Rep(r.item(), r.min(), r.min());
            default -> n;
        };
    }

    /**
     * A tree accepting a superset with far fewer DFA states: a repetition whose count may vary widely
     * ({@code {0,50}}, {@code {10,150}}) becomes unbounded ({@code {0,}}, {@code {10,}}). A DFA tracks every
     * count a bounded range may be at; an unbounded one only needs to know the minimum was reached.
     */
    static Node relaxed(Node n) {
        return switch (n) {
            case Seq s -> new Seq(s.items().stream().map(RegexSyntax::relaxed).toList());
            case Alt a -> new Alt(a.options().stream().map(RegexSyntax::relaxed).toList());
            case Rep r -> new Rep(relaxed(r.item()), r.min(), r.max() >= 0 && r.max() - r.min() > RELAX_SPAN ? -1 : r.max());
            case Group g -> relaxed(g.item());
            case Assert a -> Empty.EMPTY;
            default -> n;
        };
    }

    /** Ranges wider than this are relaxed. */
    static final int RELAX_SPAN = 4;

    static boolean nullable(Node n) {
        return switch (n) {
            case Chars c -> false;
            case Empty e -> true;
            case Assert a -> true;
            case Group g -> nullable(g.item());
            case Seq s -> s.items().stream().allMatch(RegexSyntax::nullable);
            case Alt a -> a.options().stream().anyMatch(RegexSyntax::nullable);
            case Rep r -> r.min() == 0 || nullable(r.item());
        };
    }

    /** The most UTF-16 characters a match can span, or -1 when unbounded. */
    static int maxChars(Node n) {
        long m = maxCodePoints(n);
        return m < 0 || m > 1_000_000 ? -1 : (int) (2 * m);
    }

    /** The most code points a match can span, or -1 when unbounded. */
    static long maxCodePoints(Node n) {
        return switch (n) {
            case Chars c -> 1;
            case Empty e -> 0;
            case Assert a -> 0;
            case Group g -> maxCodePoints(g.item());
            case Seq s -> {
                long t = 0;
                for (Node i : s.items()) {
                    long m = maxCodePoints(i);
                    if (m < 0) {
                        yield -1;
                    }
                    t += m;
                }
                yield t;
            }
            case Alt a -> {
                long t = 0;
                for (Node i : a.options()) {
                    long m = maxCodePoints(i);
                    if (m < 0) {
                        yield -1;
                    }
                    t = Math.max(t, m);
                }
                yield t;
            }
            case Rep r -> {
                long m = maxCodePoints(r.item());
                yield m < 0 || (r.max() < 0 && m > 0) ? -1 : m * Math.max(r.max(), 0);
            }
        };
    }

    private Node alternation() throws Unsupported {
        List<Node> options = new ArrayList<>();
        options.add(sequence());
        while (pos < src.length() && src.charAt(pos) == '|') {
            pos++;
            options.add(sequence());
        }
        return options.size() == 1 ? options.get(0) : new Alt(options);
    }

    private Node sequence() throws Unsupported {
        List<Node> items = new ArrayList<>();
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '|' || c == ')') {
                break;
            }
            Node atom = atom();
            if (atom == null) {
                // a flag group such as (?i): changes how the rest of the group reads, and is no item itself —
                // a repetition right after it repeats the item before it, as RE2 reads i(?U){0,6}
                if (!items.isEmpty() && quantifierAhead()) {
                    items.set(items.size() - 1, quantified(items.get(items.size() - 1)));
                }
                continue;
            }
            items.add(quantified(atom));
        }
        return items.size() == 1 ? items.get(0) : new Seq(items);
    }

    private Node quantified(Node atom) throws Unsupported {
        Node n = atom;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            int min;
            int max;
            if (c == '*') {
                min = 0;
                max = -1;
                pos++;
            } else if (c == '+') {
                min = 1;
                max = -1;
                pos++;
            } else if (c == '?') {
                min = 0;
                max = 1;
                pos++;
            } else if (c == '{' && repeatAhead()) {
                pos++;
                min = number();
                max = min;
                if (src.charAt(pos) == ',') {
                    pos++;
                    max = src.charAt(pos) == '}' ? -1 : number();
                }
                pos++; // '}'
                if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) {
                    throw new Unsupported("bad repetition");
                }
            } else {
                break;
            }
            boolean lazy = pos < src.length() && src.charAt(pos) == '?';
            if (lazy) {
                pos++; // lazy: the same language, another preference
            }
            n = new Rep(n, min, max, lazy == ungreedy);
        }
        return n;
    }

    private boolean quantifierAhead() {
        if (pos >= src.length()) {
            return false;
        }
        char c = src.charAt(pos);
        return c == '*' || c == '+' || c == '?' || c == '{' && repeatAhead();
    }

    /**
     * RE2 reads '{' as a repetition only in the forms {n}, {n,} and {n,m}, where each number is ASCII digits without
     * a leading zero ({@code {05}} is literal text to RE2); otherwise it is a literal.
     */
    private boolean repeatAhead() {
        int i = numberEnd(pos + 1);
        if (i < 0 || i >= src.length()) {
            return false;
        }
        if (src.charAt(i) == '}') {
            return true;
        }
        if (src.charAt(i) != ',') {
            return false;
        }
        i++;
        if (i < src.length() && src.charAt(i) != '}') {
            i = numberEnd(i);
        }
        return i >= 0 && i < src.length() && src.charAt(i) == '}';
    }

    /** Where a number RE2 accepts in a repetition, starting at {@code i}, ends; -1 when there is none. */
    private int numberEnd(int i) {
        int start = i;
        while (i < src.length() && src.charAt(i) >= '0' && src.charAt(i) <= '9') {
            i++;
        }
        if (i == start || i - start >= 2 && src.charAt(start) == '0') {
            return -1;
        }
        return i;
    }

    private int number() {
        int start = pos;
        pos = numberEnd(pos);
        String digits = src.substring(start, pos);
        return digits.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(digits);
    }

    private Node atom() throws Unsupported {
        char c = src.charAt(pos);
        switch (c) {
            case '(' -> {
                return group();
            }
            case '[' -> {
                int from = pos++;
                Chars set = charClass();
                return exact ? probe(src.substring(from, pos)) : set;
            }
            case '.' -> {
                pos++;
                return dotNl ? Chars.ANY : new Chars(~(1L << '\n'), -1L, true);
            }
            case '^' -> {
                pos++;
                if (exact) {
                    return new Assert(multiLine ? Assert.BEGIN_LINE : Assert.BEGIN_TEXT);
                }
                return notAtStart && !multiLine ? Chars.NONE : Empty.EMPTY;
            }
            case '$' -> {
                pos++;
                return exact ? new Assert(multiLine ? Assert.END_LINE : Assert.END_TEXT) : Empty.EMPTY;
            }
            case '\\' -> {
                pos++;
                return escape();
            }
            case '*', '+', '?' -> throw new Unsupported("missing argument to repetition operator");
            default -> {
                int cp = src.codePointAt(pos);
                pos += Character.charCount(cp);
                return literal(cp);
            }
        }
    }

    private Node literal(int cp) {
        Chars s = Chars.NONE.with(cp);
        if (!foldCase) {
            return s;
        }
        return exact ? exactFold(cp) : s.fold();
    }

    private static final int KELVIN = 0x212A;
    private static final int LONG_S = 0x17F;

    /**
     * The ASCII characters RE2 matches with code point {@code cp} under {@code (?i)}: its simple case folding orbit.
     * The only orbits that join ASCII to other characters are {k, K, Kelvin sign} and {s, S, long s}.
     */
    private static Chars exactFold(int cp) {
        int c = cp == KELVIN ? 'k' : cp == LONG_S ? 's' : cp;
        Chars s = Chars.NONE.with(cp);
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
            s = s.with(c | 0x20).with(c & ~0x20);
        }
        return s;
    }

    /** Sets already probed: the same class recurs across rules. */
    private static final java.util.Map<String, Chars> PROBED = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The ASCII characters RE2/J matches with a set written {@code atom} (a bracket class or a class escape) under
     * the current case folding, asked of RE2/J one character at a time.
     */
    private Chars probe(String atom) throws Unsupported {
        String regex = (foldCase ? "(?i:" : "(?:") + atom + ")";
        Chars known = PROBED.get(regex);
        if (known != null) {
            return known;
        }
        com.google.re2j.Pattern p;
        try {
            p = com.google.re2j.Pattern.compile(regex);
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw new Unsupported("RE2/J does not read " + atom);
        }
        Chars s = new Chars(0, 0, true);
        for (int c = 0; c < 128; c++) {
            if (p.matches(String.valueOf((char) c))) {
                s = s.with(c);
            }
        }
        PROBED.put(regex, s);
        return s;
    }

    private Node group() throws Unsupported {
        pos++; // '('
        boolean savedFold = foldCase;
        boolean savedDot = dotNl;
        boolean savedMulti = multiLine;
        boolean savedUngreedy = ungreedy;
        if (src.startsWith("?", pos)) {
            pos++;
            if (src.startsWith("P<", pos) || src.startsWith("<", pos)) {
                int close = src.indexOf('>', pos);
                if (close < 0) {
                    throw new Unsupported("unterminated group name");
                }
                pos = close + 1;
            } else {
                boolean negate = false;
                boolean fold = foldCase;
                boolean dot = dotNl;
                boolean multi = multiLine;
                boolean lazy = ungreedy;
                while (true) {
                    if (pos >= src.length()) {
                        throw new Unsupported("unterminated flags");
                    }
                    char f = src.charAt(pos++);
                    switch (f) {
                        case 'i' -> fold = !negate;
                        case 's' -> dot = !negate;
                        case 'm' -> multi = !negate;
                        case 'U' -> lazy = !negate;
                        case '-' -> negate = true;
                        case ')' -> {
                            foldCase = fold; // (?flags): to the end of the enclosing group
                            dotNl = dot;
                            multiLine = multi;
                            ungreedy = lazy;
                            return null;
                        }
                        case ':' -> {
                            foldCase = fold;
                            dotNl = dot;
                            multiLine = multi;
                            ungreedy = lazy;
                            Node inner = alternation();
                            expect(')');
                            foldCase = savedFold;
                            dotNl = savedDot;
                            multiLine = savedMulti;
                            ungreedy = savedUngreedy;
                            return inner;
                        }
                        default -> throw new Unsupported("unknown flag " + f);
                    }
                }
            }
        }
        int index = ++groups; // numbered by their opening parenthesis
        Node inner = alternation();
        expect(')');
        foldCase = savedFold;
        dotNl = savedDot;
        multiLine = savedMulti;
        ungreedy = savedUngreedy;
        return exact ? new Group(index, inner) : inner;
    }

    private void expect(char c) throws Unsupported {
        if (pos >= src.length() || src.charAt(pos) != c) {
            throw new Unsupported("missing " + c);
        }
        pos++;
    }

    private Node escape() throws Unsupported {
        if (pos >= src.length()) {
            throw new Unsupported("trailing backslash");
        }
        char c = src.charAt(pos++);
        if (exact) {
            switch (c) {
                case 'A' -> {
                    return new Assert(Assert.BEGIN_TEXT);
                }
                case 'z' -> {
                    return new Assert(Assert.END_TEXT);
                }
                case 'b' -> {
                    return new Assert(Assert.WORD_BOUNDARY);
                }
                case 'B' -> {
                    return new Assert(Assert.NOT_WORD_BOUNDARY);
                }
                case 'p', 'P' -> {
                    int from = pos - 2;
                    pos--;
                    classEscape(); // moves past the class name
                    return probe(src.substring(from, pos));
                }
                case 'C' -> throw new Unsupported("\\C");
                case 'd', 'D', 'w', 'W', 's', 'S' -> {
                    pos--;
                    return classEscape(); // ASCII sets: folding adds no ASCII character to them or their complements
                }
                case 'x' -> {
                    return literal(hex());
                }
                default -> { }
            }
        }
        switch (c) {
            case 'A' -> {
                return notAtStart ? Chars.NONE : Empty.EMPTY;
            }
            case 'b', 'B', 'z' -> {
                return Empty.EMPTY;
            }
            case 'Q' -> {
                int end = src.indexOf("\\E", pos);
                String quoted = src.substring(pos, end < 0 ? src.length() : end);
                pos = end < 0 ? src.length() : end + 2;
                List<Node> items = new ArrayList<>();
                quoted.codePoints().forEach(cp -> items.add(literal(cp)));
                return items.isEmpty() ? Empty.EMPTY : new Seq(items);
            }
            default -> {
                pos--;
                Chars s = classEscape();
                if (exact) {
                    return literal(single(s)); // what is left is one character: \t, \x41, \101, \.
                }
                return foldCase ? s.fold() : s;
            }
        }
    }

    /**
     * The one character of a set read from a single-character escape (its first ASCII member); a non-ASCII one
     * stands for 128 — in an exact tree, an octal escape past 127, which matches no ASCII character even under
     * folding (only the Kelvin sign and the long s fold to ASCII, and no octal escape reaches them).
     */
    private static int single(Chars s) {
        for (int i = 0; i < 128; i++) {
            if (s.has(i)) {
                return i;
            }
        }
        return 128;
    }

    /** An escape that stands for a set of characters (after the backslash). */
    private Chars classEscape() throws Unsupported {
        char c = src.charAt(pos++);
        return switch (c) {
            case 'd' -> DIGIT;
            case 'D' -> DIGIT.negate();
            case 'w' -> WORD;
            case 'W' -> WORD.negate();
            case 's' -> SPACE;
            case 'S' -> SPACE.negate();
            case 'p', 'P' -> {
                if (pos < src.length() && src.charAt(pos) == '{') {
                    int close = src.indexOf('}', pos);
                    if (close < 0) {
                        throw new Unsupported("unterminated \\p{");
                    }
                    pos = close + 1;
                } else {
                    pos++;
                }
                yield Chars.ANY; // a Unicode class: any character will do for a superset
            }
            case 'C' -> Chars.ANY;
            case 't' -> Chars.NONE.with('\t');
            case 'n' -> Chars.NONE.with('\n');
            case 'r' -> Chars.NONE.with('\r');
            case 'f' -> Chars.NONE.with('\f');
            case 'v' -> Chars.NONE.with(0x0b);
            case 'a' -> Chars.NONE.with(0x07);
            case 'x' -> Chars.NONE.with(hex());
            case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                int v = c - '0';
                for (int k = 0; k < 2 && pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '7'; k++) {
                    v = v * 8 + (src.charAt(pos++) - '0');
                }
                yield Chars.NONE.with(v);
            }
            default -> {
                if (c < 128 && !Character.isLetterOrDigit(c)) {
                    yield Chars.NONE.with(c);
                }
                throw new Unsupported("unknown escape \\" + c);
            }
        };
    }

    private int hex() throws Unsupported {
        if (pos < src.length() && src.charAt(pos) == '{') {
            int close = src.indexOf('}', pos);
            if (close < 0) {
                throw new Unsupported("unterminated \\x{");
            }
            String h = src.substring(pos + 1, close);
            pos = close + 1;
            try {
                return Integer.parseInt(h, 16);
            } catch (NumberFormatException e) {
                throw new Unsupported("bad \\x{" + h + "}");
            }
        }
        if (pos + 2 > src.length()) {
            throw new Unsupported("short \\x");
        }
        try {
            int v = Integer.parseInt(src.substring(pos, pos + 2), 16);
            pos += 2;
            return v;
        } catch (NumberFormatException e) {
            throw new Unsupported("bad \\x");
        }
    }

    private Chars charClass() throws Unsupported {
        boolean negated = false;
        if (pos < src.length() && src.charAt(pos) == '^') {
            negated = true;
            pos++;
        }
        Chars set = Chars.NONE;
        boolean first = true;
        while (true) {
            if (pos >= src.length()) {
                throw new Unsupported("missing ]");
            }
            char c = src.charAt(pos);
            if (c == ']' && !first) {
                pos++;
                break;
            }
            first = false;
            if (c == '[' && src.startsWith("[:", pos)) {
                int close = src.indexOf(":]", pos + 2);
                if (close < 0) {
                    throw new Unsupported("bad POSIX class");
                }
                String name = src.substring(pos + 2, close);
                pos = close + 2;
                set = set.union(posix(name));
                continue;
            }
            if (c == '\\' && pos + 1 < src.length() && "dDwWsSpP".indexOf(src.charAt(pos + 1)) >= 0) {
                pos++;
                set = set.union(classEscape());
                continue;
            }
            int lo = classChar();
            if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                pos++;
                int hi = classChar();
                if (hi < lo) {
                    throw new Unsupported("bad range");
                }
                set = set.range(lo, hi);
            } else {
                set = set.with(lo);
            }
        }
        if (foldCase) {
            set = set.fold();
        }
        return negated ? set.negate() : set;
    }

    private int classChar() throws Unsupported {
        char c = src.charAt(pos);
        if (c == '\\') {
            pos++;
            return single(classEscape());
        }
        int cp = src.codePointAt(pos);
        pos += Character.charCount(cp);
        return cp;
    }

    private static Chars posix(String name) throws Unsupported {
        boolean neg = name.startsWith("^");
        String n = neg ? name.substring(1) : name;
        Chars s = switch (n) {
            case "alnum" -> DIGIT.range('a', 'z').range('A', 'Z');
            case "alpha" -> Chars.NONE.range('a', 'z').range('A', 'Z');
            case "ascii" -> Chars.NONE.range(0, 127);
            case "blank" -> Chars.NONE.with(' ').with('\t');
            case "cntrl" -> Chars.NONE.range(0, 31).with(127);
            case "digit" -> DIGIT;
            case "graph" -> Chars.NONE.range('!', '~');
            case "lower" -> Chars.NONE.range('a', 'z');
            case "print" -> Chars.NONE.range(' ', '~');
            case "punct" -> Chars.NONE.range('!', '/').range(':', '@').range('[', '`').range('{', '~');
            case "space" -> SPACE.with(0x0b);
            case "upper" -> Chars.NONE.range('A', 'Z');
            case "word" -> WORD;
            case "xdigit" -> DIGIT.range('a', 'f').range('A', 'F');
            default -> throw new Unsupported("unknown POSIX class " + name);
        };
        return neg ? s.negate() : s;
    }
}
