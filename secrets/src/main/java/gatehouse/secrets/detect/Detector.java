package gatehouse.secrets.detect;

import gatehouse.secrets.regex.Match;
import gatehouse.secrets.regex.Prefilter;
import gatehouse.secrets.regex.RegexScan;
import gatehouse.secrets.rules.Allowlist;
import gatehouse.secrets.rules.Regex;
import gatehouse.secrets.rules.RuleSet;
import gatehouse.secrets.rules.SecretRule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Finds secrets in fragments of text with a {@link RuleSet}, in gitleaks' model: a keyword prefilter (one
 * Aho–Corasick pass, which also notes where each keyword begins) picks the rules that can match; where every
 * match of a rule provably holds one of its keywords ({@link Prefilter#keywordLead}), the rule is searched only
 * just before those places ({@link RegexScan#forEachNear}), else in the whole fragment; each runs its RE2/J regex (linear time, so no input can
 * hang a scan); the secret is taken from the rule's group, checked for entropy (and, for generic rules, for a
 * digit), and dropped when an allowlist, an inline {@code gatehouse:allow} / {@code gitleaks:allow} comment or
 * AWS's documented example keys say so. Thread-safe: one instance serves every thread of a scan.
 */
public final class Detector {
    /** AWS's documented example credentials: never reported, whatever the rules. */
    static final Set<String> AWS_EXAMPLES = Set.of("AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
            "ASIAIOSFODNN7EXAMPLE");
    static final String[] INLINE_ALLOW = {"gatehouse:allow", "gitleaks:allow"};

    private final RuleSet rules;
    private final AhoCorasick keywords;
    /** For each keyword index, the rules (indexes) that list it. */
    private final int[][] rulesOfKeyword;
    private final int[] alwaysRun;
    /** For each rule, the indexes of its keywords. */
    private final int[][] keywordsOfRule;
    /** For each rule, its {@link Prefilter#keywordLead} once known; {@link #UNKNOWN_LEAD} before. */
    private final int[] leads;
    /** Each rule's {@link Prefilter#endsKeywordLead}, worked out on first use as {@link #leads} are. */
    private final int[] endsLeads;
    private static final int UNKNOWN_LEAD = -2;
    /**
     * Per rule with a path regex (null for the others), what it said of the paths seen: a history scan meets each
     * file's path many times. At most {@link #PATH_MEMO} paths each.
     */
    private final List<Map<String, Boolean>> pathMemo;
    private static final int PATH_MEMO = 8192;

    public Detector(RuleSet rules) {
        this.rules = rules;
        List<String> kws = new ArrayList<>();
        List<List<Integer>> owners = new ArrayList<>();
        java.util.Map<String, Integer> index = new java.util.HashMap<>();
        List<Integer> always = new ArrayList<>();
        for (int r = 0; r < rules.rules().size(); r++) {
            SecretRule rule = rules.rules().get(r);
            if (rule.keywords().isEmpty()) {
                always.add(r);
                continue;
            }
            for (String k : rule.keywords()) {
                Integer ki = index.get(k);
                if (ki == null) {
                    ki = kws.size();
                    index.put(k, ki);
                    kws.add(k);
                    owners.add(new ArrayList<>());
                }
                owners.get(ki).add(r);
            }
        }
        this.keywords = new AhoCorasick(kws);
        this.rulesOfKeyword = owners.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        this.alwaysRun = always.stream().mapToInt(Integer::intValue).toArray();
        this.keywordsOfRule = new int[rules.rules().size()][];
        for (int r = 0; r < keywordsOfRule.length; r++) {
            keywordsOfRule[r] = rules.rules().get(r).keywords().stream().mapToInt(index::get).toArray();
        }
        this.leads = new int[rules.rules().size()];
        java.util.Arrays.fill(leads, UNKNOWN_LEAD);
        this.endsLeads = leads.clone();
        this.pathMemo = rules.rules().stream()
                .map(rule -> rule.path() == null ? null : (Map<String, Boolean>) new ConcurrentHashMap<String, Boolean>())
                .toList();
    }

    public RuleSet rules() {
        return rules;
    }

    /** The rule's {@link Prefilter#keywordLead}, worked out on first use (a benign race: every thread gets the same). */
    private int lead(int r) {
        int l = leads[r];
        if (l == UNKNOWN_LEAD) {
            SecretRule rule = rules.rules().get(r);
            Prefilter p = rule.regex() == null ? null : rule.regex().prefilter();
            l = p == null || p.maxChars() < 0 ? -1 : p.keywordLead(rule.keywords());
            leads[r] = l;
        }
        return l;
    }

    private boolean pathMatches(int r, SecretRule rule, String path) {
        Map<String, Boolean> memo = pathMemo.get(r);
        Boolean known = memo.get(path);
        if (known != null) {
            return known;
        }
        boolean found = rule.path().get().matcher(path).find();
        if (memo.size() >= PATH_MEMO) {
            memo.clear(); // bounded: a tree of more paths than this is asked again
        }
        memo.put(path, found);
        return found;
    }

    /** The rule's {@link Prefilter#endsKeywordLead} (asked only of rules with a {@link #lead}), as {@link #lead}. */
    private int endsLead(int r) {
        int l = endsLeads[r];
        if (l == UNKNOWN_LEAD) {
            SecretRule rule = rules.rules().get(r);
            l = rule.regex().prefilter().endsKeywordLead(rule.keywords());
            endsLeads[r] = l;
        }
        return l;
    }

    /**
     * Where the rule's keywords occur, in increasing order, when every match of the rule holds one (so only the
     * text just before them need be searched); null when the whole text must be searched: the rule's matches
     * need not hold a keyword, or one of its keywords occurs too often for the places to be worth keeping.
     */
    private int[] keywordPlaces(int r, AhoCorasick.Occurrences occ) {
        if (lead(r) < 0) {
            return null;
        }
        int total = 0;
        int lists = 0;
        int[] only = null;
        for (int k : keywordsOfRule[r]) {
            if (occ.crowded().get(k)) {
                return null;
            }
            if (occ.counts()[k] > 0) {
                total += occ.counts()[k];
                lists++;
                only = occ.starts()[k];
            }
        }
        if (lists == 1) {
            return java.util.Arrays.copyOf(only, total);
        }
        int[] all = new int[total];
        int at = 0;
        for (int k : keywordsOfRule[r]) {
            int c = occ.counts()[k];
            if (c > 0) {
                System.arraycopy(occ.starts()[k], 0, all, at, c);
                at += c;
            }
        }
        java.util.Arrays.sort(all);
        return all;
    }

    /** Each thread's buffer for the characters of the text it scans (read up to the text's length, never past). */
    private static final ThreadLocal<char[][]> CHARS = ThreadLocal.withInitial(() -> new char[][] {new char[1 << 16]});

    /**
     * The text's characters in this thread's buffer, grown as needed (texts of a history scan add up to hundreds of
     * megabytes: a copy of each was as much garbage again). Valid until this thread's next call.
     */
    private static char[] charsOf(String text) {
        if (text.length() > (8 << 20)) {
            return text.toCharArray(); // a rare huge text: not kept for the thread's life
        }
        char[][] holder = CHARS.get();
        if (holder[0].length < text.length()) {
            holder[0] = new char[Math.max(text.length(), Math.min(8 << 20, holder[0].length * 2))];
        }
        char[] chars = holder[0];
        text.getChars(0, text.length(), chars, 0);
        return chars;
    }

    /** Every secret in the fragment, in rule order then position. */
    public List<SecretMatch> detect(Fragment f) {
        String text = f.text();
        BitSet run = new BitSet(rules.rules().size());
        for (int r : alwaysRun) {
            run.set(r);
        }
        char[] chars = charsOf(text);
        AhoCorasick.Occurrences occurrences = keywords.occurrences(chars, text.length(), text.length() / 8 + 64);
        BitSet kw = occurrences.seen();
        for (int k = kw.nextSetBit(0); k >= 0; k = kw.nextSetBit(k + 1)) {
            for (int r : rulesOfKeyword[k]) {
                run.set(r);
            }
        }
        if (run.isEmpty()) {
            return List.of();
        }
        Lines lines = new Lines(text);
        List<SecretMatch> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int r = run.nextSetBit(0); r >= 0; r = run.nextSetBit(r + 1)) {
            SecretRule rule = rules.rules().get(r);
            if (wholeAllowed(rule, f)) {
                continue;
            }
            if (rule.path() != null && !pathMatches(r, rule, f.path())) {
                continue;
            }
            if (rule.regex() == null) {
                // a path-only rule: the file itself is the finding
                out.add(new SecretMatch(rule, "", "", f.path(), f.commit(), f.firstLine(), 1, "", "path",
                        fingerprint(rule.id(), f.path(), "")));
                continue;
            }
            Consumer<Match> onMatch = m -> {
                if (m.end() == m.start()) {
                    return;
                }
                if (rule.generic() && !hasDigit(text, m.start(), m.end())) {
                    return;                 // the secret, part of the match, has none either: no need for the groups
                }
                String secret = secretOf(rule, m);
                if (secret.isEmpty()) {
                    return;
                }
                if (rule.entropy() > 0 && Entropy.shannon(secret) <= rule.entropy()) {
                    return;
                }
                if (rule.generic() && !hasDigit(secret)) {
                    return;
                }
                if (AWS_EXAMPLES.contains(secret) || secret.contains("EXAMPLEKEY") || secret.endsWith("7EXAMPLE")) {
                    return;
                }
                int secretStart = secretStart(rule, m, secret);
                int lineIdx = lines.lineOf(secretStart);
                String lineText = lines.text(lineIdx);
                String match = m.group();
                if (inlineAllowed(lines, lines.lineOf(m.start()), lines.lineOf(m.end() - 1))) {
                    return;
                }
                if (allowed(rule, f, secret, match, lineText)) {
                    return;
                }
                int line = f.firstLine() + lineIdx;
                int col = secretStart - lines.start(lineIdx) + 1;
                if (!seen.add(rule.id() + "\0" + line + "\0" + col + "\0" + secret)) {
                    return;
                }
                String confidence = "pattern";
                if (!rule.checksum().isEmpty() && Checksums.verify(rule.checksum(), secret)) {
                    confidence = "verified-format";
                }
                out.add(new SecretMatch(rule, secret, match, f.path(), f.commit(), line, col, lineText, confidence,
                        fingerprint(rule.id(), secret, lineText)));
            };
            Regex regex = rule.regex();
            int[] near = keywordPlaces(r, occurrences);
            if (near != null) {
                RegexScan.forEachNear(regex.get(), regex.afterOne(), regex.prefilter(), text, chars, near, lead(r),
                        endsLead(r),
                        onMatch);
            } else {
                RegexScan.forEach(regex.get(), regex.afterOne(), regex.prefilter(), text, chars, onMatch);
            }
        }
        return withoutGenericDuplicates(out);
    }

    /**
     * A generic rule's hit overlapping a specific rule's is the same secret, named less well, and is dropped (as
     * gitleaks does). Two specific rules reporting exactly the same secret at the same place report one secret:
     * keep the hit that names it best — a verified checksum first, then a rule whose keyword is part of the secret
     * itself (the token's own prefix, such as {@code ghp_}, rather than context such as {@code curl}).
     */
    static List<SecretMatch> withoutGenericDuplicates(List<SecretMatch> hits) {
        if (hits.size() < 2) {
            return hits;
        }
        List<SecretMatch> out = new ArrayList<>(hits.size());
        for (int i = 0; i < hits.size(); i++) {
            SecretMatch m = hits.get(i);
            boolean beaten = false;
            for (int j = 0; j < hits.size() && !beaten; j++) {
                SecretMatch o = hits.get(j);
                if (i == j || o.line() != m.line() || m.secret().isEmpty() || o.secret().isEmpty()
                        || !(o.column() < m.column() + m.secret().length() && m.column() < o.column() + o.secret().length())) {
                    continue;
                }
                if (m.rule().generic() != o.rule().generic()) {
                    beaten = m.rule().generic();
                    continue;
                }
                if (o.column() != m.column() || !o.secret().equals(m.secret())) {
                    continue;
                }
                int sm = score(m);
                int so = score(o);
                // two generic rules on one secret (an assignment to a "password" is also one to a secret) are one
                // finding: the narrower rule (fewer keywords) names it, then the first in rule order
                beaten = so > sm || so == sm && m.rule().generic() && (o.rule().keywords().size() < m.rule().keywords().size()
                        || o.rule().keywords().size() == m.rule().keywords().size() && j < i);
            }
            if (!beaten) {
                out.add(m);
            }
        }
        return out;
    }

    private static int score(SecretMatch m) {
        int s = m.confidence().equals("verified-format") ? 4 : 0;
        String lower = m.secret().toLowerCase(java.util.Locale.ROOT);
        for (String k : m.rule().keywords()) {
            if (lower.contains(k)) {
                s += 2;
                break;
            }
        }
        return s + (m.rule().generic() ? 0 : 1);
    }

    private boolean wholeAllowed(SecretRule rule, Fragment f) {
        for (Allowlist a : rule.allowlists()) {
            if (a.allowsWhole(f.commit(), f.path())) {
                return true;
            }
        }
        for (Allowlist a : rules.allowlists()) {
            if ((a.targetRules().isEmpty() || a.targetRules().contains(rule.id())) && a.allowsWhole(f.commit(), f.path())) {
                return true;
            }
        }
        return false;
    }

    private boolean allowed(SecretRule rule, Fragment f, String secret, String match, String line) {
        for (Allowlist a : rule.allowlists()) {
            if (a.allows(f.commit(), f.path(), secret, match, line)) {
                return true;
            }
        }
        for (Allowlist a : rules.allowlists()) {
            if ((a.targetRules().isEmpty() || a.targetRules().contains(rule.id()))
                    && a.allows(f.commit(), f.path(), secret, match, line)) {
                return true;
            }
        }
        return false;
    }

    private static boolean inlineAllowed(Lines lines, int from, int to) {
        for (int i = from; i <= to; i++) {
            String t = lines.text(i);
            for (String marker : INLINE_ALLOW) {
                if (t.contains(marker)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** gitleaks: the configured group; else the first non-empty group; else the whole match. */
    static String secretOf(SecretRule rule, Match m) {
        int groups = m.groupCount();
        if (rule.secretGroup() > 0 && rule.secretGroup() <= groups) {
            String g = m.group(rule.secretGroup());
            return g == null ? "" : g;
        }
        for (int g = 1; g <= groups; g++) {
            String s = m.group(g);
            if (s != null && !s.isEmpty()) {
                return s;
            }
        }
        return m.group();
    }

    private static int secretStart(SecretRule rule, Match m, String secret) {
        int groups = m.groupCount();
        if (rule.secretGroup() > 0 && rule.secretGroup() <= groups && m.start(rule.secretGroup()) >= 0) {
            return m.start(rule.secretGroup());
        }
        for (int g = 1; g <= groups; g++) {
            String s = m.group(g);
            if (s != null && !s.isEmpty()) {
                return m.start(g);
            }
        }
        return m.start();
    }

    private static boolean hasDigit(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.isDigit(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasDigit(String s) {
        return hasDigit(s, 0, s.length());
    }

    /**
     * Stable across line moves and file renames: the rule, a hash of the secret and the line around it with the
     * secret cut out and whitespace collapsed (so the same secret in another statement is another finding).
     */
    public static String fingerprint(String ruleId, String secret, String line) {
        String context = secret.isEmpty() ? line : line.replace(secret, "\u0000").strip().replaceAll("\\s+", " ");
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(ruleId.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
            md.update((byte) 0);
            md.update(context.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Line starts of a text, computed once. */
    static final class Lines {
        private final String text;
        private int[] starts;

        Lines(String text) {
            this.text = text;
        }

        private int[] starts() {
            if (starts == null) {
                starts = compute(text);
            }
            return starts;
        }

        private static int[] compute(String text) {
            int n = 1;
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    n++;
                }
            }
            int[] starts = new int[n];
            int k = 1;
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    starts[k++] = i + 1;
                }
            }
            return starts;
        }

        int lineOf(int offset) {
            int i = java.util.Arrays.binarySearch(starts(), offset);
            return i >= 0 ? i : -i - 2;
        }

        int start(int line) {
            return starts()[line];
        }

        String text(int line) {
            int[] starts = starts();
            int s = starts[line];
            int e = line + 1 < starts.length ? starts[line + 1] - 1 : text.length();
            if (e > s && text.charAt(e - 1) == '\r') {
                e--;
            }
            return text.substring(s, Math.max(s, e));
        }
    }
}
