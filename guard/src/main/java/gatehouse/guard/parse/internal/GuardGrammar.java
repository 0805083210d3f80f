package gatehouse.guard.parse.internal;

import gatehouse.core.Diagnostic;
import gatehouse.core.LineStarts;
import gatehouse.core.SourceSpan;
import gatehouse.core.doc.BoolValue;
import gatehouse.core.doc.FloatValue;
import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.NullValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.guard.ast.AccessClause;
import gatehouse.guard.ast.AccessQuery;
import gatehouse.guard.ast.Block;
import gatehouse.guard.ast.CharValue;
import gatehouse.guard.ast.CmpOperator;
import gatehouse.guard.ast.FileLocation;
import gatehouse.guard.ast.GuardClause;
import gatehouse.guard.ast.LetExpr;
import gatehouse.guard.ast.LetValue;
import gatehouse.guard.ast.MapKeyFilterClause;
import gatehouse.guard.ast.ParameterizedRule;
import gatehouse.guard.ast.QueryPart;
import gatehouse.guard.ast.RangeValue;
import gatehouse.guard.ast.RegexValue;
import gatehouse.guard.ast.Rule;
import gatehouse.guard.ast.RuleClause;
import gatehouse.guard.ast.RulesFile;
import gatehouse.guard.ast.TypeBlock;
import gatehouse.guard.ast.WhenGuardClause;
import gatehouse.guard.parse.GuardParseException;
import gatehouse.guard.parse.Parser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Character-level recursive-descent parser for Guard. One instance parses one file; not thread-safe.
 *
 * <p>The grammar follows cfn-guard 3.1.1: whitespace and {@code #} comments separate tokens anywhere;
 * clauses on separate lines are ANDed and {@code or}/{@code OR}/{@code |OR|} ORs neighbours; a bare rule
 * reference must end its line (or be followed by a comment, {@code or}, {@code <<} or {@code {}}).
 * Failures inside an alternative backtrack by resetting {@link #p}; a hard failure throws {@link Fail}.
 */
public final class GuardGrammar {
    /** Built-in functions and their arity, checked at parse time. */
    public static final Map<String, Integer> FUNCTIONS = Map.ofEntries(
            Map.entry("count", 1), Map.entry("join", 2), Map.entry("json_parse", 1),
            Map.entry("regex_replace", 3), Map.entry("substring", 3), Map.entry("to_upper", 1),
            Map.entry("to_lower", 1), Map.entry("url_decode", 1), Map.entry("parse_int", 1),
            Map.entry("parse_float", 1), Map.entry("parse_string", 1), Map.entry("parse_boolean", 1),
            Map.entry("parse_char", 1), Map.entry("now", 0), Map.entry("parse_epoch", 1));
    /** Gatehouse's own functions, accepted only when extensions are on ({@code gatehouse scan}). */
    public static final Map<String, Integer> EXTENSION_FUNCTIONS = Map.of(
            "gh_cidr_within", 2, "gh_cidr_overlaps", 2, "gh_ports_cover", 2);

    private static final String EXPECT_VALUE =
            "expecting either a property access \"engine.core\" or value like \"string\" or [\"this\", \"that\"]";

    /** A parse failure at a position; carries no stack trace (it is control flow). */
    static final class Fail extends RuntimeException {
        final int pos;
        final String context;
        final String hint;

        Fail(int pos, String context, String hint) {
            super(context, null, false, false);
            this.pos = pos;
            this.context = context;
            this.hint = hint;
        }
    }

    private final String file;
    private final String s;
    private final int n;
    private final LineStarts lines;
    private int p;
    private int depth;
    private final List<Diagnostic> errors = new ArrayList<>();
    private String firstCfnMessage;

    private final boolean extensions;

    public GuardGrammar(String file, String source) {
        this(file, source, false);
    }

    /** @param extensions whether Gatehouse's extensions to the language are accepted */
    public GuardGrammar(String file, String source, boolean extensions) {
        this.extensions = extensions;
        this.file = file;
        this.s = source;
        this.n = source.length();
        this.lines = LineStarts.of(source);
    }

    // ------------------------------------------------------------------ file

    /** Parses the whole file; throws {@link GuardParseException} listing every error found. */
    public RulesFile parseFile() {
        List<LetExpr> assignments = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        List<ParameterizedRule> parameterized = new ArrayList<>();
        List<List<RuleClause>> defaultClauses = new ArrayList<>();
        List<RulesFile.Include> includes = new ArrayList<>();
        int nul = s.indexOf('\0');
        if (nul >= 0) {
            p = nul;
            record(new Fail(nul, "binary content (a NUL byte) in a rule file", "Guard rule files are UTF-8 text"));
            throw exception();
        }
        while (true) {
            ws();
            if (p >= n) {
                break;
            }
            int itemStart = p;
            try {
                if (keyword("let")) {
                    p = itemStart;
                    assignments.add(assignment());
                } else if (keyword("gh_include")) {
                    includes.add(include(itemStart));
                } else if (keyword("rule")) {
                    p = itemStart;
                    Object r = ruleBlock();
                    if (r instanceof Rule rule) {
                        rules.add(rule);
                    } else {
                        parameterized.add((ParameterizedRule) r);
                    }
                } else if (atTypeName()) {
                    defaultClauses.add(List.of(new RuleClause.TypeBlockClause(typeBlock())));
                } else if (keyword("when")) {
                    p = itemStart;
                    GuardClause.WhenBlock wb = whenBlock();
                    defaultClauses.add(List.of(new RuleClause.WhenBlock(wb.conditions(), wb.block())));
                } else {
                    List<GuardClause> dis = disjunction(ClauseContext.BLOCK);
                    defaultClauses.add(dis.stream().map(c -> (RuleClause) new RuleClause.Clause(c)).toList());
                }
            } catch (Fail f) {
                record(f);
                if (errors.size() >= Parser.MAX_ERRORS) {
                    break;
                }
                recover(itemStart);
            }
        }
        if (!errors.isEmpty()) {
            throw exception();
        }
        if (!defaultClauses.isEmpty()) {
            Rule def = new Rule(RulesFile.DEFAULT_RULE_NAME, null, new Block<>(List.of(), defaultClauses),
                    new FileLocation(1, 1, file));
            rules.add(0, def);
        }
        return new RulesFile(file, assignments, rules, parameterized, includes, List.of(), extensions);
    }

    /** {@code gh_include 'path'} (Gatehouse dialect only), the keyword already consumed. */
    private RulesFile.Include include(int start) {
        if (!extensions) {
            throw fail(start, "gh_include is a Gatehouse extension, not part of cfn-guard's language",
                    "use it in rule files for 'gatehouse scan'; 'gatehouse guard' reads exactly what cfn-guard reads");
        }
        ws();
        if (peek() != '\'' && peek() != '"') {
            throw fail(p, "expecting a quoted path after gh_include", "gh_include 'common/variables.guard'");
        }
        String path = quoted();
        if (path.isBlank()) {
            throw fail(start, "gh_include needs a non-empty path", null);
        }
        return new RulesFile.Include(path, loc(start));
    }

    private GuardParseException exception() {
        return new GuardParseException(errors, firstCfnMessage);
    }

    private void record(Fail f) {
        int pos = Math.min(f.pos, n);
        int line = lines.line(pos);
        int col = lines.column(pos);
        String srcLine = lineText(line);
        errors.add(Diagnostic.of("policy_parse_error", SourceSpan.at(file, line, col), f.context, f.hint)
                .withSourceLine(srcLine));
        if (firstCfnMessage == null) {
            String fragment = s.substring(pos, Math.min(n, pos + 2000));
            firstCfnMessage = "Parser Error when parsing `Parsing Error Error parsing file " + file + " at line " + line
                    + " at column " + col + ", when handling " + f.context + ", fragment " + fragment + "`";
        }
    }

    /** Skips to the next line that starts a top-level item ({@code rule} or {@code let} at column 1). */
    private void recover(int itemStart) {
        int from = Math.max(p, itemStart + 1);
        int line = lines.line(Math.min(from, n));
        for (int l = line + 1; l <= lines.count(); l++) {
            int start = lines.start(l);
            if (start >= from && (s.startsWith("rule", start) || s.startsWith("let", start))) {
                p = start;
                return;
            }
        }
        p = n;
    }

    private String lineText(int line) {
        int start = lines.start(line);
        int end = lines.end(line);
        return s.substring(start, Math.max(start, Math.min(end, start + 400)));
    }

    private FileLocation loc(int pos) {
        return new FileLocation(lines.line(pos), lines.column(pos), file);
    }

    private Position position(int pos) {
        return new Position(lines.line(pos), lines.column(pos) - 1);
    }

    private Fail fail(String context) {
        return new Fail(p, context, null);
    }

    private Fail fail(int pos, String context, String hint) {
        return new Fail(pos, context, hint);
    }

    private void enter() {
        if (++depth > Parser.MAX_NESTING) {
            throw fail(p, "nesting deeper than " + Parser.MAX_NESTING + " levels",
                    "split the rule into named rules or variables");
        }
    }

    private void leave() {
        depth--;
    }

    // ------------------------------------------------------------------ lexical helpers

    /** Skips spaces, tabs, newlines and comments. */
    private void ws() {
        while (p < n) {
            char c = s.charAt(p);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                p++;
            } else if (c == '#') {
                while (p < n && s.charAt(p) != '\n') {
                    p++;
                }
            } else {
                break;
            }
        }
    }

    /** Skips spaces and tabs only. */
    private void spaces() {
        while (p < n && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
            p++;
        }
    }

    private char peek() {
        return p < n ? s.charAt(p) : '\0';
    }

    private char peek(int off) {
        return p + off < n ? s.charAt(p + off) : '\0';
    }

    private boolean at(String t) {
        return s.startsWith(t, p);
    }

    private boolean eat(String t) {
        if (s.startsWith(t, p)) {
            p += t.length();
            return true;
        }
        return false;
    }

    private void expect(String t, String what) {
        if (!eat(t)) {
            throw fail(p, "expecting " + what, null);
        }
    }

    private static boolean identStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean identPart(char c) {
        return identStart(c) || (c >= '0' && c <= '9');
    }

    /** Consumes a keyword (exact text) that is not followed by an identifier character. */
    private boolean keyword(String kw) {
        if (s.startsWith(kw, p) && !identPart(peekAt(p + kw.length()))) {
            p += kw.length();
            return true;
        }
        return false;
    }

    private char peekAt(int i) {
        return i < n ? s.charAt(i) : '\0';
    }

    private boolean keywordAny(String... kws) {
        for (String kw : kws) {
            if (keyword(kw)) {
                return true;
            }
        }
        return false;
    }

    private String identifier() {
        if (!identStart(peek())) {
            return null;
        }
        int start = p;
        while (p < n && identPart(s.charAt(p))) {
            p++;
        }
        return s.substring(start, p);
    }

    private String requireIdentifier(String what) {
        String id = identifier();
        if (id == null) {
            throw fail(p, "expecting " + what, null);
        }
        return id;
    }

    // ------------------------------------------------------------------ let

    private LetExpr assignment() {
        int start = p;
        keyword("let");
        ws();
        String name = requireIdentifier("a variable name after 'let'");
        ws();
        if (!eat(":=") && !eat("=")) {
            throw fail(p, "expecting '=' or ':=' after 'let " + name + "'", null);
        }
        ws();
        int valueStart = p;
        LetValue v = letValue();
        if (v == null) {
            throw fail(valueStart, EXPECT_VALUE, null);
        }
        return new LetExpr(name, v, loc(start));
    }

    /** A literal, a function call or a query; null (position restored) when none starts here. */
    private LetValue letValue() {
        int start = p;
        Value lit = literal();
        if (lit != null) {
            return new LetValue.Literal(lit);
        }
        p = start;
        LetValue.FunctionCall call = functionCall();
        if (call != null) {
            return call;
        }
        p = start;
        AccessQuery q = query(true);
        if (q != null) {
            return new LetValue.Query(q);
        }
        p = start;
        return null;
    }

    private Integer function(String name) {
        Integer arity = FUNCTIONS.get(name);
        return arity == null && extensions ? EXTENSION_FUNCTIONS.get(name) : arity;
    }

    private LetValue.FunctionCall functionCall() {
        int start = p;
        String name = identifier();
        if (name == null || peek() != '(') {
            p = start;
            return null;
        }
        Integer arity = function(name);
        if (arity == null) {
            p = start;
            return null;
        }
        List<LetValue> args = arguments(name + "()");
        if (args.size() != arity) {
            throw fail(start, "function " + name + " takes " + arity + " argument" + (arity == 1 ? "" : "s")
                    + ", got " + args.size(), null);
        }
        return new LetValue.FunctionCall(name, args, loc(start));
    }

    /** The argument list of a call, from its '(' (at {@link #p}) through ')'. */
    private List<LetValue> arguments(String callee) {
        p++;
        enter();
        List<LetValue> args = new ArrayList<>();
        ws();
        if (!eat(")")) {
            while (true) {
                ws();
                int argStart = p;
                LetValue a = letValue();
                if (a == null) {
                    throw fail(argStart, EXPECT_VALUE, null);
                }
                args.add(a);
                ws();
                if (eat(")")) {
                    break;
                }
                expect(",", "',' or ')' in the arguments of " + callee);
            }
        }
        leave();
        return args;
    }

    // ------------------------------------------------------------------ literals

    /** A literal value, or null with the position restored. */
    private Value literal() {
        int start = p;
        char c = peek();
        try {
            switch (c) {
                case '"', '\'' -> {
                    return new StringValue("", position(start), quoted());
                }
                case '/' -> {
                    return regex();
                }
                case '[' -> {
                    return list();
                }
                case '{' -> {
                    return map();
                }
                case 'r' -> {
                    if (peek(1) == '[' || peek(1) == '(') {
                        Value r = range();
                        if (r != null) {
                            return r;
                        }
                        p = start;
                    }
                    return null;
                }
                default -> {
                    if (keyword("true") || keyword("True")) {
                        return new BoolValue("", position(start), true);
                    }
                    if (keyword("false") || keyword("False")) {
                        return new BoolValue("", position(start), false);
                    }
                    if (keyword("null") || keyword("NULL")) {
                        return new NullValue("", position(start));
                    }
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    return null;
                }
            }
        } catch (Fail f) {
            if (c == '[') {
                // not a list literal: maybe a query like [*] is not valid as a value anyway
                throw f;
            }
            throw f;
        }
    }

    private String quoted() {
        char q = s.charAt(p);
        int start = p;
        p++;
        StringBuilder sb = new StringBuilder();
        while (p < n) {
            char c = s.charAt(p);
            if (c == '\\' && p + 1 < n && s.charAt(p + 1) == q) {
                sb.append(q);
                p += 2;
            } else if (c == q) {
                p++;
                return sb.toString();
            } else {
                sb.append(c);
                p++;
            }
        }
        throw fail(start, "unterminated string starting here", "close it with " + q);
    }

    private Value regex() {
        int start = p;
        p++;
        StringBuilder sb = new StringBuilder();
        while (p < n) {
            char c = s.charAt(p);
            if (c == '\\' && p + 1 < n && s.charAt(p + 1) == '/') {
                sb.append('/');
                p += 2;
            } else if (c == '/') {
                p++;
                String pattern = sb.toString();
                String problem = RegexCheck.problem(pattern);
                if (problem != null) {
                    throw fail(start, "invalid regex /" + pattern + "/: " + problem, null);
                }
                return new RegexValue("", position(start), pattern);
            } else if (c == '\n') {
                break;
            } else {
                sb.append(c);
                p++;
            }
        }
        throw fail(start, "unterminated regex starting here", "close it with / (write \\/ for a slash inside)");
    }

    private Value number() {
        int start = p;
        if (peek() == '-') {
            p++;
        }
        int digits = p;
        while (p < n && Character.isDigit(s.charAt(p))) {
            p++;
        }
        if (p == digits) {
            p = start;
            return null;
        }
        boolean isFloat = false;
        if (peek() == '.' && Character.isDigit(peek(1))) {
            isFloat = true;
            p++;
            while (p < n && Character.isDigit(s.charAt(p))) {
                p++;
            }
        }
        if ((peek() == 'e' || peek() == 'E')
                && (Character.isDigit(peek(1)) || ((peek(1) == '-' || peek(1) == '+') && Character.isDigit(peek(2))))) {
            isFloat = true;
            p += 2;
            while (p < n && Character.isDigit(s.charAt(p))) {
                p++;
            }
        }
        if (identPart(peek())) {
            p = start;
            return null;
        }
        String text = s.substring(start, p);
        try {
            if (isFloat) {
                return new FloatValue("", position(start), Double.parseDouble(text));
            }
            return new IntValue("", position(start), Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw fail(start, "number out of range: " + text, null);
        }
    }

    private Value list() {
        int start = p;
        p++;
        enter();
        List<Value> elements = new ArrayList<>();
        ws();
        if (!eat("]")) {
            while (true) {
                ws();
                int vs = p;
                Value v = literal();
                if (v == null) {
                    p = start;
                    leave();
                    return null;
                }
                elements.add(v);
                ws();
                if (eat("]")) {
                    break;
                }
                if (!eat(",")) {
                    throw fail(p, "expecting ',' or ']' in a list", null);
                }
                if (vs == p) {
                    break;
                }
            }
        }
        leave();
        return new ListValue("", position(start), elements);
    }

    private Value map() {
        int start = p;
        p++;
        enter();
        Map<String, Value> entries = new LinkedHashMap<>();
        Map<String, Position> keys = new LinkedHashMap<>();
        ws();
        if (!eat("}")) {
            while (true) {
                ws();
                int ks = p;
                String key;
                if (peek() == '"' || peek() == '\'') {
                    key = quoted();
                } else {
                    key = identifier();
                }
                if (key == null) {
                    p = start;
                    leave();
                    return null;
                }
                ws();
                if (!eat(":")) {
                    p = start;
                    leave();
                    return null;
                }
                ws();
                int vs = p;
                Value v = literal();
                if (v == null) {
                    throw fail(vs, EXPECT_VALUE, "map literals hold literal values only");
                }
                entries.put(key, v);
                keys.put(key, position(ks));
                ws();
                if (eat("}")) {
                    break;
                }
                if (!eat(",")) {
                    throw fail(p, "expecting ',' or '}' in a map", null);
                }
            }
        }
        leave();
        return new MapValue("", position(start), entries, keys);
    }

    private Value range() {
        int start = p;
        p++; // 'r'
        boolean lowerInc = peek() == '[';
        p++;
        ws();
        Value lo = rangeBound();
        if (lo == null) {
            p = start;
            return null;
        }
        ws();
        if (!eat(",")) {
            p = start;
            return null;
        }
        ws();
        Value hi = rangeBound();
        if (hi == null) {
            p = start;
            return null;
        }
        ws();
        boolean upperInc;
        if (eat("]")) {
            upperInc = true;
        } else if (eat(")")) {
            upperInc = false;
        } else {
            p = start;
            return null;
        }
        if (lo.getClass() != hi.getClass()) {
            throw fail(start, "range bounds must be of one type (int, float or char)", null);
        }
        return new RangeValue("", position(start), lo, hi, lowerInc, upperInc);
    }

    private Value rangeBound() {
        int start = p;
        char c = peek();
        if ((c == '\'' || c == '"') && peek(2) == c && peek(1) != c) {
            p += 3;
            return new CharValue("", position(start), s.charAt(start + 1));
        }
        if (c == '-' || Character.isDigit(c)) {
            return number();
        }
        return null;
    }

    // ------------------------------------------------------------------ queries

    /**
     * A query ({@code some}? first part, then {@code .x}, {@code [..]} parts); null with the position restored
     * when no query starts here.
     */
    private AccessQuery query(boolean allowSome) {
        int start = p;
        boolean matchAll = true;
        if (allowSome && (keyword("some") || keyword("SOME"))) {
            int afterSome = p;
            ws();
            if (p == afterSome) {
                p = start;
            } else {
                matchAll = false;
            }
        }
        List<QueryPart> parts = new ArrayList<>();
        boolean leadingVar = false;
        char c = peek();
        if (keyword("this") || keyword("THIS")) {
            parts.add(new QueryPart.This());
        } else if (c == '%') {
            p++;
            String v = identifier();
            if (v == null) {
                throw fail(p, "expecting a variable name after '%'", null);
            }
            parts.add(new QueryPart.Key("%" + v));
            leadingVar = true;
        } else if (c == '"' || c == '\'') {
            parts.add(new QueryPart.Key(quoted()));
        } else if (c == '*') {
            p++;
            parts.add(new QueryPart.AllValues(null));
        } else if (c == '[' && (peek(1) == '*' || Character.isDigit(peek(1)))) {
            // a query may start with an index step on a list document
        } else {
            String id = identifier();
            if (id == null) {
                p = start;
                return null;
            }
            if (isReserved(id)) {
                p = start;
                return null;
            }
            parts.add(new QueryPart.Key(id));
        }
        while (p < n) {
            char d = peek();
            QueryPart part;
            if (d == '.') {
                int dot = p;
                p++;
                char e = peek();
                if (e == '*') {
                    p++;
                    part = new QueryPart.AllValues(null);
                } else if (e == '%') {
                    p++;
                    String v = identifier();
                    if (v == null) {
                        throw fail(p, "expecting a variable name after '%'", null);
                    }
                    part = new QueryPart.Key("%" + v);
                } else if (e == '"' || e == '\'') {
                    part = new QueryPart.Key(quoted());
                } else if (Character.isDigit(e) || (e == '-' && Character.isDigit(peek(1)))) {
                    int ns = p;
                    if (e == '-') {
                        p++;
                    }
                    while (p < n && Character.isDigit(s.charAt(p))) {
                        p++;
                    }
                    if (identPart(peek())) {
                        p = ns;
                        part = new QueryPart.Key(requireIdentifierOrDigits());
                    } else {
                        part = new QueryPart.Index(parseIndex(ns, s.substring(ns, p)));
                    }
                } else {
                    String id = identifier();
                    if (id == null) {
                        p = dot;
                        break;
                    }
                    part = new QueryPart.Key(id);
                }
            } else if (d == '[') {
                part = bracket();
            } else if (d == ' ' || d == '\t' || d == '\n' || d == '\r') {
                // cfn-guard accepts white space before a filter: "%sg [ ... ]"
                int save = p;
                ws();
                if (peek() == '[') {
                    part = bracket();
                } else {
                    p = save;
                    break;
                }
            } else {
                break;
            }
            if (leadingVar && parts.size() == 1 && !(part instanceof QueryPart.AllIndices)) {
                parts.add(new QueryPart.AllIndices(null));
            }
            parts.add(part);
        }
        if (parts.isEmpty()) {
            p = start;
            return null;
        }
        return new AccessQuery(parts, matchAll);
    }

    private String requireIdentifierOrDigits() {
        int start = p;
        while (p < n && identPart(s.charAt(p))) {
            p++;
        }
        return s.substring(start, p);
    }

    private int parseIndex(int pos, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw fail(pos, "index out of range: " + text, null);
        }
    }

    private static boolean isReserved(String id) {
        return switch (id) {
            case "rule", "let", "when", "or", "OR" -> true;
            default -> false;
        };
    }

    /** One {@code [...]} query part. */
    private QueryPart bracket() {
        int open = p;
        p++;
        enter();
        try {
            ws();
            char c = peek();
            if (c == '*') {
                int star = p;
                p++;
                ws();
                if (eat("]")) {
                    return new QueryPart.AllIndices(null);
                }
                p = star;
            }
            if (c == '-' || Character.isDigit(c)) {
                int ns = p;
                if (c == '-') {
                    p++;
                }
                while (p < n && Character.isDigit(s.charAt(p))) {
                    p++;
                }
                String num = s.substring(ns, p);
                ws();
                if (eat("]")) {
                    return new QueryPart.Index(parseIndex(ns, num));
                }
                throw fail(p, "expecting ']' after index " + num, null);
            }
            if (c == '"' || c == '\'') {
                int qs = p;
                String key = quoted();
                ws();
                if (eat("]")) {
                    return new QueryPart.Key(key);
                }
                p = qs;
            }
            int idStart = p;
            if (keyword("keys") || keyword("KEYS")) {
                p = idStart;
                return mapKeyFilter(null);
            }
            String id = identifier();
            if (id != null) {
                int afterId = p;
                ws();
                if (peek() == '|' && peek(1) != '|' && !at("|OR|")) {
                    p++;
                    ws();
                    int ks = p;
                    if (keyword("keys") || keyword("KEYS")) {
                        p = ks;
                        return mapKeyFilter(id);
                    }
                    return filter(id);
                }
                if (eat("]")) {
                    return new QueryPart.AllValues(id);
                }
                p = afterId;
            }
            p = idStart;
            return filter(null);
        } finally {
            leave();
        }
    }

    private QueryPart mapKeyFilter(String capture) {
        keywordAny("keys", "KEYS");
        ws();
        int opPos = p;
        Op op = operator();
        if (op == null || !(op.op == CmpOperator.Eq || op.op == CmpOperator.In)) {
            throw fail(opPos, "expecting ==, !=, in or not in after 'keys'", null);
        }
        ws();
        int vs = p;
        LetValue v = letValue();
        if (v == null) {
            throw fail(vs, EXPECT_VALUE, null);
        }
        ws();
        expect("]", "']' to close the key filter");
        return new QueryPart.MapKeyFilter(capture, new MapKeyFilterClause(op.op, op.negated, v));
    }

    private QueryPart filter(String capture) {
        List<List<GuardClause>> conj = new ArrayList<>();
        while (true) {
            ws();
            if (eat("]")) {
                break;
            }
            if (p >= n) {
                throw fail(p, "expecting ']' to close the filter", null);
            }
            conj.add(disjunction(ClauseContext.FILTER));
        }
        if (conj.isEmpty()) {
            throw fail(p - 1, "empty filter []", "write [*] for all elements");
        }
        return new QueryPart.Filter(capture, conj);
    }

    // ------------------------------------------------------------------ operators

    private record Op(CmpOperator op, boolean negated) {}

    /** An operator, or null with the position restored. */
    private Op operator() {
        int start = p;
        if (eat("==")) {
            return new Op(CmpOperator.Eq, false);
        }
        if (eat("!=")) {
            return new Op(CmpOperator.Eq, true);
        }
        if (eat(">=")) {
            return new Op(CmpOperator.Ge, false);
        }
        if (eat("<=")) {
            return new Op(CmpOperator.Le, false);
        }
        if (eat(">")) {
            return new Op(CmpOperator.Gt, false);
        }
        if (at("<") && !at("<<")) {
            p++;
            return new Op(CmpOperator.Lt, false);
        }
        if (keyword("IN") || keyword("in")) {
            return new Op(CmpOperator.In, false);
        }
        boolean neg = false;
        if (eat("!")) {
            neg = true;
        } else if (keyword("not") || keyword("NOT")) {
            neg = true;
            int afterNot = p;
            ws();
            if (p == afterNot) {
                p = start;
                return null;
            }
        }
        CmpOperator op = unaryOrIn();
        if (op == null) {
            p = start;
            return null;
        }
        return new Op(op, neg);
    }

    private CmpOperator unaryOrIn() {
        if (keyword("IN") || keyword("in")) {
            return CmpOperator.In;
        }
        if (keyword("EXISTS") || keyword("exists")) {
            return CmpOperator.Exists;
        }
        if (keyword("EMPTY") || keyword("empty")) {
            return CmpOperator.Empty;
        }
        if (keyword("IS_STRING") || keyword("is_string")) {
            return CmpOperator.IsString;
        }
        if (keyword("IS_LIST") || keyword("is_list")) {
            return CmpOperator.IsList;
        }
        if (keyword("IS_STRUCT") || keyword("is_struct")) {
            return CmpOperator.IsMap;
        }
        if (keyword("IS_BOOL") || keyword("is_bool")) {
            return CmpOperator.IsBool;
        }
        if (keyword("IS_INT") || keyword("is_int")) {
            return CmpOperator.IsInt;
        }
        if (keyword("IS_FLOAT") || keyword("is_float")) {
            return CmpOperator.IsFloat;
        }
        if (keyword("IS_NULL") || keyword("is_null")) {
            return CmpOperator.IsNull;
        }
        return null;
    }

    // ------------------------------------------------------------------ clauses

    private enum ClauseContext { BLOCK, FILTER, WHEN }

    /** Clauses joined by {@code or}; at least one. */
    private List<GuardClause> disjunction(ClauseContext ctx) {
        List<GuardClause> dis = new ArrayList<>();
        dis.add(clause(ctx));
        while (true) {
            int save = p;
            ws();
            if (keyword("or") || keyword("OR") || eat("|OR|")) {
                ws();
                dis.add(clause(ctx));
            } else {
                p = save;
                break;
            }
        }
        return dis;
    }

    private List<WhenGuardClause> whenDisjunction() {
        List<WhenGuardClause> out = new ArrayList<>();
        for (GuardClause c : disjunction(ClauseContext.WHEN)) {
            out.add((WhenGuardClause) c);
        }
        return out;
    }

    /** One clause: comparison, block clause, rule reference, parameterized call, or when block. */
    private GuardClause clause(ClauseContext ctx) {
        int start = p;
        if (ctx == ClauseContext.BLOCK && at("when") && keyword("when")) {
            p = start;
            return whenBlock();
        }
        boolean negation = false;
        if (peek() == '!' && peek(1) != '=') {
            p++;
            negation = true;
            ws();
        } else if (keyword("not") || keyword("NOT")) {
            negation = true;
            ws();
        }
        int qStart = p;
        // a call: name(...)
        String callee = identifier();
        if (callee != null && peek() == '(') {
            if (function(callee) != null) {
                throw fail(qStart, "functions are not allowed on the left-hand side of a clause",
                        "assign the call to a variable first: let v = " + callee + "(...), then compare %v");
            }
            List<LetValue> args = arguments(callee + "(...)");
            String msg = customMessage();
            return new GuardClause.ParameterizedNamedRule(args,
                    new GuardClause.NamedRule(callee, negation, msg, loc(start)));
        }
        p = qStart;
        AccessQuery q = query(true);
        if (q == null) {
            throw fail(qStart, EXPECT_VALUE, null);
        }
        int afterQuery = p;
        ws();
        int opPos = p;
        Op op = operator();
        if (op != null) {
            LetValue rhs = null;
            if (!op.op.isUnary()) {
                int rhsPos = p;
                ws();
                int vs = p;
                rhs = letValue();
                if (rhs == null) {
                    throw fail(rhsPos, EXPECT_VALUE, null);
                }
                if (vs == rhsPos && rhs instanceof LetValue.Query && op.op == CmpOperator.In) {
                    // "INx" would have been rejected by the keyword check; nothing to do
                }
            } else if (ctx != ClauseContext.WHEN && op.op == CmpOperator.Empty && op.negated) {
                int save = p;
                ws();
                if (peek() == '{') {
                    if (negation) {
                        throw fail(start, "a block cannot be negated", null);
                    }
                    return new GuardClause.BlockClause(q, block(), loc(start), true);
                }
                p = save;
            }
            String msg = customMessage();
            return new GuardClause.Clause(new AccessClause(q, op.op, op.negated, rhs, msg, loc(start)), negation);
        }
        p = opPos;
        if (ctx != ClauseContext.WHEN && peek() == '{') {
            if (negation) {
                throw fail(start, "a block cannot be negated", null);
            }
            return new GuardClause.BlockClause(q, block(), loc(start), false);
        }
        // a bare rule reference
        if (q.matchAll() && q.parts().size() == 1 && q.parts().get(0) instanceof QueryPart.Key k && !k.isVariable()
                && identStart(k.name().charAt(0)) && s.startsWith(k.name(), qStart)) {
            p = afterQuery;
            spaces();
            char c = peek();
            boolean terminated = c == '\n' || c == '\r' || c == '#' || c == '\0' || at("<<") || c == '{'
                    || at("or") || at("OR") || at("|OR|") || (ctx == ClauseContext.FILTER && c == ']');
            if (!terminated) {
                throw fail(opPos, "expecting an operator (==, !=, in, exists, ...) after '" + k.name() + "'",
                        "a reference to another rule must end its line");
            }
            p = afterQuery;
            String msg = customMessage();
            return new GuardClause.NamedRule(k.name(), negation, msg, loc(start));
        }
        throw fail(opPos, "expecting an operator (==, !=, >, <, in, exists, empty, is_string, ...) or a block",
                null);
    }

    /**
     * Gatehouse dialect: a custom message may hold {@code {{ %var }}}, {@code {{ value }}} and {@code {{ path }}}
     * placeholders (see docs/rule-pack.md). Other text between braces stays verbatim (CloudFormation's own
     * {@code {{resolve:...}}} appears in messages), but a {@code {{ %...}}} that is not a variable name is an
     * error here rather than a surprise in a report.
     */
    private void checkPlaceholders(String msg, int base) {
        int i = msg.indexOf("{{");
        while (i >= 0) {
            int close = msg.indexOf("}}", i + 2);
            if (close < 0) {
                return;
            }
            String inner = msg.substring(i + 2, close).strip();
            if (inner.startsWith("%") && !isPlaceholder(inner)) {
                throw fail(base + i, "bad variable placeholder {{ " + inner + " }} in custom message",
                        "write {{ %variable }} with a plain variable name");
            }
            i = msg.indexOf("{{", close + 2);
        }
    }

    /** What may stand between {@code {{ }}} in a Gatehouse custom message: {@code %name}, {@code value}, {@code path}. */
    public static boolean isPlaceholder(String inner) {
        if (inner.equals("value") || inner.equals("path")) {
            return true;
        }
        if (inner.length() < 2 || inner.charAt(0) != '%'
                || !(Character.isLetter(inner.charAt(1)) || inner.charAt(1) == '_')) {
            return false;
        }
        for (int k = 2; k < inner.length(); k++) {
            char c = inner.charAt(k);
            if (!(Character.isLetterOrDigit(c) || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** An optional {@code << message >>}; null when absent (position restored). */
    private String customMessage() {
        int save = p;
        ws();
        if (!at("<<")) {
            p = save;
            return null;
        }
        int open = p;
        p += 2;
        int end = s.indexOf(">>", p);
        if (end < 0) {
            throw fail(open, "unterminated custom message (missing >>)", null);
        }
        String msg = s.substring(p, end);
        if (extensions) {
            checkPlaceholders(msg, p);
        }
        p = end + 2;
        return msg;
    }

    // ------------------------------------------------------------------ blocks

    private Block<GuardClause> block() {
        expect("{", "'{'");
        enter();
        List<LetExpr> lets = new ArrayList<>();
        List<List<GuardClause>> conj = new ArrayList<>();
        while (true) {
            ws();
            if (eat("}")) {
                break;
            }
            if (p >= n) {
                throw fail(p, "expecting '}' to close the block", null);
            }
            int itemStart = p;
            if (keyword("let")) {
                p = itemStart;
                lets.add(assignment());
                continue;
            }
            conj.add(disjunction(ClauseContext.BLOCK));
        }
        leave();
        return new Block<>(lets, conj);
    }

    private GuardClause.WhenBlock whenBlock() {
        keyword("when");
        ws();
        List<List<WhenGuardClause>> conditions = conditions();
        return new GuardClause.WhenBlock(conditions, block());
    }

    /** CNF of when-conditions up to (not including) the opening {@code {}. */
    private List<List<WhenGuardClause>> conditions() {
        List<List<WhenGuardClause>> conj = new ArrayList<>();
        while (true) {
            ws();
            if (peek() == '{' || p >= n) {
                break;
            }
            conj.add(whenDisjunction());
        }
        if (conj.isEmpty()) {
            throw fail(p, "expecting conditions after 'when'", null);
        }
        return conj;
    }

    private boolean atTypeName() {
        int save = p;
        String a = identifier();
        boolean result = a != null && at("::") && identStart(peekAt(p + 2));
        p = save;
        return result;
    }

    private String typeName() {
        int start = p;
        requireIdentifier("a type name");
        int parts = 1;
        while (at("::") && identPart(peekAt(p + 2))) {
            p += 2;
            while (p < n && identPart(s.charAt(p))) {
                p++;
            }
            parts++;
        }
        if (parts > 4) {
            throw fail(start, "a type name has 2 to 4 parts (AWS::S3::Bucket)", null);
        }
        return s.substring(start, p);
    }

    private TypeBlock typeBlock() {
        int start = p;
        String type = typeName();
        FileLocation location = loc(start);
        List<QueryPart> query = List.of(new QueryPart.Key("Resources"), new QueryPart.AllValues(null),
                new QueryPart.Filter(null, List.of(List.of(new GuardClause.Clause(new AccessClause(
                        new AccessQuery(List.of(new QueryPart.Key("Type")), true), CmpOperator.Eq, false,
                        new LetValue.Literal(new StringValue("", Position.NONE, type)), null, location), false)))));
        ws();
        List<List<WhenGuardClause>> conditions = null;
        int save = p;
        if (keyword("when")) {
            ws();
            conditions = conditions();
        } else {
            p = save;
        }
        Block<GuardClause> block;
        if (peek() == '{') {
            block = block();
        } else {
            List<GuardClause> single = disjunction(ClauseContext.BLOCK);
            block = new Block<>(List.of(), List.of(single));
        }
        return new TypeBlock(type, conditions, block, query, location);
    }

    /** {@code rule NAME [when ...] { ... }} or {@code rule NAME(p, ...) { ... }}; returns a Rule or ParameterizedRule. */
    private Object ruleBlock() {
        int start = p;
        keyword("rule");
        ws();
        String name = requireIdentifier("a rule name after 'rule'");
        List<String> params = null;
        if (eat("(")) {
            Set<String> names = new LinkedHashSet<>();
            ws();
            if (!eat(")")) {
                while (true) {
                    ws();
                    int ps = p;
                    String param = requireIdentifier("a parameter name");
                    if (!names.add(param)) {
                        throw fail(ps, "parameter " + param + " declared twice", null);
                    }
                    ws();
                    if (eat(")")) {
                        break;
                    }
                    expect(",", "',' or ')' in the parameter list");
                }
            }
            params = new ArrayList<>(names);
        }
        ws();
        List<List<WhenGuardClause>> conditions = null;
        int save = p;
        if (keyword("when")) {
            if (params != null) {
                throw fail(save, "a parameterized rule cannot have a 'when' condition",
                        "put the condition inside the rule as a when block");
            }
            ws();
            conditions = conditions();
        } else {
            p = save;
        }
        if (peek() != '{') {
            throw fail(p, "expecting '{' to open the body of rule " + name, null);
        }
        Block<RuleClause> body = ruleBody();
        Rule rule = new Rule(name, conditions, body, loc(start));
        return params == null ? rule : new ParameterizedRule(params, rule);
    }

    private Block<RuleClause> ruleBody() {
        expect("{", "'{'");
        enter();
        List<LetExpr> lets = new ArrayList<>();
        List<List<RuleClause>> conj = new ArrayList<>();
        while (true) {
            ws();
            if (eat("}")) {
                break;
            }
            if (p >= n) {
                throw fail(p, "expecting '}' to close the rule", null);
            }
            int itemStart = p;
            if (keyword("let")) {
                p = itemStart;
                lets.add(assignment());
            } else if (atTypeName()) {
                conj.add(List.of(new RuleClause.TypeBlockClause(typeBlock())));
            } else if (keyword("when")) {
                p = itemStart;
                GuardClause.WhenBlock wb = whenBlock();
                conj.add(List.of(new RuleClause.WhenBlock(wb.conditions(), wb.block())));
            } else {
                conj.add(disjunction(ClauseContext.BLOCK).stream()
                        .map(c -> (RuleClause) new RuleClause.Clause(c)).toList());
            }
        }
        leave();
        return new Block<>(lets, conj);
    }
}
