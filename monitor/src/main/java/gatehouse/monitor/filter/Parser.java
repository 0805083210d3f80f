package gatehouse.monitor.filter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-written recursive-descent parser for the three kinds of filter pattern. Every error carries the 1-based
 * column of the offending character in the pattern as given. Recursion is bounded: parentheses nest at most
 * {@link #MAX_DEPTH} deep and a pattern is at most {@link #MAX_LENGTH} characters (the CloudWatch Logs limit), so
 * no input can exhaust the stack.
 */
final class Parser {
    /** CloudWatch Logs' limit on {@code filterPattern} (API reference: "Maximum length of 1024"). */
    static final int MAX_LENGTH = 1024;
    /** Parenthesis nesting limit; far beyond any real pattern, far below any stack limit. */
    static final int MAX_DEPTH = 50;
    /** AWS: "a limit of 2 regex for each filter pattern when creating a delimited or JSON filter pattern". */
    static final int MAX_REGEX = 2;

    private static final String REGEX_SYMBOLS = ":_#=@/;,- ^$?[]{}|\\*+.";
    private static final String KEYWORD_HINT = "after a selector write =, !=, <, <=, >, >=, IS NULL, IS TRUE, IS FALSE or NOT EXISTS";

    private final String src;
    private int pos;
    private int end;
    private int depth;
    private int regexes;
    private boolean delimited;
    private final Map<Expr.FieldCond, Integer> fieldRefs = new IdentityHashMap<>();

    private Parser(String src) {
        this.src = src;
    }

    /** The result: what kind of pattern, its matcher and, for space-delimited patterns, the declared field names. */
    record Parsed(FilterPattern.Kind kind, Matchers.Matcher matcher, List<String> fields, List<Selector> selectors) {
        Parsed(FilterPattern.Kind kind, Matchers.Matcher matcher, List<String> fields) {
            this(kind, matcher, fields, null);
        }
    }

    static Parsed parse(String src) {
        Parser p = new Parser(src);
        Parsed r = p.top();
        return new Parsed(r.kind(), r.matcher(), r.fields(), p.wholeEvent ? null : List.copyOf(p.selectors));
    }

    /** Every selector parsed so far, in order; see {@link FilterPattern#jsonPaths()}. */
    private final List<Selector> selectors = new java.util.ArrayList<>();
    /** Whether a selector reads the root itself (no property step first), so that no projection is possible. */
    private boolean wholeEvent;

    /** Parses a lone JSON selector ({@code $.a.b[0]}), as metric values and dimensions use it. */
    static Selector selectorOnly(String text) {
        Parser p = new Parser(text);
        p.end = text.length();
        if (text.isEmpty() || text.charAt(0) != '$') {
            throw p.err(0, "expected a selector such as $.bytes", "JSON selectors start with '$.'");
        }
        Selector s = p.selector();
        if (p.pos != p.end) {
            throw p.err(p.pos, "unexpected '" + text.charAt(p.pos) + "' in a selector", "property names are letters, digits, '-' and '_'");
        }
        return s;
    }

    private FilterPatternException err(int at, String message, String hint) {
        return new FilterPatternException(src, at + 1, message, hint);
    }

    private Parsed top() {
        if (src.length() > MAX_LENGTH) {
            throw err(MAX_LENGTH, "the pattern is " + src.length() + " characters long; the limit is " + MAX_LENGTH,
                    "CloudWatch Logs rejects longer filter patterns; split it into several metric filters");
        }
        end = src.length();
        while (end > 0 && Character.isWhitespace(src.charAt(end - 1))) {
            end--;
        }
        skipWs();
        String t = src.substring(pos, end);
        if (t.isEmpty() || t.equals("\"\"") || t.equals("\" \"")) {
            return new Parsed(FilterPattern.Kind.ALL, Matchers.All.INSTANCE, List.of());
        }
        return switch (t.charAt(0)) {
            case '{' -> json();
            case '[' -> delimited();
            default -> new Parsed(FilterPattern.Kind.TERMS, terms(), List.of());
        };
    }

    // ---------------------------------------------------------------- terms

    private Matchers.Terms terms() {
        List<List<Matchers.Term>> groups = new ArrayList<>();
        List<Matchers.Term> current = null;
        while (true) {
            skipWs();
            if (pos >= end) {
                break;
            }
            int start = pos;
            boolean or = false;
            boolean exclude = false;
            if (src.charAt(pos) == '?') {
                or = true;
                pos++;
            } else if (src.charAt(pos) == '-') {
                exclude = true;
                pos++;
                skipWs(); // the AWS docs write an exclusion both as -Exiting and as - "Exiting"
            }
            if (pos >= end || Character.isWhitespace(src.charAt(pos))) {
                throw err(start, "'" + src.charAt(start) + "' must be followed by a term",
                        "write ?TERM for an alternative or -TERM to exclude a term, with no space after '?'");
            }
            Matchers.Term term;
            char c = src.charAt(pos);
            if (c == '"') {
                term = new Matchers.Term(quoted(), null, exclude);
            } else if (c == '%') {
                term = new Matchers.Term(null, regex(), exclude);
            } else {
                int w = pos;
                while (pos < end && !Character.isWhitespace(src.charAt(pos))) {
                    pos++;
                }
                String word = src.substring(w, pos);
                for (int i = 0; i < word.length(); i++) {
                    char ch = word.charAt(i);
                    if (!(ch < 128 && (Character.isLetterOrDigit(ch) || ch == '_'))) {
                        throw err(w + i, "'" + ch + "' in an unquoted term",
                                "terms with characters other than letters, digits and '_' go in double quotes: \""
                                        + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
                    }
                }
                term = new Matchers.Term(word, null, exclude);
            }
            if (or || current == null) {
                current = new ArrayList<>();
                groups.add(current);
            }
            current.add(term);
        }
        Matchers.Term[][] g = new Matchers.Term[groups.size()][];
        for (int i = 0; i < g.length; i++) {
            g[i] = groups.get(i).toArray(Matchers.Term[]::new);
        }
        return new Matchers.Terms(g);
    }

    // ---------------------------------------------------------------- JSON

    private Parsed json() {
        pos++; // '{'
        skipWs();
        if (pos < end && src.charAt(pos) == '}') {
            throw err(pos, "empty JSON pattern", "write a condition such as { $.eventName = \"ConsoleLogin\" }");
        }
        Expr e = or();
        skipWs();
        if (pos >= end) {
            throw err(end, "expected '}' to close the JSON pattern", "a JSON pattern is { CONDITION }");
        }
        if (src.charAt(pos) != '}') {
            throw unexpected("'}'");
        }
        pos++;
        skipWs();
        if (pos < end) {
            throw err(pos, "unexpected text after the closing '}'", "a JSON pattern is one { ... } block");
        }
        return new Parsed(FilterPattern.Kind.JSON, new Matchers.Json(e), List.of());
    }

    private FilterPatternException unexpected(String expected) {
        char c = src.charAt(pos);
        if (c == '&' || c == '|') {
            return err(pos, "'" + c + "' is not an operator", "write && for AND and || for OR");
        }
        if (c == ')') {
            return err(pos, "unmatched ')'", "remove it or add the '(' it closes");
        }
        if (c == '$' || Character.isLetterOrDigit(c) || c == '(') {
            return err(pos, "expected && or || before another condition", "join conditions with && (AND) or || (OR)");
        }
        return err(pos, "expected " + expected + " but found '" + c + "'", "a condition is SELECTOR OPERATOR VALUE, joined by && or ||");
    }

    private Expr or() {
        List<Expr> items = new ArrayList<>();
        items.add(and());
        while (skipWs() && src.startsWith("||", pos)) {
            pos += 2;
            items.add(and());
        }
        return items.size() == 1 ? items.get(0) : foldEqualities(items);
    }

    /** Folds the exact string equalities of one OR on the same selector into a {@link Expr.JsonIn}. */
    private static Expr foldEqualities(List<Expr> items) {
        Map<String, List<Expr.JsonCond>> bySelector = new java.util.LinkedHashMap<>();
        for (Expr e : items) {
            if (e instanceof Expr.JsonCond c && c.test() instanceof Test.Str s && s.wild() == Test.Wild.EXACT && !s.negate()) {
                bySelector.computeIfAbsent(c.selector().text(), k -> new ArrayList<>()).add(c);
            }
        }
        List<Expr> out = new ArrayList<>();
        java.util.Set<String> folded = new java.util.HashSet<>();
        for (Expr e : items) {
            if (e instanceof Expr.JsonCond c && bySelector.getOrDefault(c.selector().text(), List.of()).size() > 1
                    && bySelector.get(c.selector().text()).contains(c)) {
                if (folded.add(c.selector().text())) {
                    java.util.Set<String> values = new java.util.HashSet<>();
                    for (Expr.JsonCond x : bySelector.get(c.selector().text())) {
                        values.add(((Test.Str) x.test()).core());
                    }
                    out.add(new Expr.JsonIn(c.selector(), java.util.Set.copyOf(values)));
                }
            } else {
                out.add(e);
            }
        }
        return out.size() == 1 ? out.get(0) : new Expr.Or(out.toArray(Expr[]::new));
    }

    private Expr and() {
        List<Expr> items = new ArrayList<>();
        items.add(primary());
        while (skipWs() && src.startsWith("&&", pos)) {
            pos += 2;
            items.add(primary());
        }
        return items.size() == 1 ? items.get(0) : new Expr.And(items.toArray(Expr[]::new));
    }

    private Expr primary() {
        skipWs();
        if (pos < end && src.charAt(pos) == '(') {
            if (++depth > MAX_DEPTH) {
                throw err(pos, "parentheses nested more than " + MAX_DEPTH + " deep", "flatten the expression");
            }
            int open = pos++;
            Expr e = or();
            skipWs();
            if (pos >= end || src.charAt(pos) != ')') {
                if (pos >= end || src.charAt(pos) == '}' || src.charAt(pos) == ']' || src.charAt(pos) == ',') {
                    throw err(open, "unclosed '('", "add the ')' that closes it");
                }
                throw unexpected("')'");
            }
            pos++;
            depth--;
            return e;
        }
        return delimited ? fieldCondition() : jsonCondition();
    }

    private Expr jsonCondition() {
        if (pos >= end || src.charAt(pos) != '$') {
            if (pos >= end || src.charAt(pos) == '}') {
                throw err(pos, "expected a condition", "write SELECTOR OPERATOR VALUE, e.g. $.eventName = ConsoleLogin");
            }
            throw err(pos, "expected a selector such as $.eventName", "JSON selectors start with '$.'");
        }
        Selector sel = selector();
        skipWs();
        int kw = pos;
        String word = peekWord();
        if (word.equals("IS")) {
            pos += 2;
            skipWs();
            int at = pos;
            String what = peekWord();
            pos += what.length();
            return switch (what) {
                case "NULL" -> new Expr.JsonCond(sel, Test.Is.NULL);
                case "TRUE" -> new Expr.JsonCond(sel, Test.Is.TRUE);
                case "FALSE" -> new Expr.JsonCond(sel, Test.Is.FALSE);
                case "NOT" -> throw err(at, "IS NOT is not supported", "use != VALUE, NOT EXISTS, or IS TRUE / IS FALSE");
                default -> throw err(at, "expected NULL, TRUE or FALSE after IS", "IS NULL, IS TRUE and IS FALSE are the IS forms");
            };
        }
        if (word.equals("NOT")) {
            pos += 3;
            skipWs();
            if (!peekWord().equals("EXISTS")) {
                throw err(pos, "expected EXISTS after NOT", "write $.field NOT EXISTS");
            }
            pos += 6;
            return new Expr.JsonCond(sel, Test.Is.NOT_EXISTS);
        }
        if (word.equals("EXISTS")) {
            throw err(kw, "EXISTS is not supported", "test presence with " + sel.text() + " = * (or absence with NOT EXISTS)");
        }
        if (word.equalsIgnoreCase("IS") || word.equalsIgnoreCase("NOT") || word.equalsIgnoreCase("EXISTS")) {
            throw err(kw, "keywords are upper case", "write " + word.toUpperCase(java.util.Locale.ROOT));
        }
        Test.Op op = operator();
        return new Expr.JsonCond(sel, value(op));
    }

    private String peekWord() {
        int i = pos;
        while (i < end && Character.isLetter(src.charAt(i))) {
            i++;
        }
        return src.substring(pos, i);
    }

    private Selector selector() {
        int start = pos++;
        if (pos >= end || src.charAt(pos) != '.') {
            if (pos < end && src.charAt(pos) == '[') {
                throw err(pos, "an array index must follow a property", "index a property, e.g. $.items[0]");
            }
            throw err(pos, "expected '.' and a property name after '$'", "e.g. $.eventName");
        }
        List<String> names = new ArrayList<>();
        List<Integer> idx = new ArrayList<>();
        while (pos < end) {
            char c = src.charAt(pos);
            if (c == '.') {
                int s = ++pos;
                while (pos < end && nameChar(src.charAt(pos))) {
                    pos++;
                }
                if (s == pos) {
                    if (pos < end && src.charAt(pos) == '*') {
                        throw err(pos, "'*' is not a property name", "CloudWatch selectors name each property; there is no wildcard step");
                    }
                    throw err(pos, "expected a property name after '.'", "property names are letters, digits, '-' and '_'");
                }
                names.add(src.substring(s, pos));
                idx.add(-1);
            } else if (c == '[') {
                int open = pos++;
                if (pos < end && src.charAt(pos) == '*') {
                    throw err(pos, "'[*]' is not supported in CloudWatch filter patterns",
                            "index one element, e.g. " + src.substring(start, open) + "[0]");
                }
                int s = pos;
                while (pos < end && src.charAt(pos) >= '0' && src.charAt(pos) <= '9') {
                    pos++;
                }
                if (s == pos || pos >= end || src.charAt(pos) != ']') {
                    throw err(s == pos ? pos : open, "expected an array index like [0]", "indexes are zero-based whole numbers");
                }
                if (pos - s > 9) {
                    throw err(s, "array index too large", "indexes are zero-based whole numbers below 1000000000");
                }
                names.add(null);
                idx.add(Integer.parseInt(src.substring(s, pos)));
                pos++;
            } else {
                break;
            }
        }
        int[] ix = new int[idx.size()];
        for (int i = 0; i < ix.length; i++) {
            ix[i] = idx.get(i);
        }
        if (names.isEmpty() || names.get(0) == null) {
            wholeEvent = true;
        }
        Selector sel = new Selector(src.substring(start, pos), names.toArray(String[]::new), ix);
        selectors.add(sel);
        return sel;
    }

    private static boolean nameChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_');
    }

    private Test.Op operator() {
        skipWs();
        if (pos >= end) {
            throw err(pos, "expected an operator", KEYWORD_HINT);
        }
        int at = pos;
        if (src.startsWith("==", pos)) {
            throw err(at, "'==' is not an operator", "write = for equality");
        }
        for (Test.Op op : new Test.Op[] {Test.Op.NE, Test.Op.LE, Test.Op.GE, Test.Op.EQ, Test.Op.LT, Test.Op.GT}) {
            if (src.startsWith(op.symbol, pos)) {
                pos += op.symbol.length();
                if (pos < end && "=<>!".indexOf(src.charAt(pos)) >= 0) {
                    throw err(at, "'" + src.substring(at, pos + 1) + "' is not an operator", "the operators are = != < <= > >=");
                }
                return op;
            }
        }
        throw err(at, "expected an operator but found '" + src.charAt(at) + "'", delimited
                ? "after a field name write =, !=, <, <=, > or >= and a value" : KEYWORD_HINT);
    }

    /** The value after an operator: a quoted string, a %regex%, a number, or a bare string with optional wildcards. */
    private Test value(Test.Op op) {
        skipWs();
        int at = pos;
        boolean relational = op != Test.Op.EQ && op != Test.Op.NE;
        boolean negate = op == Test.Op.NE;
        if (pos >= end) {
            throw err(pos, "expected a value after '" + op.symbol + "'", "a value is a number, a word, \"a quoted string\" or %a regex%");
        }
        char c = src.charAt(pos);
        if (c == '"') {
            String s = quoted();
            if (relational) {
                throw err(at, "'" + op.symbol + "' compares numbers, and \"" + s + "\" is a quoted string",
                        "write the number without quotes");
            }
            return Test.Str.of(s, negate);
        }
        if (c == '%') {
            com.google.re2j.Pattern re = regex();
            if (relational) {
                throw err(at, "a regular expression needs = or !=", "write = %regex% or != %regex%");
            }
            return new Test.Regex(re, negate);
        }
        while (pos < end && !Character.isWhitespace(src.charAt(pos)) && "(){}[],&|!=<>\"%".indexOf(src.charAt(pos)) < 0) {
            pos++;
        }
        String word = src.substring(at, pos);
        if (word.isEmpty()) {
            throw err(at, "expected a value after '" + op.symbol + "'", "a value is a number, a word, \"a quoted string\" or %a regex%");
        }
        if (Numbers.isLiteral(word)) {
            return new Test.Num(op, Double.parseDouble(word));
        }
        if (relational) {
            throw err(at, "'" + op.symbol + "' compares numbers, and '" + word + "' is not a number",
                    "use = or != for strings; numbers look like 42, -1.5 or 1e-3");
        }
        for (int i = 0; i < word.length(); i++) {
            char ch = word.charAt(i);
            if (!(ch < 128 && (Character.isLetterOrDigit(ch) || "_.*:/+-".indexOf(ch) >= 0))) {
                throw err(at + i, "'" + ch + "' in an unquoted value", "put the value in double quotes: \""
                        + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
            }
        }
        return Test.Str.of(word, negate);
    }

    private String quoted() {
        int open = pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < end) {
            char c = src.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c == '\\' && pos + 1 < end && (src.charAt(pos + 1) == '"' || src.charAt(pos + 1) == '\\')) {
                sb.append(src.charAt(pos + 1));
                pos += 2;
            } else {
                sb.append(c);
                pos++;
            }
        }
        throw err(open, "unterminated string", "close the string with '\"' (write \\\" for a quote inside it)");
    }

    private com.google.re2j.Pattern regex() {
        int open = pos;
        int close = src.indexOf('%', open + 1);
        if (close < 0 || close >= end) {
            throw err(open, "unterminated regular expression", "close it with '%': %regex%");
        }
        if (close == open + 1) {
            throw err(open, "empty regular expression", "write a regular expression between the '%' signs");
        }
        if (delimited || src.charAt(firstNonBlank()) == '{') {
            if (++regexes > MAX_REGEX) {
                throw err(open, "more than " + MAX_REGEX + " regular expressions in one pattern",
                        "CloudWatch Logs allows at most 2 regular expressions in a JSON or space-delimited pattern");
            }
        }
        String body = src.substring(open + 1, close);
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            int at = open + 1 + i;
            if (c == '(' || c == ')') {
                throw err(at, "'" + c + "' is not supported in CloudWatch regular expressions",
                        "there are no groups; use [..] classes and | at the top level instead");
            }
            if (c >= 128) {
                throw err(at, "multi-byte character in a regular expression", "CloudWatch regular expressions are ASCII only");
            }
            if (!Character.isLetterOrDigit(c) && REGEX_SYMBOLS.indexOf(c) < 0) {
                throw err(at, "'" + c + "' is not supported in CloudWatch regular expressions",
                        "allowed: letters, digits, the symbols : _ # = @ / ; , - and space, and ^ $ ? [ ] { } | \\ * + .");
            }
        }
        pos = close + 1;
        try {
            return com.google.re2j.Pattern.compile(body);
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw err(open + 1, "invalid regular expression: " + e.getDescription(), "check the regular expression between the '%' signs");
        }
    }

    private int firstNonBlank() {
        int i = 0;
        while (i < src.length() && Character.isWhitespace(src.charAt(i))) {
            i++;
        }
        return i;
    }

    // ---------------------------------------------------------------- space-delimited

    private Parsed delimited() {
        delimited = true;
        pos++; // '['
        List<String> names = new ArrayList<>();
        List<Expr> conditions = new ArrayList<>();
        List<Integer> namePos = new ArrayList<>();
        int ellipsisAt = -1;
        boolean afterEllipsis = false;
        skipWs();
        if (pos < end && src.charAt(pos) == ']') {
            throw err(pos, "empty space-delimited pattern", "name the fields, e.g. [ip, user, ..., status_code = 4*]");
        }
        while (true) {
            skipWs();
            if (pos >= end) {
                throw err(end, "expected ']' to close the space-delimited pattern", "a space-delimited pattern is [field, field, ...]");
            }
            char c = src.charAt(pos);
            afterEllipsis = false;
            if (c == ',' || c == ']') {
                names.add(null); // an empty slot: an unnamed field, extracted as $N
                conditions.add(null);
                namePos.add(pos);
            } else if (src.startsWith("...", pos)) {
                if (ellipsisAt >= 0) {
                    throw err(pos, "more than one '...'", "a space-delimited pattern may use one ellipsis");
                }
                ellipsisAt = names.size();
                afterEllipsis = true;
                pos += 3;
            } else if (c == '$') {
                throw err(pos, "field names are written without '$'", "write " + src.substring(pos + 1, Math.min(end, pos + 20)).split("[^A-Za-z0-9_-]", 2)[0]
                        + "; $name refers to the field in metric values and dimensions");
            } else if (c == '(') {
                int at = pos;
                Expr e = or();
                names.add(firstName(e));
                conditions.add(e);
                namePos.add(at);
            } else {
                int at = pos;
                int save = pos;
                String name = fieldName();
                skipWs();
                if (pos >= end || src.charAt(pos) == ',' || src.charAt(pos) == ']') {
                    names.add(name);
                    conditions.add(null);
                } else {
                    pos = save;
                    Expr e = or();
                    names.add(name);
                    conditions.add(e);
                }
                namePos.add(at);
            }
            skipWs();
            if (pos >= end) {
                throw err(end, "expected ']' to close the space-delimited pattern", "a space-delimited pattern is [field, field, ...]");
            }
            char d = src.charAt(pos);
            if (d == ']') {
                pos++;
                break;
            }
            if (d != ',') {
                if (afterEllipsis) {
                    throw err(pos, "expected ',' or ']' after '...'", "an ellipsis stands for any number of fields and takes no condition");
                }
                throw unexpected("',' or ']'");
            }
            pos++;
        }
        skipWs();
        if (pos < end) {
            throw err(pos, "unexpected text after the closing ']'", "a space-delimited pattern is one [ ... ] block");
        }
        Map<String, Integer> index = new HashMap<>();
        List<String> declared = new ArrayList<>();
        int[] decl = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            decl[i] = -1;
            if (n != null) {
                if (index.containsKey(n)) {
                    throw err(namePos.get(i), "field '" + n + "' is named twice", "give each field its own name");
                }
                index.put(n, declared.size());
                decl[i] = declared.size();
                declared.add(n);
            }
        }
        Expr[] conds = new Expr[conditions.size()];
        for (int i = 0; i < conds.length; i++) {
            conds[i] = conditions.get(i) == null ? null : resolve(conditions.get(i), index);
        }
        return new Parsed(FilterPattern.Kind.DELIMITED, new Matchers.Delimited(names.toArray(String[]::new), decl, conds,
                ellipsisAt, declared.size()), List.copyOf(declared));
    }

    private String fieldName() {
        int s = pos;
        while (pos < end && nameChar(src.charAt(pos))) {
            pos++;
        }
        if (s == pos) {
            char c = src.charAt(pos);
            throw err(pos, "expected a field name but found '" + c + "'", "field names are letters, digits, '-' and '_'");
        }
        return src.substring(s, pos);
    }

    private Expr fieldCondition() {
        int at = pos;
        if (pos < end && src.charAt(pos) == '$') {
            throw err(pos, "field names are written without '$'", "write the bare field name in a space-delimited pattern");
        }
        if (pos >= end || !nameChar(src.charAt(pos))) {
            throw err(pos, "expected a field condition", "write NAME OPERATOR VALUE, e.g. status_code = 4*");
        }
        String name = fieldName();
        skipWs();
        String word = peekWord();
        if (word.equals("IS") || word.equals("NOT")) {
            throw err(pos, word + " applies to JSON patterns only", "compare a field with =, !=, <, <=, > or >=");
        }
        Test.Op op = operator();
        Expr.FieldCond c = new Expr.FieldCond(-1, name, value(op));
        fieldRefs.put(c, at);
        return c;
    }

    /** The field a slot declares: the one its first condition tests. */
    private static String firstName(Expr e) {
        while (!(e instanceof Expr.FieldCond f)) {
            e = e instanceof Expr.And a ? a.items()[0] : ((Expr.Or) e).items()[0];
        }
        return f.name();
    }

    private Expr resolve(Expr e, Map<String, Integer> index) {
        if (e instanceof Expr.And a) {
            Expr[] r = new Expr[a.items().length];
            for (int i = 0; i < r.length; i++) {
                r[i] = resolve(a.items()[i], index);
            }
            return new Expr.And(r);
        }
        if (e instanceof Expr.Or o) {
            Expr[] r = new Expr[o.items().length];
            for (int i = 0; i < r.length; i++) {
                r[i] = resolve(o.items()[i], index);
            }
            return new Expr.Or(r);
        }
        Expr.FieldCond f = (Expr.FieldCond) e;
        Integer i = index.get(f.name());
        if (i == null) {
            throw err(fieldRefs.get(f), "unknown field '" + f.name() + "'",
                    "a condition may use the fields the pattern names (names are case sensitive)");
        }
        return new Expr.FieldCond(i, f.name(), f.test());
    }

    private boolean skipWs() {
        while (pos < end && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
        return true;
    }
}
