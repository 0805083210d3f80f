package gatehouse.guard.parse;

import gatehouse.core.doc.BoolValue;
import gatehouse.core.doc.FloatValue;
import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.NullValue;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.guard.ast.AccessClause;
import gatehouse.guard.ast.AccessQuery;
import gatehouse.guard.ast.Block;
import gatehouse.guard.ast.CharValue;
import gatehouse.guard.ast.FileLocation;
import gatehouse.guard.ast.GuardClause;
import gatehouse.guard.ast.LetExpr;
import gatehouse.guard.ast.LetValue;
import gatehouse.guard.ast.ParameterizedRule;
import gatehouse.guard.ast.QueryPart;
import gatehouse.guard.ast.RangeValue;
import gatehouse.guard.ast.RegexValue;
import gatehouse.guard.ast.Rule;
import gatehouse.guard.ast.RuleClause;
import gatehouse.guard.ast.RulesFile;
import gatehouse.guard.ast.TypeBlock;
import gatehouse.guard.ast.WhenGuardClause;
import gatehouse.core.TreeWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Prints a parsed rule file in the shape of {@code cfn-guard parse-tree} (YAML by default, or JSON), so
 * tools that read cfn-guard's parse trees read ours. The tree is first turned into plain maps, lists and
 * scalars ({@link #toTree}), then serialised.
 */
public final class ParseTreeWriter {
    private ParseTreeWriter() {}

    public static String toYaml(RulesFile file) {
        return TreeWriter.yaml(toTree(file));
    }

    public static String toJson(RulesFile file) {
        return TreeWriter.json(toTree(file));
    }

    /** The parse tree as nested {@code Map<String,Object>}, {@code List<Object>}, String, Long, Double, Boolean, null. */
    public static Object toTree(RulesFile file) {
        if (file.isEmpty()) {
            return null; // cfn-guard prints "null" for an empty or comment-only file
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("assignments", list(file.assignments(), ParseTreeWriter::let));
        m.put("guard_rules", list(file.guardRules(), ParseTreeWriter::rule));
        m.put("parameterized_rules", list(file.parameterizedRules(), ParseTreeWriter::parameterized));
        return m;
    }

    private static <T> List<Object> list(List<T> items, Function<T, Object> f) {
        List<Object> out = new ArrayList<>(items.size());
        for (T t : items) {
            out.add(f.apply(t));
        }
        return out;
    }

    private static <T> List<Object> cnf(List<List<T>> conj, Function<T, Object> f) {
        List<Object> out = new ArrayList<>(conj.size());
        for (List<T> dis : conj) {
            out.add(list(dis, f));
        }
        return out;
    }

    private static Map<String, Object> one(String k, Object v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k, v);
        return m;
    }

    private static Object let(LetExpr l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("var", l.var());
        m.put("value", letValue(l.value()));
        return m;
    }

    private static Object letValue(LetValue v) {
        return switch (v) {
            case LetValue.Literal lit -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("path", "");
                m.put("value", value(lit.value()));
                yield one("Value", m);
            }
            case LetValue.Query q -> one("AccessClause", query(q.query()));
            case LetValue.FunctionCall f -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("parameters", list(f.parameters(), ParseTreeWriter::letValue));
                m.put("name", f.name());
                m.put("location", location(f.location()));
                yield one("FunctionCall", m);
            }
        };
    }

    private static Object value(Value v) {
        return switch (v) {
            case StringValue s -> s.value();
            case IntValue i -> i.value();
            case FloatValue f -> f.value();
            case BoolValue b -> b.value();
            case NullValue x -> null;
            case ListValue l -> list(l.elements(), ParseTreeWriter::value);
            case MapValue m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.entries().forEach((k, x) -> out.put(k, value(x)));
                yield out;
            }
            case RegexValue r -> "/" + r.pattern() + "/";
            case CharValue c -> String.valueOf(c.value());
            case RangeValue r -> (r.lowerInclusive() ? "[" : "(") + bound(r.lower()) + "," + bound(r.upper())
                    + (r.upperInclusive() ? "]" : ")");
            default -> String.valueOf(v);
        };
    }

    private static String bound(Value v) {
        Object o = value(v);
        return String.valueOf(o);
    }

    private static Object query(AccessQuery q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("query", list(q.parts(), ParseTreeWriter::part));
        m.put("match_all", q.matchAll());
        return m;
    }

    private static Object part(QueryPart part) {
        return switch (part) {
            case QueryPart.This t -> "This";
            case QueryPart.Key k -> one("Key", k.name());
            case QueryPart.AllValues a -> one("AllValues", a.captureName());
            case QueryPart.AllIndices a -> one("AllIndices", a.captureName());
            case QueryPart.Index i -> one("Index", (long) i.index());
            case QueryPart.Filter f -> {
                List<Object> pair = new ArrayList<>();
                pair.add(f.captureName());
                pair.add(cnf(f.conjunctions(), ParseTreeWriter::guardClause));
                yield one("Filter", pair);
            }
            case QueryPart.MapKeyFilter f -> {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("comparator", List.of(f.clause().comparator().name(), f.clause().negated()));
                c.put("compare_with", letValue(f.clause().compareWith()));
                List<Object> pair = new ArrayList<>();
                pair.add(f.captureName());
                pair.add(c);
                yield one("MapKeyFilter", pair);
            }
        };
    }

    private static Object location(FileLocation l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("line", (long) l.line());
        m.put("column", (long) l.column());
        return m;
    }

    private static Object accessClause(AccessClause c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("query", query(c.query()));
        m.put("comparator", List.of(c.comparator().name(), c.negated()));
        m.put("compare_with", c.compareWith() == null ? null : letValue(c.compareWith()));
        m.put("custom_message", c.customMessage());
        m.put("location", location(c.location()));
        return m;
    }

    private static Object guardAccess(GuardClause.Clause c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("access_clause", accessClause(c.accessClause()));
        m.put("negation", c.negation());
        return m;
    }

    private static Object namedRule(GuardClause.NamedRule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dependent_rule", r.dependentRule());
        m.put("negation", r.negation());
        m.put("custom_message", r.customMessage());
        m.put("location", location(r.location()));
        return m;
    }

    private static Object parameterizedCall(GuardClause.ParameterizedNamedRule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("parameters", list(r.parameters(), ParseTreeWriter::letValue));
        m.put("named_rule", namedRule(r.namedRule()));
        return m;
    }

    private static Object whenClause(WhenGuardClause c) {
        return switch (c) {
            case GuardClause.Clause a -> one("Clause", guardAccess(a));
            case GuardClause.NamedRule r -> one("NamedRule", namedRule(r));
            case GuardClause.ParameterizedNamedRule r -> one("ParameterizedNamedRule", parameterizedCall(r));
        };
    }

    private static Object guardClause(GuardClause c) {
        return switch (c) {
            case GuardClause.Clause a -> one("Clause", guardAccess(a));
            case GuardClause.NamedRule r -> one("NamedRule", namedRule(r));
            case GuardClause.ParameterizedNamedRule r -> one("ParameterizedNamedRule", parameterizedCall(r));
            case GuardClause.BlockClause b -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("query", query(b.query()));
                m.put("block", block(b.block(), ParseTreeWriter::guardClause));
                m.put("location", location(b.location()));
                m.put("not_empty", b.notEmpty());
                yield one("BlockClause", m);
            }
            case GuardClause.WhenBlock w -> {
                List<Object> pair = new ArrayList<>();
                pair.add(cnf(w.conditions(), ParseTreeWriter::whenClause));
                pair.add(block(w.block(), ParseTreeWriter::guardClause));
                yield one("WhenBlock", pair);
            }
        };
    }

    private static <T> Object block(Block<T> b, Function<T, Object> f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("assignments", list(b.assignments(), ParseTreeWriter::let));
        m.put("conjunctions", cnf(b.conjunctions(), f));
        return m;
    }

    private static Object ruleClause(RuleClause c) {
        return switch (c) {
            case RuleClause.Clause g -> one("Clause", guardClause(g.clause()));
            case RuleClause.WhenBlock w -> {
                List<Object> pair = new ArrayList<>();
                pair.add(cnf(w.conditions(), ParseTreeWriter::whenClause));
                pair.add(block(w.block(), ParseTreeWriter::guardClause));
                yield one("WhenBlock", pair);
            }
            case RuleClause.TypeBlockClause t -> one("TypeBlock", typeBlock(t.typeBlock()));
        };
    }

    private static Object typeBlock(TypeBlock t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type_name", t.typeName());
        m.put("conditions", t.conditions() == null ? null : cnf(t.conditions(), ParseTreeWriter::whenClause));
        m.put("block", block(t.block(), ParseTreeWriter::guardClause));
        m.put("query", list(t.query(), ParseTreeWriter::part));
        return m;
    }

    private static Object rule(Rule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule_name", r.ruleName());
        m.put("conditions", r.conditions() == null ? null : cnf(r.conditions(), ParseTreeWriter::whenClause));
        m.put("block", block(r.block(), ParseTreeWriter::ruleClause));
        return m;
    }

    private static Object parameterized(ParameterizedRule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("parameter_names", new ArrayList<Object>(r.parameterNames()));
        m.put("rule", rule(r.rule()));
        return m;
    }
}
