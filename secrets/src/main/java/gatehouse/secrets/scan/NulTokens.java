package gatehouse.secrets.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads NUL-separated tokens (git's {@code -z} output) from a stream, one token at a time. */
public final class NulTokens {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int len;
    private byte[] tok = new byte[256];

    NulTokens(InputStream in) {
        this.in = in;
    }

    /** The next token, or null at the end of the stream (a final token without NUL is returned too). */
    public String next() throws IOException {
        int n = 0;
        while (true) {
            if (pos == len) {
                len = in.read(buf, 0, buf.length);
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    return n == 0 ? null : new String(tok, 0, n, StandardCharsets.UTF_8);
                }
            }
            byte b = buf[pos++];
            if (b == 0) {
                return new String(tok, 0, n, StandardCharsets.UTF_8);
            }
            if (n == tok.length) {
                tok = java.util.Arrays.copyOf(tok, n * 2);
            }
            tok[n++] = b;
        }
    }
}
