package gatehouse.secrets.detect;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Token formats that carry their own checksum: GitHub's ({@code ghp_}, {@code gho_}, {@code ghu_},
 * {@code ghs_}, {@code ghr_}: 30 base62 characters then six more that encode the CRC32 of those 30 in base62)
 * and npm's ({@code npm_}, the same construction). A token whose checksum holds is almost certainly real.
 */
public final class Checksums {
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private Checksums() {}

    /** Whether {@code token} verifies under the named scheme ({@code github}, {@code npm}); false if unknown. */
    public static boolean verify(String scheme, String token) {
        return switch (scheme) {
            case "github", "npm" -> base62Crc32(token);
            default -> false;
        };
    }

    /** {@code prefix_} + 30 payload + 6 checksum characters. */
    static boolean base62Crc32(String token) {
        int us = token.lastIndexOf('_');
        String body = us < 0 ? token : token.substring(us + 1);
        if (body.length() != 36) {
            return false;
        }
        for (int i = 0; i < body.length(); i++) {
            if (BASE62.indexOf(body.charAt(i)) < 0) {
                return false;
            }
        }
        return encode(crc32(body.substring(0, 30))).equals(body.substring(30));
    }

    static long crc32(String s) {
        CRC32 c = new CRC32();
        c.update(s.getBytes(StandardCharsets.US_ASCII));
        return c.getValue();
    }

    /** Base62 of {@code v}, left-padded with '0' to six characters. */
    static String encode(long v) {
        StringBuilder sb = new StringBuilder();
        do {
            sb.append(BASE62.charAt((int) (v % 62)));
            v /= 62;
        } while (v > 0);
        while (sb.length() < 6) {
            sb.append('0');
        }
        return sb.reverse().toString();
    }

    /** Makes a token that verifies (for tests and examples): {@code prefix} + payload(30) + checksum. */
    public static String make(String prefix, String payload30) {
        if (payload30.length() != 30) {
            throw new IllegalArgumentException("payload must be 30 characters");
        }
        return prefix + payload30 + encode(crc32(payload30));
    }
}
