package gatehouse.monitor.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.BigRange;
import net.jqwik.api.constraints.Scale;
import org.assertj.core.api.Assertions;

/**
 * Properties of the matcher: a pattern built from an event's own values (through every operator that can express
 * them) always matches that event, and anything-but of a value never matches that value.
 */
class EventPatternPropertiesTest {
    static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALPHABET = "abcXYZ09 -_*\\/.:éßΣ中\uD83D\uDE00";

    @Provide
    Arbitrary<ObjectNode> events() {
        return Arbitraries.randomValue(r -> object(r, 0));
    }

    static ObjectNode object(Random r, int depth) {
        ObjectNode o = F.objectNode();
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
            o.set("f" + r.nextInt(8) + (r.nextBoolean() ? "" : "-x"), value(r, depth));
        }
        return o;
    }

    static JsonNode value(Random r, int depth) {
        int k = r.nextInt(depth >= 3 ? 6 : 9);
        return switch (k) {
            case 0, 1 -> F.textNode(string(r));
            case 2 -> F.numberNode(r.nextLong());
            case 3 -> F.numberNode(BigDecimal.valueOf(r.nextLong() % 5_000_000_000_000L, 3));
            case 4 -> F.booleanNode(r.nextBoolean());
            case 5 -> r.nextInt(4) == 0 ? F.nullNode() : F.textNode("10.0." + r.nextInt(256) + "." + r.nextInt(256));
            case 6, 7 -> object(r, depth + 1);
            default -> {
                ArrayNode a = F.arrayNode();
                int m = r.nextInt(4);
                boolean objects = r.nextBoolean();
                for (int i = 0; i < m; i++) {
                    a.add(objects ? object(r, depth + 1) : value(r, 3));
                }
                yield a;
            }
        };
    }

    static String string(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(8);
        int[] cps = ALPHABET.codePoints().toArray();
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(cps[r.nextInt(cps.length)]);
        }
        return sb.toString();
    }

    /** A pattern the event satisfies: a random subset of its fields, each leaf through a random fitting operator. */
    static ObjectNode patternOf(ObjectNode event, Random r) {
        ObjectNode p = F.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (r.nextInt(3) == 0 && !p.isEmpty()) {
                continue;
            }
            JsonNode v = e.getValue();
            if (v.isArray()) {
                JsonNode first = firstLeafOrObject(v);
                if (first == null) {
                    p.putArray(e.getKey()).addObject().put("exists", false);
                    continue;
                }
                v = first; // one element only: array consistency
            }
            if (v.isObject()) {
                ObjectNode nested = patternOf((ObjectNode) v, r);
                if (!nested.isEmpty()) {
                    p.set(e.getKey(), nested);
                }
            } else {
                p.putArray(e.getKey()).add(leafPattern(v, r));
            }
        }
        return p;
    }

    static JsonNode firstLeafOrObject(JsonNode array) {
        for (JsonNode e : array) {
            if (e.isArray()) {
                JsonNode f = firstLeafOrObject(e);
                if (f != null) {
                    return f;
                }
            } else {
                return e;
            }
        }
        return null;
    }

    static JsonNode leafPattern(JsonNode v, Random r) {
        ObjectNode op = F.objectNode();
        if (v.isTextual()) {
            String s = v.textValue();
            switch (r.nextInt(8)) {
                case 0 -> op.put("prefix", s.substring(0, s.offsetByCodePoints(0, s.codePointCount(0, s.length()) / 2)));
                case 1 -> op.put("suffix", s.substring(s.offsetByCodePoints(0, s.codePointCount(0, s.length()) / 2)));
                case 2 -> op.put("equals-ignore-case", r.nextBoolean() ? s.toLowerCase(Locale.ROOT) : s); // the alphabet lower-cases one to one
                case 3 -> op.put("wildcard", s.replace("\\", "\\\\").replace("*", "\\*") + (r.nextBoolean() ? "*" : ""));
                case 4 -> op.put("wildcard", "*" + s.replace("\\", "\\\\").replace("*", "\\*"));
                case 5 -> op.putObject("prefix").put("equals-ignore-case", s);
                case 6 -> op.put("anything-but", s + "~");
                default -> {
                    if (s.startsWith("10.0.")) {
                        op.put("cidr", "10.0.0.0/16");
                    } else {
                        return v;
                    }
                }
            }
            return op;
        }
        if (v.isNumber()) {
            BigDecimal d = v.decimalValue();
            boolean numeric = Numbers.inRange(d) && Numbers.withinPrecision(d);
            switch (numeric ? r.nextInt(4) : 0) {
                case 1 -> op.putArray("numeric").add("=").add(d);
                case 2 -> op.putArray("numeric").add(">=").add(d).add("<").add(d.add(BigDecimal.ONE));
                case 3 -> op.put("anything-but", d.add(BigDecimal.ONE).min(Numbers.LIMIT).compareTo(d) == 0 ? d.subtract(BigDecimal.ONE) : d.add(BigDecimal.ONE).min(Numbers.LIMIT));
                default -> {
                    return v;
                }
            }
            return op;
        }
        if (r.nextBoolean()) {
            op.put("exists", true);
            return op;
        }
        return v;
    }

    @Property(tries = 500)
    void aPatternBuiltFromAnEventsOwnValuesMatchesIt(@ForAll("events") ObjectNode event, @ForAll long seed) throws Exception {
        ObjectNode pattern = patternOf(event, new Random(seed));
        Assume.that(!pattern.isEmpty());
        String text = JSON.writeValueAsString(pattern);
        Assume.that(text.length() <= EventPattern.MAX_LENGTH);
        Assertions.assertThat(EventPattern.parse(text).matches(event)).as(text + "\n  on " + event).isTrue();
        RuleSet set = RuleSet.builder().add("r", EventPattern.parse(text)).build();
        Assertions.assertThat(set.matches(event)).containsExactly("r");
    }

    @Property(tries = 300)
    void anythingButAStringNeverMatchesThatString(@ForAll String s) throws Exception {
        ObjectNode event = F.objectNode().put("v", s);
        String single = "{\"v\": [{\"anything-but\": " + JSON.writeValueAsString(s) + "}]}";
        String list = "{\"v\": [{\"anything-but\": [\"other\", " + JSON.writeValueAsString(s) + "]}]}";
        String folded = "{\"v\": [{\"anything-but\": {\"equals-ignore-case\": " + JSON.writeValueAsString(s.toUpperCase(Locale.ROOT)) + "}}]}";
        Assertions.assertThat(EventPattern.parse(single).matches(event)).isFalse();
        Assertions.assertThat(EventPattern.parse(list).matches(event)).isFalse();
        Assertions.assertThat(EventPattern.parse(folded).matches(event)).as(folded + " on " + s)
                .isEqualTo(!new IgnoreCase(s.toUpperCase(Locale.ROOT)).matches(s));
        ArrayNode twice = F.arrayNode().add(s).add(s);
        Assertions.assertThat(EventPattern.parse(single).matches(F.objectNode().set("v", twice))).isFalse();
    }

    @Property(tries = 300)
    void anythingButANumberNeverMatchesThatNumber(
            @ForAll @BigRange(min = "-5000000000", max = "5000000000") @Scale(6) BigDecimal n) {
        String pattern = "{\"v\": [{\"anything-but\": " + n.toPlainString() + "}]}";
        Assertions.assertThat(EventPattern.parse(pattern).matches(F.objectNode().put("v", n))).isFalse();
        Assertions.assertThat(EventPattern.parse(pattern).matches(F.objectNode().put("v", n.doubleValue())))
                .as("the same number as a double").isEqualTo(BigDecimal.valueOf(n.doubleValue()).compareTo(n) != 0);
        Assertions.assertThat(EventPattern.parse(pattern).matches(F.objectNode().put("v", n.add(BigDecimal.ONE)))).isTrue();
    }
}
