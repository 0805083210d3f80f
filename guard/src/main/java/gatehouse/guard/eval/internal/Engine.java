package gatehouse.guard.eval.internal;

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
import gatehouse.guard.ast.ParameterizedRule;
import gatehouse.guard.ast.QueryPart;
import gatehouse.guard.ast.RangeValue;
import gatehouse.guard.ast.RegexValue;
import gatehouse.guard.ast.Rule;
import gatehouse.guard.ast.RuleClause;
import gatehouse.guard.ast.RulesFile;
import gatehouse.guard.ast.TypeBlock;
import gatehouse.guard.ast.WhenGuardClause;
import gatehouse.guard.eval.ClauseFailure;
import gatehouse.guard.eval.FileEvaluation;
import gatehouse.guard.eval.GuardEvaluationException;
import gatehouse.guard.eval.RuleResult;
import gatehouse.guard.eval.Status;
import gatehouse.guard.regex.GuardRegex;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One evaluation of one rule file on one document. Not thread-safe; create one per evaluation.
 *
 * <p>Semantics follow cfn-guard 3.1.1 (verified case by case against its binary):
 * <ul>
 *   <li>a clause whose query selects nothing is SKIP (EMPTY on nothing is PASS);</li>
 *   <li>a query that does not resolve makes binary comparisons and EXISTS FAIL, EMPTY PASS;</li>
 *   <li>comparisons are type-strict (int and float are not comparable);</li>
 *   <li>a list compared with {@code ==} to a single non-list value compares each element;</li>
 *   <li>a clause-level {@code not} inverts unary operators only (cfn-guard ignores it on binary ones);</li>
 *   <li>a disjunction PASSes on any PASS, FAILs if any member FAILed, else SKIPs; a conjunction FAILs on any
 *       FAIL, else PASSes on any PASS, else SKIPs;</li>
 *   <li>a rule whose {@code when} is not PASS is SKIP; a reference to a rule that is FAIL or SKIP is FAIL; a
 *       parameterized call passes SKIP through.</li>
 * </ul>
 */
public final class Engine {
    private final RulesFile file;
    private final Value root;
    private final Clock clock;
    private final Scope global;
    private final Map<String, List<Rule>> rulesByName = new LinkedHashMap<>();
    private final Map<String, ParameterizedRule> parameterized = new HashMap<>();
    private final Map<String, Status> ruleStatusCache = new HashMap<>();
    private final java.util.Set<String> evaluating = new java.util.HashSet<>();
    /** Failures of the rule currently being evaluated at top level; null while evaluating for references. */
    private List<ClauseFailure> sink;
    private String currentRule;

    private final FieldIndex.Cache indexes;
    private final Map<QueryPart.Filter, IndexedFilter> indexedFilters = new java.util.IdentityHashMap<>();

    public Engine(RulesFile file, Value root, Clock clock) {
        this(file, root, clock, new FieldIndex.Cache());
    }

    /** @param indexes filter indexes of {@code root}, shared with other files evaluated against it */
    public Engine(RulesFile file, Value root, Clock clock, FieldIndex.Cache indexes) {
        this.indexes = indexes;
        this.file = file;
        this.root = root;
        this.clock = clock;
        this.global = new Scope(null, root);
        for (LetExpr let : file.assignments()) {
            global.define(let);
        }
        for (Rule r : file.libraryRules()) {
            rulesByName.computeIfAbsent(r.ruleName(), k -> new ArrayList<>()).add(r);
        }
        for (Rule r : file.guardRules()) {
            rulesByName.computeIfAbsent(r.ruleName(), k -> new ArrayList<>()).add(r);
        }
        for (ParameterizedRule p : file.parameterizedRules()) {
            parameterized.put(p.rule().ruleName(), p);
        }
    }

    public FileEvaluation run() {
        List<RuleResult> results = new ArrayList<>();
        Status overall = Status.SKIP;
        for (Rule r : file.guardRules()) {
            List<ClauseFailure> failures = new ArrayList<>();
            sink = failures;
            currentRule = r.ruleName();
            Status s = evalRule(r);
            sink = null;
            results.add(new RuleResult(r.ruleName(), s, s == Status.FAIL ? failures : List.of()));
            overall = overall.and(s);
        }
        return new FileEvaluation(file.fileName(), overall, results);
    }

    // ------------------------------------------------------------------ scopes

    /** Query results: a resolved value, or how far a query got before it stopped. */
    sealed interface Result {}

    record Resolved(Value value) implements Result {}

    record Unresolved(Value traversedTo, String remaining, String reason) implements Result {}

    /** Variables of one block; values are computed on first use and cached. */
    final class Scope {
        final Scope parent;
        final Value thisValue;
        final Map<String, LetValue> defs = new HashMap<>();
        final Map<String, List<Result>> values = new HashMap<>();
        /** A scope made only to bind one captured key while the rest of a query is walked. */
        final boolean captureOnly;

        Scope(Scope parent, Value thisValue) {
            this(parent, thisValue, false);
        }

        Scope(Scope parent, Value thisValue, boolean captureOnly) {
            this.parent = parent;
            this.thisValue = thisValue;
            this.captureOnly = captureOnly;
        }

        /**
         * {@code Resources[ name ] { ... %name ... }}: as in cfn-guard, the keys a query captures accumulate in the
         * scope the query runs in, so the clauses after the query see every key it walked.
         */
        void accumulate(String name, Result key) {
            Scope s = this;
            while (s.captureOnly && s.parent != null) {
                s = s.parent;
            }
            if (s.defs.containsKey(name)) {
                return;
            }
            List<Result> list = s.values.get(name);
            if (!(list instanceof ArrayList<Result>)) {
                list = new ArrayList<>();
                s.values.put(name, list);
            }
            list.add(key);
        }

        void define(LetExpr let) {
            defs.put(let.var(), let.value());
            values.remove(let.var());
        }

        void bind(String name, List<Result> resolved) {
            values.put(name, resolved);
        }

