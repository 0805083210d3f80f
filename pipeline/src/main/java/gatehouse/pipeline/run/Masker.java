package gatehouse.pipeline.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces every pipeline secret's value with {@code ***} in captured output and reports. Multi-line values are
 * masked line by line (output is masked a line at a time); pieces shorter than 4 characters are left alone, as
 * masking them would blank ordinary text and tell a reader the value anyway.
 */
public final class Masker {
    public static final String MASK = "***";
    private final List<String> values;

    public Masker(List<String> secrets) {
        List<String> v = new ArrayList<>();
        for (String s : secrets) {
            if (s == null) {
                continue;
            }
            for (String piece : s.split("\r?\n")) {
                String p = piece.strip();
                if (p.length() >= 4 && !v.contains(p)) {
                    v.add(p);
                }
            }
        }
        v.sort(Comparator.comparingInt(String::length).reversed()); // a secret containing another is masked whole
        this.values = List.copyOf(v);
    }

    public String mask(String text) {
        String out = text;
        for (String v : values) {
            if (out.contains(v)) {
                out = out.replace(v, MASK);
            }
        }
        return out;
    }
}
