package gatehouse.monitor.filter;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The evaluators behind {@link FilterPattern}, one per kind of pattern. Immutable and thread-safe. */
final class Matchers {
    private Matchers() {}

    interface Matcher {
        Match match(Event e);

        /** Like {@link #match} without building the extracted fields. */
        boolean matches(Event e);
    }

    /** {@code ""}: every event. */
    enum All implements Matcher {
        INSTANCE;

        @Override
        public Match match(Event e) {
            return Match.YES;
        }

        @Override
        public boolean matches(Event e) {
            return true;
        }
    }

    /** One unstructured term: a case-sensitive substring, or a regex search; {@code exclude} for {@code -term}. */
    record Term(String literal, com.google.re2j.Pattern regex, boolean exclude) {
        boolean present(String text) {
            return regex != null ? regex.matcher(text).find() : text.contains(literal);
        }
    }

    /**
     * Term patterns: a list of groups, each a list of terms; a {@code ?term} starts a new group. An event matches
     * when, in some group, every plain term is present and no excluded term is.
     */
    record Terms(Term[][] groups) implements Matcher {
        @Override
        public Match match(Event e) {
            return matches(e) ? Match.YES : Match.NO;
        }

        @Override
        public boolean matches(Event e) {
            String text = e.text();
            for (Term[] g : groups) {
                boolean all = true;
                for (Term t : g) {
                    if (t.present(text) == t.exclude()) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code { ... }}: the condition tree over the event's JSON object; events that are not JSON objects never match. */
    record Json(Expr root) implements Matcher {
        @Override
        public Match match(Event e) {
            return matches(e) ? Match.YES : Match.NO;
        }

        @Override
        public boolean matches(Event e) {
            JsonNode j = e.json();
            return j != null && root.eval(j, null);
        }
    }

    /**
     * {@code [a, b = 1, ..., c]}: the event split into fields, matched slot by slot. Without an ellipsis the field
     * count must equal the slot count; with one, the slots before it take the first fields, those after it the
     * last ones, and the ellipsis takes whatever lies between (possibly nothing).
     *
     * @param names per slot, the declared field name, or {@code null} for an empty slot
     * @param declared per slot, the index of its name among the declared names, or -1
     * @param conditions per slot, its condition, or {@code null}
     * @param ellipsisAt how many slots come before the ellipsis, or -1 without one
     * @param declaredCount how many names the pattern declares
     */
    record Delimited(String[] names, int[] declared, Expr[] conditions, int ellipsisAt, int declaredCount) implements Matcher {
        @Override
        public Match match(Event e) {
            List<String> f = split(e.text());
            String[] values = bind(f);
            if (values == null) {
                return Match.NO;
            }
            int n = f.size();
            int fixed = names.length;
            Map<String, String> out = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                int slot = slotOf(i, n, fixed);
                String key = slot >= 0 && names[slot] != null ? "$" + names[slot] : "$" + (i + 1);
                out.put(key, f.get(i));
            }
            return new Match(true, out);
        }

        @Override
        public boolean matches(Event e) {
            return bind(split(e.text())) != null;
        }

        private int slotOf(int field, int n, int fixed) {
            if (ellipsisAt < 0) {
                return field;
            }
            if (field < ellipsisAt) {
                return field;
            }
            int j = field - (n - fixed);
            return j >= ellipsisAt ? j : -1;
        }

        /** The declared fields' values when the shape and every condition fit, else {@code null}. */
        private String[] bind(List<String> f) {
            int n = f.size();
            int fixed = names.length;
            if (ellipsisAt < 0 ? n != fixed : n < fixed) {
                return null;
            }
            String[] values = new String[declaredCount];
            for (int j = 0; j < fixed; j++) {
                if (declared[j] >= 0) {
                    values[declared[j]] = f.get(ellipsisAt < 0 || j < ellipsisAt ? j : n - fixed + j);
                }
            }
            for (Expr c : conditions) {
                if (c != null && !c.eval(null, values)) {
                    return null;
                }
            }
            return values;
        }
    }

    /**
     * Splits a space-delimited event: runs of blanks separate fields; a field that starts with {@code "} runs to the
     * next {@code "}, one that starts with {@code [} to the next {@code ]}, and loses those delimiters (AWS: "The
     * characters between a pair of square brackets [] or two double quotes ("") are treated as a single field").
     * An unclosed quote or bracket takes the rest of the line.
     */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && blank(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            char c = s.charAt(i);
            if (c == '"' || c == '[') {
                int end = s.indexOf(c == '"' ? '"' : ']', i + 1);
                if (end < 0) {
                    out.add(s.substring(i + 1));
                    return out;
                }
                out.add(s.substring(i + 1, end));
                i = end + 1;
            } else {
                int start = i;
                while (i < n && !blank(s.charAt(i))) {
                    i++;
                }
                out.add(s.substring(start, i));
            }
        }
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