        List<Result> lookup(String name, FileLocation at) {
            for (Scope s = this; s != null; s = s.parent) {
                List<Result> v = s.values.get(name);
                if (v != null) {
                    return v;
                }
                LetValue def = s.defs.get(name);
                if (def != null) {
                    List<Result> computed = letValue(def, s, at);
                    s.values.put(name, computed);
                    return computed;
                }
            }
            throw new GuardEvaluationException(at, "unknown variable %" + name,
                    "define it with 'let " + name + " = ...' in this rule or at the top of the file",
                    "There was no variable or value object to resolve. Error = `Could not resolve variable by name "
                            + name + " across scopes`");
        }
    }

    private List<Result> letValue(LetValue v, Scope scope, FileLocation at) {
        return switch (v) {
            case LetValue.Literal lit -> List.of(new Resolved(lit.value()));
            case LetValue.Query q -> {
                List<Result> r = query(q.query(), scope, at);
                if (!q.query().matchAll()) {
                    // "let x = some q": the values that resolved; the misses are dropped
                    r = r.stream().filter(x -> x instanceof Resolved).toList();
                }
                yield r;
            }
            case LetValue.FunctionCall f -> Functions.call(this, f, scope);
        };
    }

    List<Result> argument(LetValue v, Scope scope, FileLocation at) {
        return letValue(v, scope, at);
    }

    Clock clock() {
        return clock;
    }

    // ------------------------------------------------------------------ queries

    List<Result> query(AccessQuery q, Scope scope, FileLocation at) {
        List<QueryPart> parts = q.parts();
        List<Result> out = new ArrayList<>();
        if (parts.isEmpty()) {
            out.add(new Resolved(scope.thisValue));
            return out;
        }
        QueryPart first = parts.get(0);
        if (first instanceof QueryPart.Key k && k.isVariable()) {
            for (Result r : scope.lookup(k.name().substring(1), at)) {
                if (r instanceof Resolved res) {
                    walk(parts, 1, res.value(), scope, at, out);
                } else {
                    out.add(r);
                }
            }
            return out;
        }
        if (first instanceof QueryPart.This) {
            walk(parts, 1, scope.thisValue, scope, at, out);
            return out;
        }
        walk(parts, 0, scope.thisValue, scope, at, out);
        return out;
    }

