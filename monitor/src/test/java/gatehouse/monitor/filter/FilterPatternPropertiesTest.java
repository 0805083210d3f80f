package gatehouse.monitor.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/**
 * Properties of the parser and evaluator: arbitrary text never raises anything but the documented
 * {@link FilterPatternException} (with a column inside the pattern), and generated JSON patterns, printed with only
 * the parentheses precedence requires, evaluate as an independent reference evaluator of the generated tree says.
 */
class FilterPatternPropertiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Property(tries = 2000)
    void arbitraryTextParsesOrFailsWithAPositionedError(@ForAll @StringLength(max = 200) String text) {
        assertParsesOrPositionedError(text);
    }

    @Provide
    Arbitrary<String> patternish() {
        Arbitrary<String> pieces = Arbitraries.of("{", "}", "[", "]", "(", ")", "$.", "$.a", "[0]", "[*]", ".", "&&", "||", "&",
                "|", "=", "!=", "<", "<=", ">", ">=", "==", "\"", "\"x y\"", "%", "%a|b%", "*", "?", "-", "...", ",", " ", "IS",
                "NULL", "TRUE", "NOT", "EXISTS", "a", "b1", "42", "1e-3", "-7.5", "\\", "é", "\n");
        return pieces.list().ofMaxSize(40).map(l -> String.join("", l));
    }

    @Property(tries = 2000)
    void patternLikeTextParsesOrFailsWithAPositionedError(@ForAll("patternish") String text) {
        assertParsesOrPositionedError(text);
        assertParsesOrPositionedError("{" + text + "}");
        assertParsesOrPositionedError("[" + text + "]");
    }

    private static void assertParsesOrPositionedError(String text) {
        try {
            FilterPattern p = FilterPattern.parse(text);
            p.match(Event.of(text));
            p.match(Event.of("{\"a\": [1, \"x\"], \"b1\": null}"));
        } catch (FilterPatternException e) {
            assertThat(e.column()).isBetween(1, text.length() + 1);
            assertThat(e.first().headline()).startsWith("pattern:1:" + e.column() + ": error: ");
            assertThat(e.first().hint()).isNotBlank();
        }
    }

    // ------------------------------------------------------------ generated JSON patterns vs a reference evaluator

    sealed interface Node permits Cond, And, Or {}

    /** kind: "str" (=/!= word), "num" (op number), "notexists", "isnull". */
    record Cond(String field, String kind, String op, String value) implements Node {}

    record And(Node l, Node r) implements Node {}

    record Or(Node l, Node r) implements Node {}

    static final List<String> FIELDS = List.of("a", "b", "c");

    Arbitrary<Node> cond() {
        Arbitrary<String> field = Arbitraries.of(FIELDS);
        Arbitrary<Node> str = Combinators.combine(field, Arbitraries.of("=", "!="), Arbitraries.of("x", "y", "x*", "*y", "*"))
                .as((f, op, v) -> new Cond(f, "str", op, v));
        Arbitrary<Node> num = Combinators.combine(field, Arbitraries.of("=", "!=", "<", "<=", ">", ">="), Arbitraries.of("0", "1", "2", "1.5"))
                .as((f, op, v) -> new Cond(f, "num", op, v));
        Arbitrary<Node> other = Combinators.combine(field, Arbitraries.of("notexists", "isnull")).as((f, k) -> new Cond(f, k, "", ""));
        return Arbitraries.oneOf(str, num, other);
    }

    @Provide
    Arbitrary<Node> tree() {
        return Arbitraries.lazyOf(this::cond, this::cond, this::cond,
                () -> Combinators.combine(tree(), tree()).as(And::new),
                () -> Combinators.combine(tree(), tree()).as(Or::new));
    }

    @Provide
    Arbitrary<ObjectNode> event() {
        Arbitrary<Object> value = Arbitraries.of("absent", "null", "x", "y", "xy", 0, 1, 2, "1", "1.5", true);
        return Combinators.combine(value, value, value).as((a, b, c) -> {
            ObjectNode o = JSON.createObjectNode();
            Object[] vs = {a, b, c};
            for (int i = 0; i < 3; i++) {
                Object v = vs[i];
                String f = FIELDS.get(i);
                if (v.equals("absent")) {
                    continue;
                }
                if (v.equals("null")) {
                    o.putNull(f);
                } else if (v instanceof Integer n) {
                    o.put(f, n);
                } else if (v instanceof Boolean bo) {
                    o.put(f, bo);
                } else {
                    o.put(f, (String) v);
                }
            }
            return o;
        });
    }

    static String print(Node n) {
        if (n instanceof Cond c) {
            return switch (c.kind()) {
                case "notexists" -> "$." + c.field() + " NOT EXISTS";
                case "isnull" -> "$." + c.field() + " IS NULL";
                default -> "$." + c.field() + " " + c.op() + " " + c.value();
            };
        }
        if (n instanceof And a) { // && binds tighter than ||: only an Or operand needs parentheses
            return side(a.l()) + " && " + side(a.r());
        }
        Or o = (Or) n;
        return print(o.l()) + " || " + print(o.r());
    }

    private static String side(Node n) {
        return n instanceof Or ? "(" + print(n) + ")" : print(n);
    }

    static boolean eval(Node n, ObjectNode e) {
        if (n instanceof And a) {
            return eval(a.l(), e) && eval(a.r(), e);
        }
        if (n instanceof Or o) {
            return eval(o.l(), e) || eval(o.r(), e);
        }
        Cond c = (Cond) n;
        var v = e.get(c.field());
        switch (c.kind()) {
            case "notexists":
                return v == null;
            case "isnull":
                return v != null && v.isNull();
            case "num": {
                Double d = v == null ? null : v.isNumber() ? Double.valueOf(v.doubleValue())
                        : v.isTextual() && v.textValue().matches("[+-]?\\d+(\\.\\d+)?") ? Double.valueOf(v.textValue()) : null;
                if (d == null) {
                    return false;
                }
                double x = Double.parseDouble(c.value());
                return switch (c.op()) {
                    case "=" -> d == x;
                    case "!=" -> d != x;
                    case "<" -> d < x;
                    case "<=" -> d <= x;
                    case ">" -> d > x;
                    default -> d >= x;
                };
            }
            default: {
                if (v == null || v.isNull() || v.isContainerNode()) {
                    return false;
                }
                String s = v.asText();
                String p = c.value();
                boolean hit = p.equals("*") || (p.startsWith("*") ? s.endsWith(p.substring(1))
                        : p.endsWith("*") ? s.startsWith(p.substring(0, p.length() - 1)) : s.equals(p));
                return c.op().equals("=") == hit;
            }
        }
    }

    @Property(tries = 2000)
    void generatedJsonPatternsEvaluateLikeTheReference(@ForAll("tree") Node tree, @ForAll("event") ObjectNode event) {
        String text = "{ " + print(tree) + " }";
        Assume.that(text.length() <= 1024); // CloudWatch's limit; longer ones are rejected, as a test above shows
        FilterPattern p = FilterPattern.parse(text);
        assertThat(p.kind()).isEqualTo(FilterPattern.Kind.JSON);
        boolean want = eval(tree, event);
        assertThat(p.matches(Event.ofJson(event))).as(text + " on " + event).isEqualTo(want);
        assertThat(p.matches(Event.of(event.toString()))).as("text form of " + event).isEqualTo(want);
    }
}
