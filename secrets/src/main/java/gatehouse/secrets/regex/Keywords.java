package gatehouse.secrets.regex;

import gatehouse.secrets.regex.RegexSyntax.Alt;
import gatehouse.secrets.regex.RegexSyntax.Chars;
import gatehouse.secrets.regex.RegexSyntax.Empty;
import gatehouse.secrets.regex.RegexSyntax.Node;
import gatehouse.secrets.regex.RegexSyntax.Rep;
import gatehouse.secrets.regex.RegexSyntax.Seq;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether every match of a regex holds one of its rule's keywords, and how far into the match it can begin
 * ({@link Prefilter#keywordLead}). A secret rule's keywords are usually part of what it matches ({@code ghp_},
 * {@code AKIA}, {@code password}); when they provably are, a match can only start a bounded distance before a
 * place where a keyword occurs, and the rest of the text need not be searched.
 *
 * <p>The proof is a walk over the regex's tree that keeps, for each part, the finite set of strings it matches
 * when that set is small (letters in lower case: keywords are found case-insensitively), and otherwise the
 * farthest a guaranteed keyword can begin from the part's start. A sequence concatenates neighbouring finite
 * parts, so {@code (?i)api[_.-]?key} is seen as the strings {@code apikey}, {@code api_key}…; an alternation
 * holds a keyword if every option does; a repetition if it runs at least once. It is conservative: what it
 * cannot see it treats as holding no keyword, which only means the rule is searched everywhere.
 *
 * <p>Non-ASCII characters: the tree keeps them as one symbol, so a case-folded {@code k} or {@code s} (which
 * RE2 also matches as the Kelvin sign and the long s) reads as the letter only when the regex names no
 * non-ASCII character of its own — and the keyword search folds those two characters the same way.
 */
final class Keywords {
    private static final int MAX_STRINGS = 64;
    private static final int MAX_LENGTH = 64;

    private Keywords() {}

    /**
     * Whether the regex source names a non-ASCII character itself (a literal, {@code \x} above 7F or with braces,
     * a Unicode class, an octal escape that may exceed 177, {@code \C}). Conservative.
     */
    static boolean namesNonAscii(String regex) {
        int n = regex.length();
        for (int i = 0; i < n; i++) {
            char c = regex.charAt(i);
            if (c >= 128) {
                return true;
            }
            if (c == '\\' && i + 1 < n) {
                char d = regex.charAt(i + 1);
                if (d == 'p' || d == 'P' || d == 'C' || d == '2' || d == '3') {
                    return true;
                }
                if (d == 'x' && i + 2 < n && "{89abcdefABCDEF".indexOf(regex.charAt(i + 2)) >= 0) {
                    return true;
                }
                i++;
            }
        }
        return false;
    }

    /** See {@link Prefilter#keywordLead}. */
    static int lead(Node tree, List<String> keywords, boolean namesNonAscii) {
        if (keywords.isEmpty()) {
            return -1;
        }
        List<String> kws = keywords.stream().map(k -> k.toLowerCase(Locale.ROOT)).filter(k -> !k.isEmpty()).toList();
        if (kws.isEmpty()) {
            return -1;
        }
        long l = leadOf(new Walk(kws, namesNonAscii).info(tree), kws);
        return l < 0 || l > Integer.MAX_VALUE / 4 ? -1 : (int) l;
    }

    /**
     * What is known of one part of a regex: the strings it matches ({@code exact}, or null when not a small finite
     * set), the farthest a keyword it must hold can begin from its start ({@code lead}, -1 when none is known),
     * and its longest match in UTF-16 characters ({@code max}, -1 when unbounded).
     */
    private record Info(List<String> exact, long lead, long max) {}

    private static long leadOf(Info in, List<String> kws) {
        return in.exact() != null ? exactLead(in.exact(), kws) : in.lead();
    }

    /** The farthest the first keyword begins over the strings, or -1 when one of them holds none. */
    private static long exactLead(List<String> strings, List<String> kws) {
        long worst = 0;
        for (String s : strings) {
            int best = -1;
            for (String k : kws) {
                int at = s.indexOf(k);
                if (at >= 0 && (best < 0 || at < best)) {
                    best = at;
                }
            }
            if (best < 0) {
                return -1;
            }
            worst = Math.max(worst, best);
        }
        return worst;
    }

    private static long plus(long a, long b) {
        return a < 0 || b < 0 ? -1 : a + b;
    }

    private static List<String> product(List<String> a, List<String> b) {
        if ((long) a.size() * b.size() > MAX_STRINGS) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String x : a) {
            for (String y : b) {
                if (x.length() + y.length() > MAX_LENGTH) {
                    return null;
                }
                out.add(x + y);
            }
        }
        return new ArrayList<>(out);
    }

    private record Walk(List<String> kws, boolean namesNonAscii) {
        Info info(Node n) {
            return switch (n) {
                case Empty e -> new Info(List.of(""), -1, 0);
                case Chars c -> chars(c);
                case Seq s -> seq(s);
                case Alt a -> alt(a);
                case Rep r -> rep(r);
                case RegexSyntax.Assert a -> new Info(List.of(""), -1, 0);
                case RegexSyntax.Group g -> info(g.item());
            };
        }

        private Info chars(Chars c) {
            Set<String> lower = new LinkedHashSet<>();
            for (int ch = 0; ch < 128; ch++) {
                if (c.has(ch)) {
                    lower.add(String.valueOf((char) (ch >= 'A' && ch <= 'Z' ? ch + 32 : ch)));
                }
            }
            boolean folds = c.nonAscii() && !namesNonAscii && !lower.isEmpty()
                    && lower.stream().allMatch(x -> x.equals("k") || x.equals("s"));
            if (c.nonAscii() && !folds) {
                return new Info(null, -1, 2);
            }
            if (lower.size() > 4) {
                return new Info(null, -1, 1);
            }
            return new Info(new ArrayList<>(lower), -1, 1);
        }

        private Info seq(Seq s) {
            long prefix = 0;          // the most characters before the current item
            List<String> run = List.of("");
            long runStart = 0;        // the most characters before the current run of finite items
            boolean whole = true;     // the run spans every item so far
            long best = -1;
            for (Node item : flat(s.items(), new ArrayList<>())) {
                Info in = info(item);
                List<String> joined = in.exact() == null ? null : product(run, in.exact());
                if (joined != null) {
                    run = joined;
                } else {
                    best = better(best, runStart, exactLead(run, kws));
                    whole = false;
                    if (in.exact() != null) {
                        run = in.exact();
                        runStart = prefix;
                    } else {
                        best = better(best, prefix, in.lead());
                        run = List.of("");
                        runStart = plus(prefix, in.max());
                    }
                }
                prefix = plus(prefix, in.max());
            }
            best = better(best, runStart, exactLead(run, kws));
            return new Info(whole ? run : null, best, prefix);
        }

        /**
         * The items of a sequence with nested sequences spliced in — a group such as {@code (?-i:[a-z0-9]A)dafruit}
         * is a sequence inside one — so that a run of known strings goes on across the group's edge ({@code A}
         * then {@code dafruit} holds {@code adafruit}).
         */
        private static List<Node> flat(List<Node> items, List<Node> out) {
            for (Node item : items) {
                if (item instanceof Seq inner) {
                    flat(inner.items(), out);
                } else {
                    out.add(item);
                }
            }
            return out;
        }

        private static long better(long best, long start, long lead) {
            if (start < 0 || lead < 0) {
                return best;
            }
            long candidate = start + lead;
            return best < 0 ? candidate : Math.min(best, candidate);
        }

        private Info alt(Alt a) {
            List<String> union = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            boolean exact = true;
            long lead = 0;
            long max = 0;
            for (Node o : a.options()) {
                Info in = info(o);
                if (in.exact() != null && exact) {
                    for (String x : in.exact()) {
                        if (seen.add(x)) {
                            union.add(x);
                        }
                    }
                    exact = union.size() <= MAX_STRINGS;
                } else {
                    exact = false;
                }
                long l = leadOf(in, kws);
                lead = lead < 0 || l < 0 ? -1 : Math.max(lead, l);
                max = in.max() < 0 || max < 0 ? -1 : Math.max(max, in.max());
            }
            return new Info(exact ? union : null, lead, max);
        }

        private Info rep(Rep r) {
            Info in = info(r.item());
            long max;
            if (r.max() < 0) {
                max = in.max() == 0 ? 0 : -1;
            } else {
                max = in.max() < 0 ? -1 : in.max() * r.max();
            }
            if (in.exact() != null && r.max() >= 0 && r.max() <= 8) {
                List<String> all = new ArrayList<>();
                Set<String> seen = new LinkedHashSet<>();
                List<String> power = List.of("");
                boolean fits = true;
                for (int j = 0; j <= r.max() && fits; j++) {
                    if (j >= r.min()) {
                        for (String x : power) {
                            if (seen.add(x)) {
                                all.add(x);
                            }
                        }
                        fits = all.size() <= MAX_STRINGS;
                    }
                    if (j < r.max()) {
                        power = product(power, in.exact());
                        fits &= power != null;
                    }
                }
                if (fits) {
                    return new Info(all, -1, max);
                }
            }
            return new Info(null, r.min() >= 1 ? leadOf(in, kws) : -1, max);
        }
    }
}
