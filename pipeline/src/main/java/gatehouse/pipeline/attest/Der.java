package gatehouse.pipeline.attest;

/**
 * Just enough DER to name the algorithm of a PKCS#8 or SubjectPublicKeyInfo structure before handing it to the
 * JDK (so that an RSA or P-384 key gets a message saying so, not "invalid key spec"). Bounds-checked: malformed input gives a {@link FormatException}, never an index error.
 */
final class Der {
    static final String OID_ED25519 = "1.3.101.112";
    static final String OID_ED448 = "1.3.101.113";
    static final String OID_EC = "1.2.840.10045.2.1";
    static final String OID_P256 = "1.2.840.10045.3.1.7";
    static final String OID_RSA = "1.2.840.113549.1.1.1";

    /** The algorithm OID and its parameter OID (the curve for EC keys, else null). */
    record Algorithm(String oid, String parameterOid) {}

    private final byte[] b;
    private int pos;

    private Der(byte[] b) {
        this.b = b;
    }

    /** The AlgorithmIdentifier of a PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER, SEQUENCE { OID, params }, ... }. */
    static Algorithm pkcs8Algorithm(byte[] der) throws FormatException {
        Der d = new Der(der);
        d.enter(0x30);
        d.skip(0x02);
        return d.algorithm();
    }

    /** The AlgorithmIdentifier of a SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID, params }, BIT STRING }. */
    static Algorithm spkiAlgorithm(byte[] der) throws FormatException {
        Der d = new Der(der);
        d.enter(0x30);
        return d.algorithm();
    }

    private Algorithm algorithm() throws FormatException {
        int end = enter(0x30);
        String oid = oid(read(0x06));
        String param = null;
        if (pos < end && b[pos] == 0x06) {
            param = oid(read(0x06));
        }
        return new Algorithm(oid, param);
    }

    /** Reads a tag and length, leaves the position at the content, returns the content's end. */
    private int enter(int tag) throws FormatException {
        int len = header(tag);
        return pos + len;
    }

    private void skip(int tag) throws FormatException {
        int len = header(tag); // not "pos += header(tag)": that adds to the position before the header was read
        pos += len;
    }

    private byte[] read(int tag) throws FormatException {
        int len = header(tag);
        byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + len);
        pos += len;
        return out;
    }

    private int header(int tag) throws FormatException {
        if (pos + 2 > b.length || (b[pos] & 0xff) != tag) {
            throw new FormatException("not DER of the expected structure");
        }
        pos++;
        int len = b[pos++] & 0xff;
        if (len >= 0x80) {
            int n = len & 0x7f;
            if (n == 0 || n > 3 || pos + n > b.length) {
                throw new FormatException("not DER of the expected structure");
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (b[pos++] & 0xff);
            }
        }
        if (pos + len > b.length) {
            throw new FormatException("truncated DER");
        }
        return len;
    }

    static String oid(byte[] v) throws FormatException {
        if (v.length == 0) {
            throw new FormatException("empty OID");
        }
        StringBuilder sb = new StringBuilder();
        int first = v[0] & 0xff;
        // only single-byte first arcs occur in the OIDs this class names
        sb.append(Math.min(first / 40, 2)).append('.').append(first - 40 * Math.min(first / 40, 2));
        long arc = 0;
        for (int i = 1; i < v.length; i++) {
            arc = (arc << 7) | (v[i] & 0x7f);
            if ((v[i] & 0x80) == 0) {
                sb.append('.').append(arc);
                arc = 0;
            }
        }
        return sb.toString();
    }
}
