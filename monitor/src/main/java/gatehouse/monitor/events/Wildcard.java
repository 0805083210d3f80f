package gatehouse.monitor.events;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled {@code {"wildcard": …}} value: {@code *} matches any run of characters (possibly empty), {@code \*} is
 * a literal asterisk, {@code \\} a literal backslash. The syntax checks (no {@code **}, no other escapes) are done by
 * {@link #compile}, which reports the 0-based offset of the problem. Matching is greedy leftmost over the literal
 * segments between stars, which is exact for star-only globs and linear in practice (no backtracking blow-up).
 */
final class Wildcard {
    private final List<String> segments;
    private final boolean leadingStar;
    private final boolean trailingStar;
    private final int minLength;

    private Wildcard(List<String> segments, boolean leadingStar, boolean trailingStar) {
        this.segments = segments;
        this.leadingStar = leadingStar;
        this.trailingStar = trailingStar;
        this.minLength = segments.stream().mapToInt(String::length).sum();
    }

    /** Thrown by {@link #compile} with the offset (0-based, in the pattern value) of the bad character. */
    static final class SyntaxError extends Exception {
        final int offset;

        SyntaxError(String message, int offset) {
            super(message, null, false, false);
            this.offset = offset;
        }
    }

    static Wildcard compile(String value) throws SyntaxError {
        List<String> segs = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean lead = false;
        boolean trail = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                if (i + 1 >= value.length()) {
                    throw new SyntaxError("wildcard ends with a lone backslash", i);
                }
                char n = value.charAt(i + 1);
                if (n != '*' && n != '\\') {
                    throw new SyntaxError("invalid escape \\" + n + " in wildcard: only \\* and \\\\ are allowed", i);
                }
                cur.append(n);
                i++;
            } else if (c == '*') {
                if (i + 1 < value.length() && value.charAt(i + 1) == '*') {
                    throw new SyntaxError("consecutive wildcard characters (**) are not allowed", i);
                }
                if (i == 0) {
                    lead = true;
                } else {
                    segs.add(cur.toString());
                    cur.setLength(0);
                }
                if (i == value.length() - 1) {
                    trail = true;
                }
            } else {
                cur.append(c);
            }
        }
        if (!trail) {
            segs.add(cur.toString());
        }
        return new Wildcard(List.copyOf(segs), lead, trail);
    }

    boolean matches(String text) {
        if (text.length() < minLength) {
            return false;
        }
        int n = segments.size();
        if (!leadingStar && !trailingStar && n == 1) {
            return text.equals(segments.get(0));
        }
        int pos = 0;
        int end = text.length();
        int first = 0;
        int last = n;
        if (!leadingStar) {
            String s = segments.get(0);
            if (!text.startsWith(s)) {
                return false;
            }
            pos = s.length();
            first = 1;
        }
        if (!trailingStar && last > first) {
            String s = segments.get(n - 1);
            if (!text.endsWith(s) || end - s.length() < pos) {
                return false;
            }
            end -= s.length();
            last = n - 1;
        }
        for (int i = first; i < last; i++) {
            String s = segments.get(i);
            int at = text.indexOf(s, pos);
            if (at < 0 || at + s.length() > end) {
                return false;
            }
            pos = at + s.length();
        }
        return true;
    }
}
