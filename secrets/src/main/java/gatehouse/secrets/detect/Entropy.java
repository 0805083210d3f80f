package gatehouse.secrets.detect;

import java.util.HashMap;
import java.util.Map;

/** Shannon entropy in bits per character, over code points (as gitleaks computes it over runes). */
public final class Entropy {
    private Entropy() {}

    public static double shannon(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        Map<Integer, Integer> counts = new HashMap<>();
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            counts.merge(cp, 1, Integer::sum);
            n++;
            i += Character.charCount(cp);
        }
        double h = 0;
        for (int c : counts.values()) {
            double p = (double) c / n;
            h -= p * (Math.log(p) / Math.log(2));
        }
        return h;
    }
}
