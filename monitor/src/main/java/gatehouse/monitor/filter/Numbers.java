package gatehouse.monitor.filter;

/** Number grammars of filter patterns, checked by hand so that a non-number costs no exception. */
final class Numbers {
    private Numbers() {}

    /**
     * Whether {@code s} is a number literal of a pattern (AWS: "An integer with an optional + or - sign, a decimal
     * with an optional + or - sign, or a number in scientific notation ... followed by 'e', followed by an
     * integer with an optional + or - sign").
     */
    static boolean isLiteral(String s) {
        int i = digits(s, sign(s, 0), true);
        if (i < 0) {
            return false;
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i = digits(s, sign(s, i + 1), false);
            if (i < 0) {
                return false;
            }
        }
        return i == s.length();
    }

    /** The value of a plain decimal ({@code -12}, {@code 3.5}; no exponent), or NaN for anything else. */
    static double plainDecimal(String s) {
        int i = digits(s, sign(s, 0), true);
        if (i != s.length() || i < 0) {
            return Double.NaN;
        }
        return Double.parseDouble(s);
    }

    private static int sign(String s, int i) {
        return i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-') ? i + 1 : i;
    }

    /** Index after {@code DIGITS} or {@code DIGITS.DIGITS} (when {@code fraction}) from {@code i}, or -1. */
    private static int digits(String s, int i, boolean fraction) {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == start) {
            return -1;
        }
        if (fraction && i < s.length() && s.charAt(i) == '.') {
            int f = ++i;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == f) {
                return -1;
            }
        }
        return i;
    }
}
