package gatehouse.secrets.detect;

/**
 * How a secret is shown anywhere outside the detector: a short prefix (a quarter of the secret, at most four
 * characters: enough to tell {@code ghp_} from {@code AKIA}, never enough to use) and its length.
 */
public final class Redact {
    private Redact() {}

    /** {@code ghp_…(40 chars)}. */
    public static String secret(String s) {
        if (s == null || s.isEmpty()) {
            return "…(0 chars)";
        }
        int cps = s.codePointCount(0, s.length());
        int keep = Math.min(4, cps / 4);
        int end = s.offsetByCodePoints(0, keep);
        return s.substring(0, end) + "…(" + cps + " chars)";
    }

    /**
     * {@code text} with every occurrence of {@code secret} replaced by its redacted form. The mask runs on to the
     * end of the token the secret starts (up to a space, quote or delimiter), so a rule that captured only part
     * of a credential does not leave the rest of it in clear.
     */
    public static String in(String text, String secret) {
        if (text == null || secret == null || secret.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int at;
        while ((at = text.indexOf(secret, i)) >= 0) {
            int end = at + secret.length();
            while (end < text.length() && !delimiter(text.charAt(end))) {
                end++;
            }
            out.append(text, i, at).append(secret(text.substring(at, end)));
            i = end;
        }
        return out.append(text, i, text.length()).toString();
    }

    private static boolean delimiter(char c) {
        return Character.isWhitespace(c) || "\"'`,;()[]{}<>".indexOf(c) >= 0;
    }
}