    private static String remaining(List<QueryPart> parts, int from) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < parts.size(); i++) {
            QueryPart p = parts.get(i);
            String s = switch (p) {
                case QueryPart.Key k -> k.name();
                case QueryPart.This t -> "this";
                case QueryPart.AllValues a -> "*";
                case QueryPart.AllIndices a -> "[*]";
                case QueryPart.Index ix -> String.valueOf(ix.index());
                case QueryPart.Filter f -> "[filter]";
                case QueryPart.MapKeyFilter f -> "[keys]";
            };
            if (sb.length() > 0 && !(p instanceof QueryPart.AllIndices) && !(p instanceof QueryPart.Filter)
                    && !(p instanceof QueryPart.MapKeyFilter)) {
                sb.append('.');
            }
            sb.append(s);
        }
        return sb.toString();
    }

    private void walk(List<QueryPart> parts, int i, Value v, Scope scope, FileLocation at, List<Result> out) {
        if (i >= parts.size()) {
            out.add(new Resolved(v));
            return;
        }
        QueryPart part = parts.get(i);
        switch (part) {
            case QueryPart.This t -> walk(parts, i + 1, v, scope, at, out);
            case QueryPart.Key k -> {
                if (k.isVariable()) {
                    for (Result r : scope.lookup(k.name().substring(1), at)) {
                        if (!(r instanceof Resolved res)) {
                            out.add(r);
                            continue;
                        }
                        List<String> keys = new ArrayList<>();
                        if (res.value() instanceof StringValue s) {
                            keys.add(s.value());
                        } else if (res.value() instanceof ListValue l) {
                            for (Value e : l.elements()) {
                                if (e instanceof StringValue s) {
                                    keys.add(s.value());
                                }
                            }
                        } else {
                            out.add(new Unresolved(v, remaining(parts, i), "Variable " + k.name()
                                    + " used as a key does not hold a string"));
                            continue;
                        }
                        for (String key : keys) {
                            key(parts, i, v, key, scope, at, out);
                        }
                    }
                } else {
                    key(parts, i, v, k.name(), scope, at, out);
                }
            }
            case QueryPart.Index ix -> {
                if (v instanceof ListValue l) {
                    int idx = ix.index() < 0 ? l.size() + ix.index() : ix.index();
                    if (idx >= 0 && idx < l.size()) {
                        walk(parts, i + 1, l.get(idx), scope, at, out);
                    } else {
                        out.add(new Unresolved(v, remaining(parts, i), "Array Index out of bounds for path = "
                                + v.path() + " on index = " + ix.index() + " inside Array = " + l.size()));
                    }
                } else {
                    out.add(new Unresolved(v, remaining(parts, i), "Attempting to retrieve array index or key from map at path = "
                            + v.path() + " , Type was not an array/object map, Remaining Query = " + remaining(parts, i)));
                }
            }
            case QueryPart.AllIndices a -> {
                if (v instanceof ListValue l) {
                    eachElement(parts, i, l, scope, at, out);
                } else {
                    walk(parts, i + 1, v, scope, at, out);
                }
            }
            case QueryPart.AllValues a -> {
                if (a.captureName() == null && i + 1 < parts.size() && parts.get(i + 1) instanceof QueryPart.Filter f
                        && (v instanceof MapValue || v instanceof ListValue)
                        && indexedFilter(parts, i + 2, f, v, scope, at, out, true)) {
                    return;
                }
                if (v instanceof MapValue m) {
                    if (m.isEmpty()) {
                        out.add(new Unresolved(v, remaining(parts, i), "Map at path " + v.path() + " is empty"));
                    }
                    for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                        Scope s = scope;
                        if (a.captureName() != null) {
                            Result key = new Resolved(new StringValue(e.getValue().path(),
                                    m.keyPosition(e.getKey()), e.getKey()));
                            scope.accumulate(a.captureName(), key);
                            s = new Scope(scope, scope.thisValue, true);
                            s.bind(a.captureName(), List.of(key));
                        }
                        walk(parts, i + 1, e.getValue(), s, at, out);
                    }
                } else if (v instanceof ListValue l) {
                    eachElement(parts, i, l, scope, at, out);
                } else {
                    walk(parts, i + 1, v, scope, at, out);
                }
            }
            case QueryPart.Filter f -> {
                boolean afterWildcard = i > 0 && (parts.get(i - 1) instanceof QueryPart.AllValues
                        || parts.get(i - 1) instanceof QueryPart.AllIndices);
                if (v instanceof ListValue l) {
                    for (Value e : l.elements()) {
                        filterOne(parts, i, f, e, scope, at, out);
                    }
                } else if (v instanceof MapValue m && !afterWildcard) {
                    // "Resources[ Type == 'X' ]": without a wildcard before it, a filter on a map selects among its values
                    if (indexedFilter(parts, i + 1, f, m, scope, at, out, false)) {
                        return;
                    }
                    for (Value e : m.entries().values()) {
                        filterOne(parts, i, f, e, scope, at, out);
                    }
                } else {
                    filterOne(parts, i, f, v, scope, at, out);
                }
            }
            case QueryPart.MapKeyFilter f -> {
                if (!(v instanceof MapValue m)) {
                    out.add(new Unresolved(v, remaining(parts, i), "Map key filter on a value that is not a map at path "
                            + v.path()));
                    return;
                }
                List<Result> rhs = letValue(f.clause().compareWith(), scope, at);
                for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                    Value key = new StringValue(e.getValue().path(), m.keyPosition(e.getKey()), e.getKey());
                    boolean match = keyMatches(key, rhs, f.clause().comparator(), f.clause().negated(), at);
                    if (match) {
                        Scope s = scope;
                        if (f.captureName() != null) {
                            // unlike [ name ], [ name | keys ... ] binds only while the query walks (as cfn-guard)
                            s = new Scope(scope, scope.thisValue, true);
                            s.bind(f.captureName(), List.of(new Resolved(key)));
                        }
                        walk(parts, i + 1, e.getValue(), s, at, out);
                    }
                }
            }
        }
    }

    /**
     * {@code [ keys OP rhs ]}, with cfn-guard's semantics: a key is selected when it compares true against any one
     * of the right-hand values taken alone, so {@code keys == %q} over a query's values means "equals one of them"
     * and {@code keys not in %q} "differs from one of them"; a key never equals (nor differs from) a list or map.
     */
    private boolean keyMatches(Value key, List<Result> rhs, CmpOperator op, boolean negated, FileLocation at) {
        for (Result r : rhs) {
            if (!(r instanceof Resolved res)) {
                continue;
            }
            if (op == CmpOperator.Eq && (res.value() instanceof ListValue || res.value() instanceof MapValue)) {
                continue;
            }
            if (compare(key, List.of(r), op, negated, at) == Status.PASS) {
                return true;
            }
        }
        return false;
    }

    /** {@code [*]} or {@code *} on a list: the rest of the query on every element; an empty list is unresolved. */
    private void eachElement(List<QueryPart> parts, int i, ListValue l, Scope scope, FileLocation at, List<Result> out) {
        if (l.size() == 0) {
            out.add(new Unresolved(l, remaining(parts, i), "Array at path " + l.path() + " is empty"));
        }
        for (Value e : l.elements()) {
            walk(parts, i + 1, e, scope, at, out);
        }
    }

    /** A filter {@code [ a.b == 'lit' ]} or {@code [ a.b == %var ]} that a {@link FieldIndex} can answer. */
    private record IndexedFilter(List<String> path, LetValue rhs) {
        static final IndexedFilter NONE = new IndexedFilter(List.of(), null);
    }

    private IndexedFilter indexable(QueryPart.Filter f) {
        return indexedFilters.computeIfAbsent(f, x -> {
            if (f.captureName() != null || f.conjunctions().size() != 1 || f.conjunctions().get(0).size() != 1
                    || !(f.conjunctions().get(0).get(0) instanceof GuardClause.Clause c) || c.negation()) {
                return IndexedFilter.NONE;
            }
            AccessClause ac = c.accessClause();
            if (ac.comparator() != CmpOperator.Eq || ac.negated() || ac.query().parts().isEmpty()) {
                return IndexedFilter.NONE;
            }
            List<String> path = new ArrayList<>();
            for (QueryPart p : ac.query().parts()) {
                if (!(p instanceof QueryPart.Key k) || k.isVariable()) {
                    return IndexedFilter.NONE;
                }
                path.add(k.name());
            }
            boolean constant = switch (ac.compareWith()) {
                case LetValue.Literal l -> l.value() instanceof StringValue;
                case LetValue.Query q -> q.query().parts().size() == 1
                        && q.query().parts().get(0) instanceof QueryPart.Key k && k.isVariable();
                case LetValue.FunctionCall fc -> false;
            };
            return constant ? new IndexedFilter(List.copyOf(path), ac.compareWith()) : IndexedFilter.NONE;
        });
    }

    /**
     * Applies filter {@code f} to the members of {@code container} through a {@link FieldIndex}, continuing
     * with part {@code next} on each selected member, in document order. Members the index cannot classify
     * take the general path: {@code walk} from the filter when {@code afterWildcard} (as the wildcard would),
     * else {@code filterOne}. Returns false, having done nothing, when the index does not apply.
     */
    private boolean indexedFilter(List<QueryPart> parts, int next, QueryPart.Filter f, Value container, Scope scope,
                                  FileLocation at, List<Result> out, boolean afterWildcard) {
        int size = container instanceof MapValue m ? m.size() : ((ListValue) container).size();
        if (size < FieldIndex.MIN_SIZE) {
            return false;
        }
        IndexedFilter idx = indexable(f);
        if (idx == IndexedFilter.NONE) {
            return false;
        }
        String wanted;
        if (idx.rhs() instanceof LetValue.Literal l) {
            wanted = ((StringValue) l.value()).value();
        } else {
            List<Result> r;
            try {
                r = letValue(idx.rhs(), scope, at);
            } catch (GuardEvaluationException e) {
                return false; // the general path reports it
            }
            if (r.size() != 1 || !(r.get(0) instanceof Resolved res) || !(res.value() instanceof StringValue sv)) {
                return false;
            }
            wanted = sv.value();
        }
        FieldIndex index = indexes.of(container, idx.path());
        if (!index.anyOpaque) {
            for (int p : index.positionsOf(wanted)) {
                walk(parts, next, index.members[p], scope, at, out);
            }
            return true;
        }
        for (int p = 0; p < index.members.length; p++) {
            Value member = index.members[p];
            String k = index.keys[p];
            if (k == null) {
                if (afterWildcard) {
                    walk(parts, next - 1, member, scope, at, out);
                } else {
                    filterOne(parts, next - 1, f, member, scope, at, out);
                }
            } else if (k.equals(wanted)) {
                walk(parts, next, member, scope, at, out);
            }
        }
        return true;
    }

    private void filterOne(List<QueryPart> parts, int i, QueryPart.Filter f, Value candidate, Scope scope,
                           FileLocation at, List<Result> out) {
        Scope s = new Scope(scope, candidate);
        if (f.captureName() != null) {
            s.bind(f.captureName(), List.of(new Resolved(candidate)));
        }
        List<ClauseFailure> saved = sink;
        sink = null; // a filter's failures are selection, not findings
        Status st;
        try {
            st = conjunction(f.conjunctions(), c -> guardClause(c, s));
        } finally {
            sink = saved;
        }
        if (st == Status.PASS) {
            walk(parts, i + 1, candidate, scope, at, out);
        }
    }

    private void key(List<QueryPart> parts, int i, Value v, String key, Scope scope, FileLocation at, List<Result> out) {
        if (v instanceof MapValue m) {
            Value child = m.get(key);
            if (child == null) {
                child = KeyCase.fallback(m, key);
            }
            if (child != null) {
                walk(parts, i + 1, child, scope, at, out);
            } else {
                out.add(new Unresolved(v, remaining(parts, i),
                        "Could not find key " + key + " inside struct at path " + v.path()));
            }
        } else if (v instanceof ListValue l && isInt(key)) {
            int idx = Integer.parseInt(key);
            idx = idx < 0 ? l.size() + idx : idx;
            if (idx >= 0 && idx < l.size()) {
                walk(parts, i + 1, l.get(idx), scope, at, out);
            } else {
                out.add(new Unresolved(v, remaining(parts, i), "Array Index out of bounds at path " + v.path()));
            }
        } else {
            out.add(new Unresolved(v, remaining(parts, i), "Attempting to retrieve from key " + key
                    + " but type is not an struct type at path " + v.path() + ", Type = " + v.kindName()));
        }
    }

    private static boolean isInt(String s) {
        int n = s.length();
        int start = n > 0 && s.charAt(0) == '-' ? 1 : 0;
        if (n - start < 1 || n - start > 9) {
            return false;
        }
        for (int j = start; j < n; j++) {
            if (s.charAt(j) < '0' || s.charAt(j) > '9') {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ combinators

    interface ClauseEval<T> {
        Status eval(T clause);
    }

    /** CNF: a disjunction PASSes on any PASS, FAILs if a member FAILed, else SKIPs; FAIL wins across them. */
    <T> Status conjunction(List<List<T>> conj, ClauseEval<T> eval) {
        boolean anyPass = false;
        boolean anyFail = false;
        for (List<T> dis : conj) {
            Status d = disjunction(dis, eval);
            if (d == Status.FAIL) {
                anyFail = true;
            } else if (d == Status.PASS) {
                anyPass = true;
            }
        }
        return anyFail ? Status.FAIL : anyPass ? Status.PASS : Status.SKIP;
    }

    private <T> Status disjunction(List<T> dis, ClauseEval<T> eval) {
        if (dis.size() == 1) {
            return eval.eval(dis.get(0));
        }
        // failures of members are only findings when the whole disjunction fails
        List<ClauseFailure> saved = sink;
        List<ClauseFailure> local = saved == null ? null : new ArrayList<>();
        sink = local;
        boolean anyFail = false;
        try {
            for (T c : dis) {
                Status s = eval.eval(c);
                if (s == Status.PASS) {
                    return Status.PASS;
                }
                if (s == Status.FAIL) {
                    anyFail = true;
                }
            }
        } finally {
            sink = saved;
        }
        if (anyFail && saved != null) {
            saved.addAll(local);
        }
        return anyFail ? Status.FAIL : Status.SKIP;
    }

    // ------------------------------------------------------------------ rules

    private Status evalRule(Rule r) {
        Scope scope = new Scope(global, root);
        if (r.conditions() != null) {
            Status cond = silently(() -> conjunction(r.conditions(), c -> whenClause(c, scope)));
            if (cond != Status.PASS) {
                return Status.SKIP;
            }
        }
        return ruleBlock(r.block(), scope);
    }

    private Status ruleBlock(Block<RuleClause> block, Scope parent) {
        Scope scope = new Scope(parent, parent.thisValue);
        for (LetExpr let : block.assignments()) {
            scope.define(let);
        }
        return conjunction(block.conjunctions(), c -> ruleClause(c, scope));
    }

    private Status ruleClause(RuleClause c, Scope scope) {
        return switch (c) {
            case RuleClause.Clause g -> guardClause(g.clause(), scope);
            case RuleClause.WhenBlock w -> whenBlock(w.conditions(), w.block(), scope);
            case RuleClause.TypeBlockClause t -> typeBlock(t.typeBlock(), scope);
        };
    }

    private Status silently(java.util.function.Supplier<Status> s) {
        List<ClauseFailure> saved = sink;
        sink = null;
        try {
            return s.get();
        } finally {
            sink = saved;
        }
    }

    private Status whenBlock(List<List<WhenGuardClause>> conditions, Block<GuardClause> block, Scope scope) {
        Status cond = silently(() -> conjunction(conditions, c -> whenClause(c, scope)));
        if (cond != Status.PASS) {
            return Status.SKIP;
        }
        return block(block, scope, scope.thisValue);
    }

    private Status block(Block<GuardClause> block, Scope parent, Value thisValue) {
        Scope scope = new Scope(parent, thisValue);
        for (LetExpr let : block.assignments()) {
            scope.define(let);
        }
        return conjunction(block.conjunctions(), c -> guardClause(c, scope));
    }

    private Status typeBlock(TypeBlock t, Scope scope) {
        FileLocation at = t.location();
        List<Result> selected = query(new AccessQuery(t.query(), true), scope, at);
        if (selected.isEmpty()) {
            return Status.SKIP;
        }
        boolean anyPass = false;
        boolean anyFail = false;
        for (Result r : selected) {
            if (!(r instanceof Resolved res)) {
                continue;
            }
            Scope s = new Scope(scope, res.value());
            if (t.conditions() != null) {
                Status cond = silently(() -> conjunction(t.conditions(), c -> whenClause(c, s)));
                if (cond != Status.PASS) {
                    continue;
                }
            }
            Status st = block(t.block(), s, res.value());
            anyPass |= st == Status.PASS;
            anyFail |= st == Status.FAIL;
        }
        return anyFail ? Status.FAIL : anyPass ? Status.PASS : Status.SKIP;
    }

    private Status whenClause(WhenGuardClause c, Scope scope) {
        return guardClause((GuardClause) c, scope);
    }

    Status guardClause(GuardClause c, Scope scope) {
        return switch (c) {
            case GuardClause.Clause a -> accessClause(a.accessClause(), a.negation(), scope);
            case GuardClause.NamedRule r -> namedRule(r);
            case GuardClause.ParameterizedNamedRule p -> parameterizedCall(p, scope);
            case GuardClause.BlockClause b -> blockClause(b, scope);
            case GuardClause.WhenBlock w -> whenBlock(w.conditions(), w.block(), scope);
        };
    }

    private Status blockClause(GuardClause.BlockClause b, Scope scope) {
        List<Result> values = query(b.query(), scope, b.location());
        if (values.isEmpty()) {
            if (b.notEmpty()) {
                fail(new ClauseFailure(currentRule, b.location(), ClauseFailure.Kind.EMPTY_BLOCK, null, false, null, null,
                        scope.thisValue, null, "the query selected nothing, and the block requires values (!empty)", null));
                return Status.FAIL;
            }
            return Status.SKIP;
        }
        boolean anyPass = false;
        boolean anyFail = false;
        for (Result r : values) {
            Status st;
            if (r instanceof Unresolved u) {
                fail(new ClauseFailure(currentRule, b.location(), ClauseFailure.Kind.MISSING_PROPERTY, null, false, null,
                        null, u.traversedTo(), u.remaining(), u.reason(), null));
                st = Status.FAIL;
            } else {
                st = block(b.block(), scope, ((Resolved) r).value());
            }
            anyPass |= st == Status.PASS;
            anyFail |= st == Status.FAIL;
        }
        if (!b.query().matchAll()) {
            return anyPass ? Status.PASS : anyFail ? Status.FAIL : Status.SKIP;
        }
        return anyFail ? Status.FAIL : anyPass ? Status.PASS : Status.SKIP;
    }

    private Status namedRule(GuardClause.NamedRule r) {
        Status s = ruleStatus(r.dependentRule(), r.location());
        boolean pass = s == Status.PASS;
        Status out = (pass ^ r.negation()) ? Status.PASS : Status.FAIL;
        if (out == Status.FAIL) {
            fail(new ClauseFailure(currentRule, r.location(), ClauseFailure.Kind.RULE_REFERENCE, null, r.negation(), null,
                    null, null, null, "rule " + r.dependentRule() + " is " + s + (r.negation() ? " (expected not PASS)" : ""),
                    r.customMessage()));
        }
        return out;
    }

    /** The status of a named rule (first non-SKIP of the blocks with that name), evaluated once. */
    private Status ruleStatus(String name, FileLocation at) {
        Status cached = ruleStatusCache.get(name);
        if (cached != null) {
            return cached;
        }
        List<Rule> rules = rulesByName.get(name);
        if (rules == null) {
            throw new GuardEvaluationException(at, "unknown rule " + name, "is it defined in this rule file?",
                    "Could not find rule by name " + name);
        }
        if (!evaluating.add(name)) {
            throw new GuardEvaluationException(at, "rule " + name + " refers to itself", null,
                    "Cyclic dependency on rule " + name);
        }
        Status result = Status.SKIP;
        List<ClauseFailure> saved = sink;
        String savedRule = currentRule;
        sink = null;
        try {
            for (Rule r : rules) {
                currentRule = r.ruleName();
                Status s = evalRule(r);
                if (s != Status.SKIP) {
                    result = s;
                    break;
                }
            }
        } finally {
            sink = saved;
            currentRule = savedRule;
            evaluating.remove(name);
        }
        ruleStatusCache.put(name, result);
        return result;
    }

    private Status parameterizedCall(GuardClause.ParameterizedNamedRule call, Scope scope) {
        GuardClause.NamedRule nr = call.namedRule();
        ParameterizedRule pr = parameterized.get(nr.dependentRule());
        if (pr == null) {
            throw new GuardEvaluationException(nr.location(), "unknown parameterized rule " + nr.dependentRule(),
                    "declare it with 'rule " + nr.dependentRule() + "(...) { ... }'",
                    "Parameterized Rule with name " + nr.dependentRule() + " was not found");
        }
        if (pr.parameterNames().size() != call.parameters().size()) {
            throw new GuardEvaluationException(nr.location(), "rule " + nr.dependentRule() + " takes "
                    + pr.parameterNames().size() + " arguments, got " + call.parameters().size(), null,
                    "Types or variable assignments are incompatible `Arity mismatch for called parameter rule "
                            + nr.dependentRule() + ", expected " + pr.parameterNames().size() + ", got "
                            + call.parameters().size() + "`");
        }
        // cfn-guard scopes a parameterized rule's body inside its caller: variables the body does not define
        // (including the caller's own parameters) resolve through the caller's scopes
        Scope callee = new Scope(scope, scope.thisValue);
        for (int i = 0; i < call.parameters().size(); i++) {
            callee.bind(pr.parameterNames().get(i), argument(call.parameters().get(i), scope, nr.location()));
        }
        Rule r = pr.rule();
        List<ClauseFailure> saved = sink;
        List<ClauseFailure> local = saved == null ? null : new ArrayList<>();
        sink = local;
        Status s;
        try {
            s = ruleBlock(r.block(), callee);
        } finally {
            sink = saved;
        }
        if (s == Status.SKIP) {
            return Status.SKIP;
        }
        boolean pass = s == Status.PASS;
        Status out = (pass ^ nr.negation()) ? Status.PASS : Status.FAIL;
        if (out == Status.FAIL && saved != null) {
            if (local.isEmpty() || nr.negation()) {
                fail(new ClauseFailure(currentRule, nr.location(), ClauseFailure.Kind.RULE_REFERENCE, null, nr.negation(),
                        null, null, null, null, "rule " + nr.dependentRule() + "(...) is " + s, nr.customMessage()));
            } else {
                for (ClauseFailure f : local) {
                    saved.add(new ClauseFailure(currentRule, f.location(), f.kind(), f.operator(), f.negated(), f.actual(),
                            f.expected(), f.traversedTo(), f.remainingQuery(), f.reason(),
                            f.customMessage() != null ? f.customMessage() : nr.customMessage()));
                }
            }
        }
        return out;
    }

    private void fail(ClauseFailure f) {
        if (sink != null) {
            if (file.interpolateMessages() && f.customMessage() != null && f.customMessage().contains("{{")) {
                f = new ClauseFailure(f.rule(), f.location(), f.kind(), f.operator(), f.negated(), f.actual(),
                        f.expected(), f.traversedTo(), f.remainingQuery(), f.reason(),
                        interpolate(f.customMessage(), f));
            }
            sink.add(f);
        }
    }

    /** The scope of the clause being evaluated, for {@code {{ %var }}} in its custom message. */
    private Scope clauseScope;

    /**
     * Fills a Gatehouse custom message's placeholders: {@code {{ %var }}} with the variable's values as seen by
     * the failing clause (comma-separated), {@code {{ value }}} with the offending value, {@code {{ path }}} with
     * its path. A variable that cannot be resolved there is left as written.
     */
    private String interpolate(String msg, ClauseFailure f) {
        StringBuilder out = new StringBuilder(msg.length() + 32);
        int i = 0;
        while (true) {
            int open = msg.indexOf("{{", i);
            int close = open < 0 ? -1 : msg.indexOf("}}", open + 2);
            if (close < 0) {
                out.append(msg, i, msg.length());
                return out.toString();
            }
            out.append(msg, i, open);
            String inner = msg.substring(open + 2, close).strip();
            Value at = f.actual() != null ? f.actual() : f.traversedTo();
            String text;
            if (inner.equals("value")) {
                text = at == null ? "" : render(at);
            } else if (inner.equals("path")) {
                text = at == null ? "" : at.path();
            } else if (inner.startsWith("%")) {
                text = variableText(inner.substring(1));
            } else {
                text = null; // not ours, e.g. CloudFormation's {{resolve:...}}: verbatim
            }
            out.append(text == null ? msg.substring(open, close + 2) : text);
            i = close + 2;
        }
    }

    private String variableText(String name) {
        if (clauseScope == null) {
            return null;
        }
        try {
            List<Result> values = clauseScope.lookup(name, null);
            StringBuilder sb = new StringBuilder();
            for (Result r : values) {
                if (r instanceof Resolved res) {
                    if (!sb.isEmpty()) {
                        sb.append(", ");
                    }
                    sb.append(render(res.value()));
                }
            }
            return sb.toString();
        } catch (RuntimeException unknown) {
            return null;
        }
    }

    private static String render(Value v) {
        return switch (v) {
            case StringValue s -> s.value();
            case ListValue l -> {
                StringBuilder sb = new StringBuilder("[");
                for (Value e : l.elements()) {
                    sb.append(sb.length() > 1 ? ", " : "").append(render(e));
                }
                yield sb.append(']').toString();
            }
            case MapValue m -> "{" + String.join(", ", m.entries().keySet()) + "}";
            case NullValue n -> "null";
            case BoolValue b -> String.valueOf(b.value());
            case IntValue i -> String.valueOf(i.value());
            case FloatValue fl -> String.valueOf(fl.value());
            default -> v.toString();
        };
    }

    // ------------------------------------------------------------------ clauses

    private Status accessClause(AccessClause c, boolean clauseNegation, Scope scope) {
        Scope saved = clauseScope;
        clauseScope = scope;
        try {
            return accessClauseIn(c, clauseNegation, scope);
        } finally {
            clauseScope = saved;
        }
    }

    private Status accessClauseIn(AccessClause c, boolean clauseNegation, Scope scope) {
        FileLocation at = c.location();
        List<Result> lhs = query(c.query(), scope, at);
        CmpOperator op = c.comparator();
        boolean matchAll = c.query().matchAll();
        if (op.isUnary()) {
            boolean neg = c.negated() ^ clauseNegation; // cfn-guard applies a clause-level 'not' to unary operators only
            return unary(c, op, neg, lhs, matchAll);
        }
        if (lhs.isEmpty()) {
            return Status.SKIP;
        }
        List<Result> rhsResults = letValue(c.compareWith(), scope, at);
        List<Value> rhs = new ArrayList<>(rhsResults.size());
        for (Result r : rhsResults) {
            if (r instanceof Resolved res) {
                rhs.add(res.value());
            }
        }
        if (rhs.isEmpty()) {
            return Status.SKIP;
        }
        boolean anyPass = false;
        boolean anyFail = false;
        List<ClauseFailure> pending = new ArrayList<>();
        if (!matchAll && op == CmpOperator.Eq && rhs.size() == 1 && !(rhs.get(0) instanceof ListValue)) {
            // "some L == v" on a list L: each element is a candidate of its own
            List<Result> flat = new ArrayList<>();
            for (Result r : lhs) {
                if (r instanceof Resolved res && res.value() instanceof ListValue l) {
                    l.elements().forEach(e -> flat.add(new Resolved(e)));
                } else {
                    flat.add(r);
                }
            }
            lhs = flat;
        }
        for (Result r : lhs) {
            Status st;
            if (r instanceof Unresolved u) {
                st = Status.FAIL;
                pending.add(new ClauseFailure(currentRule, at, ClauseFailure.Kind.MISSING_PROPERTY, op, c.negated(), null,
                        rhs.get(0), u.traversedTo(), u.remaining(), u.reason(), c.customMessage()));
            } else {
                Value lv = ((Resolved) r).value();
                st = compare(lv, rhsResults, op, c.negated(), at);
                if (st == Status.FAIL) {
                    pending.add(new ClauseFailure(currentRule, at, ClauseFailure.Kind.COMPARISON, op, c.negated(), lv,
                            rhs.size() == 1 ? rhs.get(0) : new ListValue("", Position.NONE, rhs), null, null,
                            describe(lv, op, c.negated(), rhs), c.customMessage()));
                }
            }
            anyPass |= st == Status.PASS;
            anyFail |= st == Status.FAIL;
        }
        Status result = matchAll ? (anyFail ? Status.FAIL : Status.PASS) : (anyPass ? Status.PASS : Status.FAIL);
        if (result == Status.FAIL) {
            pending.forEach(this::fail);
        }
        return result;
    }

    private Status unary(AccessClause c, CmpOperator op, boolean neg, List<Result> lhs, boolean matchAll) {
        FileLocation at = c.location();
        if (lhs.isEmpty()) {
            if (op == CmpOperator.Empty) {
                Status st = neg ? Status.FAIL : Status.PASS;
                if (st == Status.FAIL) {
                    fail(new ClauseFailure(currentRule, at, ClauseFailure.Kind.UNARY, op, neg, null, null, null, null,
                            "the query selected nothing, but a value was required (!empty)", c.customMessage()));
                }
                return st;
            }
            return Status.SKIP;
        }
        boolean anyPass = false;
        boolean anyFail = false;
        List<ClauseFailure> pending = new ArrayList<>();
        for (Result r : lhs) {
            boolean holds;
            if (r instanceof Unresolved u) {
                holds = op == CmpOperator.Empty; // a missing value is empty and does not exist
                if (holds == neg) {
                    pending.add(new ClauseFailure(currentRule, at, ClauseFailure.Kind.MISSING_PROPERTY, op, neg, null,
                            null, u.traversedTo(), u.remaining(), u.reason(), c.customMessage()));
                }
            } else {
                Value v = ((Resolved) r).value();
                holds = switch (op) {
                    case Exists -> true;
                    case Empty -> isEmpty(v, at);
                    case IsString -> v instanceof StringValue;
                    case IsList -> v instanceof ListValue;
                    case IsMap -> v instanceof MapValue;
                    case IsBool -> v instanceof BoolValue;
                    case IsInt -> v instanceof IntValue;
                    case IsFloat -> v instanceof FloatValue;
                    case IsNull -> v instanceof NullValue;
                    default -> throw new IllegalStateException(op.name());
                };
                if (holds == neg) {
                    pending.add(new ClauseFailure(currentRule, at, ClauseFailure.Kind.UNARY, op, neg, v, null, null, null,
                            "value at " + v.path() + " is " + (neg ? "" : "not ") + unaryWord(op), c.customMessage()));
                }
            }
            boolean pass = holds != neg;
            anyPass |= pass;
            anyFail |= !pass;
        }
        Status result = matchAll ? (anyFail ? Status.FAIL : Status.PASS) : (anyPass ? Status.PASS : Status.FAIL);
        if (result == Status.FAIL) {
            pending.forEach(this::fail);
        }
        return result;
    }

    private static String unaryWord(CmpOperator op) {
        return switch (op) {
            case Exists -> "present";
            case Empty -> "empty";
            case IsString -> "a string";
            case IsList -> "a list";
            case IsMap -> "a struct";
            case IsBool -> "a bool";
            case IsInt -> "an int";
            case IsFloat -> "a float";
            case IsNull -> "null";
            default -> op.name();
        };
    }

    private static boolean isEmpty(Value v, FileLocation at) {
        return switch (v) {
            case ListValue l -> l.size() == 0;
            case MapValue m -> m.isEmpty();
            case StringValue s -> s.value().isEmpty();
            case NullValue n -> true;
            default -> throw new GuardEvaluationException(at, "EMPTY cannot test a " + v.kindName() + " value (at "
                    + v.path() + ")", "use 'exists' or compare the value",
                    "Types or variable assignments are incompatible `Attempting EMPTY operation on type " + v.kindName()
                            + " that does not support it at " + v.path() + "`");
        };
    }

    private static String describe(Value lv, CmpOperator op, boolean neg, List<Value> rhs) {
        String opText = switch (op) {
            case Eq -> neg ? "not equal to" : "equal to";
            case In -> neg ? "not in" : "in";
            case Gt -> "greater than";
            case Ge -> "greater than or equal to";
            case Lt -> "less than";
            case Le -> "less than or equal to";
            default -> op.name();
        };
        return "value at " + lv.path() + " is not " + opText + " the expected value";
    }

    // ------------------------------------------------------------------ comparisons

    /** Compares one LHS value with the RHS values; the result includes the operator's negation. */
    Status compare(Value lv, List<Result> rhsResults, CmpOperator op, boolean neg, FileLocation at) {
        List<Value> rhs = new ArrayList<>(rhsResults.size());
        for (Result r : rhsResults) {
            if (r instanceof Resolved res) {
                rhs.add(res.value());
            }
        }
        if (rhs.isEmpty()) {
            return Status.SKIP;
        }
        boolean holds;
        switch (op) {
            case Eq -> {
                Value r = rhs.size() == 1 ? rhs.get(0) : new ListValue("", Position.NONE, rhs);
                if (lv instanceof ListValue l && !(r instanceof ListValue)) {
                    // a list against a single value: every element must compare (each element negated on !=)
                    for (Value e : l.elements()) {
                        Boolean c = eqCmp(e, r, at);
                        if (c == null || c == neg) {
                            return Status.FAIL;
                        }
                    }
                    return Status.PASS;
                }
                Boolean c = eqCmp(lv, r, at);
                if (c == null) {
                    return Status.FAIL; // not comparable: fails both == and !=
                }
                holds = c;
            }
            case In -> {
                if (rhs.size() == 1) {
                    holds = in(lv, rhs.get(0), at);
                } else {
                    holds = inValues(lv, rhs, at);
                }
            }
            case Gt, Ge, Lt, Le -> {
                if (lv instanceof ListValue l) {
                    for (Value e : l.elements()) {
                        for (Value r : rhs) {
                            if (!ordered(e, r, op)) {
                                return neg ? Status.PASS : Status.FAIL;
                            }
                        }
                    }
                    return neg ? Status.FAIL : Status.PASS;
                }
                holds = true;
                for (Value r : rhs) {
                    holds &= ordered(lv, r, op);
                }
            }
            default -> throw new IllegalStateException(op.name());
        }
        return holds != neg ? Status.PASS : Status.FAIL;
    }

    private boolean inValues(Value lv, List<Value> rhs, FileLocation at) {
        if (lv instanceof ListValue l) {
            for (Value e : l.elements()) {
                if (!inValues(e, rhs, at)) {
                    return false;
                }
            }
            return true;
        }
        for (Value r : rhs) {
            if (eq(lv, r, at)) {
                return true;
            }
        }
        return false;
    }

    private boolean in(Value lv, Value r, FileLocation at) {
        if (r instanceof ListValue rl) {
            if (lv instanceof ListValue l) {
                if (l.size() == 0) {
                    return false;
                }
                for (Value e : l.elements()) {
                    if (!memberOf(e, rl, at)) {
                        return false;
                    }
                }
                return true;
            }
            return memberOf(lv, rl, at);
        }
        if (r instanceof StringValue rs && lv instanceof StringValue ls) {
            return rs.value().contains(ls.value());
        }
        if (r instanceof RangeValue range) {
            return inRange(lv, range);
        }
        if (lv instanceof ListValue) {
            return false;
        }
        return eq(lv, r, at);
    }

    private boolean memberOf(Value v, ListValue list, FileLocation at) {
        for (Value e : list.elements()) {
            if (eq(v, e, at)) {
                return true;
            }
        }
        return false;
    }

    /** Type-strict equality; regexes match strings, ranges contain values, a one-element list equals its element. */
    boolean eq(Value a, Value b, FileLocation at) {
        return eqCmp(a, b, at) == Boolean.TRUE;
    }

    /**
     * Equality with cfn-guard's notion of comparability: TRUE or FALSE for comparable values, null when the
     * types cannot be compared (then both {@code ==} and {@code !=} fail).
     */
    Boolean eqCmp(Value a, Value b, FileLocation at) {
        if (b instanceof RegexValue re) {
            return a instanceof StringValue s ? matches(re, s, at) : null;
        }
        if (a instanceof RegexValue re) {
            return b instanceof StringValue s ? matches(re, s, at) : null;
        }
        if (b instanceof RangeValue range) {
            return inRangeCmp(a, range);
        }
        if (b instanceof ListValue bl && !(a instanceof ListValue)) {
            return bl.size() == 1 ? eqCmp(a, bl.get(0), at) : Boolean.FALSE;
        }
        return switch (a) {
            case StringValue s -> b instanceof StringValue t ? s.value().equals(t.value()) : null;
            case IntValue i -> b instanceof IntValue j ? i.value() == j.value() : null;
            case FloatValue f -> b instanceof FloatValue g ? f.value() == g.value() : null;
            case BoolValue x -> b instanceof BoolValue y ? x.value() == y.value() : null;
            case NullValue x -> b instanceof NullValue ? Boolean.TRUE : null;
            case CharValue c -> b instanceof CharValue d ? c.value() == d.value() : null;
            case ListValue l -> {
                if (!(b instanceof ListValue m)) {
                    yield null;
                }
                if (l.size() != m.size()) {
                    yield false;
                }
                for (int i = 0; i < l.size(); i++) {
                    if (!eq(l.get(i), m.get(i), at)) {
                        yield false;
                    }
                }
                yield true;
            }
            case MapValue m -> {
                if (!(b instanceof MapValue n)) {
                    yield null;
                }
                if (m.size() != n.size()) {
                    yield false;
                }
                for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                    Value o = n.get(e.getKey());
                    if (o == null || !eq(e.getValue(), o, at)) {
                        yield false;
                    }
                }
                yield true;
            }
            default -> a.equals(b);
        };
    }

    private static boolean inRange(Value v, RangeValue r) {
        return inRangeCmp(v, r) == Boolean.TRUE;
    }

    private static Boolean inRangeCmp(Value v, RangeValue r) {
        int lo;
        int hi;
        if (v instanceof IntValue i && r.lower() instanceof IntValue l && r.upper() instanceof IntValue u) {
            lo = Long.compare(i.value(), l.value());
            hi = Long.compare(i.value(), u.value());
        } else if (v instanceof FloatValue f && r.lower() instanceof FloatValue l && r.upper() instanceof FloatValue u) {
            lo = Double.compare(f.value(), l.value());
            hi = Double.compare(f.value(), u.value());
        } else if (v instanceof CharValue c && r.lower() instanceof CharValue l && r.upper() instanceof CharValue u) {
            lo = Character.compare(c.value(), l.value());
            hi = Character.compare(c.value(), u.value());
        } else {
            return null;
        }
        return (r.lowerInclusive() ? lo >= 0 : lo > 0) && (r.upperInclusive() ? hi <= 0 : hi < 0);
    }

    private static boolean ordered(Value a, Value b, CmpOperator op) {
        int c;
        if (a instanceof IntValue x && b instanceof IntValue y) {
            c = Long.compare(x.value(), y.value());
        } else if (a instanceof FloatValue x && b instanceof FloatValue y) {
            c = Double.compare(x.value(), y.value());
        } else if (a instanceof StringValue x && b instanceof StringValue y) {
            c = x.value().compareTo(y.value());
        } else if (a instanceof CharValue x && b instanceof CharValue y) {
            c = Character.compare(x.value(), y.value());
        } else {
            return false; // not comparable
        }
        return switch (op) {
            case Gt -> c > 0;
            case Ge -> c >= 0;
            case Lt -> c < 0;
            case Le -> c <= 0;
            default -> false;
        };
    }

    private boolean matches(RegexValue re, StringValue s, FileLocation at) {
        try {
            return regex(re.pattern(), at).find(s.value());
        } catch (GuardRegex.BudgetExceededException e) {
            throw new GuardEvaluationException(at, "in rule " + currentRule + ": " + e.getMessage() + " on the value at "
                    + s.path(), "the pattern backtracks catastrophically; rewrite it without nested repetition",
                    e.getMessage());
        }
    }

    GuardRegex regex(String pattern, FileLocation at) {
        try {
            return GuardRegex.of(pattern);
        } catch (IllegalArgumentException e) {
            throw new GuardEvaluationException(at, e.getMessage(), null, e.getMessage());
        }
    }
}
