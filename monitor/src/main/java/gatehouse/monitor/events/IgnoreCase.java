package gatehouse.monitor.events;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Case-insensitive comparison the way EventBridge's matcher does it: each code point of the pattern stands for
 * itself, its lower-case and its upper-case form (locale-independent, {@link Locale#ROOT}), and the event text must
 * be a concatenation of one form per pattern code point. So {@code "straße"} matches {@code "STRASSE"} (upper-case
 * ß is "SS"), {@code "ÉCOLE"} matches {@code "école"}, but the event text itself is never folded: the fold is in the
 * pattern. Pure-ASCII patterns take a fast path with the same result.
 */
final class IgnoreCase {
    private final String[][] forms;      // per pattern code point: its distinct forms
    private final String[][] reversed;   // the same, back to front with each form reversed (for suffixes)
    private final String ascii;          // the pattern when it is pure ASCII, else null

    IgnoreCase(String pattern) {
        List<String[]> f = new ArrayList<>();
        pattern.codePoints().forEach(cp -> {
            String self = new String(Character.toChars(cp));
            Set<String> s = new LinkedHashSet<>();
            s.add(self);
            s.add(self.toLowerCase(Locale.ROOT));
            s.add(self.toUpperCase(Locale.ROOT));
            f.add(s.toArray(String[]::new));
        });
        forms = f.toArray(String[][]::new);
        reversed = new String[forms.length][];
        for (int i = 0; i < forms.length; i++) {
            String[] src = forms[forms.length - 1 - i];
            String[] r = new String[src.length];
            for (int k = 0; k < src.length; k++) {
                r[k] = new StringBuilder(src[k]).reverse().toString();
            }
            reversed[i] = r;
        }
        ascii = pattern.chars().allMatch(c -> c < 128) ? pattern : null;
    }

    boolean matches(String text) {
        if (ascii != null) {
            return text.length() == ascii.length() && asciiRegion(text, 0);
        }
        BitSet end = reach(forms, text);
        return end != null && end.get(text.length());
    }

    boolean matchesPrefixOf(String text) {
        if (ascii != null) {
            return text.length() >= ascii.length() && asciiRegion(text, 0);
        }
        return reach(forms, text) != null;
    }

    boolean matchesSuffixOf(String text) {
        if (ascii != null) {
            return text.length() >= ascii.length() && asciiRegion(text, text.length() - ascii.length());
        }
        return reach(reversed, new StringBuilder(text).reverse().toString()) != null;
    }

    private boolean asciiRegion(String text, int from) {
        for (int i = 0; i < ascii.length(); i++) {
            char p = ascii.charAt(i);
            char t = text.charAt(from + i);
            if (t != p && t != swapAsciiCase(p)) {
                return false;
            }
        }
        return true;
    }

    private static char swapAsciiCase(char c) {
        if (c >= 'a' && c <= 'z') {
            return (char) (c - 32);
        }
        if (c >= 'A' && c <= 'Z') {
            return (char) (c + 32);
        }
        return c;
    }

    /**
     * The text positions reachable after consuming every pattern code point from position 0, or null when none is.
     * Several forms of one code point may match at one position with different lengths, so this tracks a set.
     */
    private static BitSet reach(String[][] forms, String text) {
        BitSet cur = new BitSet();
        cur.set(0);
        for (String[] alts : forms) {
            BitSet next = new BitSet();
            for (int pos = cur.nextSetBit(0); pos >= 0; pos = cur.nextSetBit(pos + 1)) {
                for (String a : alts) {
                    if (text.startsWith(a, pos)) {
                        next.set(pos + a.length());
                    }
                }
            }
            if (next.isEmpty()) {
                return null;
            }
            cur = next;
        }
        return cur;
    }
}
