package gatehouse.monitor.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Jackson's UTF-8 tokenizer with one shortcut: {@link #record} reads a whole record (the object whose
 * {@code START_OBJECT} was just returned) straight from the input bytes, building only the nodes a {@link Projection}
 * names and skipping everything else without making tokens, names or strings of it. Everything around records (the
 * {@code Records} array, root values, commas, errors) stays Jackson's.
 *
 * <p><b>Exactness.</b> The shortcut accepts a strict subset of what Jackson accepts: RFC 8259 JSON with well-formed
 * UTF-8, no {@code DEL} or control characters in strings, nesting, names, numbers and records well below Jackson's
 * limits, and no {@code detail}, {@code detail-type} or {@code Records} field at the record's top level (an
 * EventBridge envelope or a CloudTrail file object, which the caller treats specially). On anything else, including
 * every syntax error, it gives up before changing any state, and the caller reads the record with Jackson as before;
 * so the records, their line numbers and every diagnostic are Jackson's. The nodes it builds are those Jackson builds
 * for the same bytes (numbers and whole subtrees are built by Jackson itself, from the value's bytes). A differential
 * test compares the two over generated and corrupted inputs.
 *
 * <p>The shortcut needs the record's bytes in one buffer: it grows the buffer up to {@value #MAX_BUFFER} bytes and
 * gives up on larger records. A read failure while it fills the buffer is kept and given again to Jackson's next
 * read, so it surfaces where Jackson reads.
 */
final class FastRecordParser extends UTF8StreamJsonParser {
    static final int MAX_BUFFER = 16 << 20;
    private static final int MAX_DEPTH = 200;
    private static final int MAX_NUMBER = 100;
    private static final int MAX_NAME = 1000;
    private static final Bail BAIL = new Bail();
    /** Bytes a string holds as they are: printable ASCII except the quote, the backslash and DEL. */
    private static final boolean[] PLAIN = new boolean[256];
    private static final byte[] DETAIL = "detail".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DETAIL_TYPE = "detail-type".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RECORDS = "Records".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int c = 0x20; c < 0x7f; c++) {
            PLAIN[c] = c != '"' && c != '\\';
        }
    }

    private final ObjectMapper mapper;
    private final JsonNodeFactory nodes;
    /** Scan state of {@link #record}: the buffer, position, end of the record, line and line start. */
    private byte[] b;
    private int p;
    private int lim;
    private int row;
    private int rowStart;
    /** What the last {@link #string} found: the index of its closing quote, whether it has escapes, non-ASCII. */
    private int strEnd;
    private boolean strEscaped;
    private boolean strWide;
    /** Whether the scan gave up for want of bytes rather than for what it saw. */
    private boolean short_;

    private FastRecordParser(IOContext ctxt, int features, InputStream in, ObjectMapper mapper, ByteQuadsCanonicalizer sym,
                             byte[] buf, int end) {
        super(ctxt, features, in, mapper, sym, buf, 0, end, 0, false);
        this.mapper = mapper;
        this.nodes = mapper.getNodeFactory();
    }

    /**
     * A parser over {@code in} as {@code mapper.createParser(in)} makes it; a {@link FastRecordParser} when the input
     * is UTF-8 without a byte-order mark (what Jackson's encoding detection then picks is the plain UTF-8 tokenizer,
     * which this one is), else Jackson's own.
     */
    static JsonParser open(ObjectMapper mapper, InputStream in) throws IOException {
        byte[] buf = new byte[1 << 16];
        int n = 0;
        while (n < 4) {
            int c = in.read(buf, n, buf.length - n);
            if (c < 0) {
                break;
            }
            n += c;
        }
        int b0 = buf[0] & 0xff;
        boolean utf8 = n >= 4 && buf[0] != 0 && buf[1] != 0 && buf[2] != 0 && buf[3] != 0 && b0 != 0xef && b0 != 0xfe
                && b0 != 0xff;
        if (!utf8) {
            return mapper.createParser(new SequenceInputStream(new ByteArrayInputStream(buf, 0, n), in));
        }
        return mapper.getDeserializationConfig().initialize(new Factory().create(mapper, new Sticky(in), buf, n));
    }

    /** Makes the parser with the same context, features and symbol table a default factory gives its parsers. */
    private static final class Factory extends JsonFactory {
        private static final long serialVersionUID = 1L;

        JsonParser create(ObjectMapper mapper, InputStream in, byte[] buf, int n) {
            IOContext ctxt = _createContext(_createContentReference(in), false);
            return new FastRecordParser(ctxt, _parserFeatures, in, mapper, _byteSymbolCanonicalizer.makeChild(_factoryFeatures),
                    buf, n);
        }
    }

    /** An input stream that, once a read failed, fails every later read with the same exception. */
    private static final class Sticky extends FilterInputStream {
        private IOException failed;

        Sticky(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            if (failed != null) {
                throw failed;
            }
            try {
                return in.read();
            } catch (IOException e) {
                failed = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (failed != null) {
                throw failed;
            }
            try {
                return in.read(buf, off, len);
            } catch (IOException e) {
                failed = e;
                throw e;
            }
        }
    }

    /** Thrown (without a stack trace) where the shortcut gives up. */
    private static final class Bail extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Bail() {
            super(null, null, false, false);
        }
    }

    /**
     * Reads the record whose {@code START_OBJECT} is the current token, through its {@code END_OBJECT} (which becomes
     * the current token), keeping what {@code root} names; or returns null, having consumed nothing, when the record
     * is not in the subset this shortcut reads (the caller then reads it with Jackson).
     */
    ObjectNode record(Projection.Node root) {
        if (_currToken != JsonToken.START_OBJECT) {
            return null;
        }
        ObjectNode out;
        while (true) {
            b = _inputBuffer;
            p = _inputPtr;
            lim = _inputEnd;
            row = _currInputRow;
            rowStart = _currInputRowStart;
            short_ = false;
            out = nodes.objectNode();
            try {
                object(root, out, 1, true);
                break;
            } catch (Bail e) {
                if (!short_ || fill() < 0) {
                    return null;
                }
            }
        }
        int close = p;
        _inputPtr = close;
        _currInputRow = row;
        _currInputRowStart = rowStart;
        _tokenInputTotal = _currInputProcessed + close - 1;
        _tokenInputRow = row;
        _tokenInputCol = close - 1 - rowStart;
        _parsingContext = _parsingContext.clearAndGetParent();
        _currToken = JsonToken.END_OBJECT;
        return out;
    }

    /**
     * Moves the unread bytes to the front of the buffer (growing it when they fill it) and reads more after them.
     * Returns by how much the unread bytes moved, or -1 at the end of input, on a read failure, or when the buffer
     * would exceed {@link #MAX_BUFFER}. Keeps Jackson's view consistent: the same bytes are unread, at the same
     * line, column and offset.
     */
    private int fill() {
        int keep = _inputPtr;
        if (keep > 0) {
            System.arraycopy(_inputBuffer, keep, _inputBuffer, 0, _inputEnd - keep);
            _currInputProcessed += keep;
            _currInputRowStart -= keep;
            _nameStartOffset -= keep;
            _inputEnd -= keep;
            _inputPtr = 0;
        }
        if (_inputEnd == _inputBuffer.length) {
            if (_inputBuffer.length >= MAX_BUFFER) {
                return -1;
            }
            _inputBuffer = Arrays.copyOf(_inputBuffer, _inputBuffer.length * 2);
        }
        int n;
        try {
            n = _inputStream.read(_inputBuffer, _inputEnd, _inputBuffer.length - _inputEnd);
        } catch (IOException e) {
            return -1; // Sticky gives the same failure to Jackson's next read
        }
        if (n <= 0) {
            return -1;
        }
        _inputEnd += n;
        return keep;
    }

    private static Bail bail() {
        return BAIL;
    }

    /** Gives up because the buffered bytes end before the record does: {@link #record} reads more and starts over. */
    private Bail more() {
        short_ = true;
        return BAIL;
    }

    private byte peek() {
        if (p >= lim) {
            throw more();
        }
        return b[p];
    }

    private void ws() {
        byte[] buf = b;
        while (p < lim) {
            byte c = buf[p];
            if (c == ' ' || c == '\t') {
                p++;
            } else if (c == '\n') {
                p++;
                row++;
                rowStart = p;
            } else if (c == '\r') {
                p++;
                if (p < lim && buf[p] == '\n') {
                    p++;
                }
                row++;
                rowStart = p;
            } else {
                return;
            }
        }
    }

    /** The members of an object, {@code p} after its '{', through its '}'; keeps the children {@code node} names. */
    private void object(Projection.Node node, ObjectNode out, int depth, boolean top) {
        ws();
        if (peek() == '}') {
            p++;
            return;
        }
        boolean named = node.hasNamed();
        while (true) {
            if (peek() != '"') {
                throw bail();
            }
            int ks = p + 1;
            string();
            int ke = strEnd;
            if (ke - ks > MAX_NAME) {
                throw bail();
            }
            ws();
            if (peek() != ':') {
                throw bail();
            }
            p++;
            ws();
            Projection.Node c = null;
            if (named) {
                if (strEscaped || top && special(ks, ke)) {
                    throw bail();
                }
                c = node.child(b, ks, ke);
            }
            if (c == null) {
                skip(depth);
            } else {
                out.set(c.name, value(c, depth));
            }
            ws();
            byte x = peek();
            if (x == ',') {
                p++;
                ws();
            } else if (x == '}') {
                p++;
                return;
            } else {
                throw bail();
            }
        }
    }

    private boolean special(int ks, int ke) {
        int len = ke - ks;
        return len == DETAIL.length && Arrays.equals(b, ks, ke, DETAIL, 0, len)
                || len == DETAIL_TYPE.length && Arrays.equals(b, ks, ke, DETAIL_TYPE, 0, len)
                || len == RECORDS.length && Arrays.equals(b, ks, ke, RECORDS, 0, len);
    }

    /** The elements of an array, {@code p} after its '[', through its ']'; keeps the elements {@code node} indexes. */
    private ArrayNode array(Projection.Node node, int depth) {
        ArrayNode a = nodes.arrayNode();
        Projection.Node[] ix = node.indexed;
        int max = ix == null ? -1 : ix.length - 1;
        ws();
        if (peek() == ']') {
            p++;
            return a;
        }
        for (int k = 0; ; k++) {
            Projection.Node e = k <= max ? ix[k] : null;
            if (e != null) {
                a.add(value(e, depth));
            } else {
                skip(depth);
                if (k < max) {
                    a.add(NullNode.getInstance());
                }
            }
            ws();
            byte x = peek();
            if (x == ',') {
                p++;
                ws();
            } else if (x == ']') {
                p++;
                return a;
            } else {
                throw bail();
            }
        }
    }

    /** A value that {@code node} names, built as Jackson builds it (containers: only the named children). */
    private JsonNode value(Projection.Node node, int depth) {
        byte x = peek();
        switch (x) {
            case '{', '[' -> {
                if (depth >= MAX_DEPTH) {
                    throw bail();
                }
                if (node.whole) {
                    int s = p;
                    skip(depth);
                    return jackson(s, p);
                }
                p++;
                if (x == '[') {
                    return array(node, depth + 1);
                }
                ObjectNode o = nodes.objectNode();
                object(node, o, depth + 1, false);
                return o;
            }
            case '"' -> {
                int s = p + 1;
                string();
                return nodes.textNode(text(s, strEnd));
            }
            case 't' -> {
                literal(TRUE);
                return BooleanNode.TRUE;
            }
            case 'f' -> {
                literal(FALSE);
                return BooleanNode.FALSE;
            }
            case 'n' -> {
                literal(NULL);
                return NullNode.getInstance();
            }
            default -> {
                int s = p;
                number();
                return jackson(s, p);
            }
        }
    }

    /** The node Jackson builds for the value at {@code b[s, e)} (already checked). */
    private JsonNode jackson(int s, int e) {
        try {
            return mapper.readTree(b, s, e - s);
        } catch (IOException ex) {
            throw bail();
        }
    }

    /** Checks and skips one value. */
    private void skip(int depth) {
        p = skipAt(b, p, lim, depth);
    }

    /**
     * Checks the value at {@code buf[i]} and returns the index after it; positions are kept in locals here (the bulk
     * of a record is skipped, and this is the loop that skips it).
     */
    private int skipAt(byte[] buf, int i, int end, int depth) {
        if (i >= end) {
            throw more();
        }
        switch (buf[i]) {
            case '"' -> {
                return skipString(buf, i, end);
            }
            case '{' -> {
                if (depth >= MAX_DEPTH) {
                    throw bail();
                }
                i = wsAt(buf, i + 1, end);
                if (buf[i] == '}') {
                    return i + 1;
                }
                while (true) {
                    if (buf[i] != '"') {
                        throw bail();
                    }
                    int ks = i;
                    i = skipString(buf, i, end);
                    if (i - ks > MAX_NAME + 2) {
                        throw bail();
                    }
                    i = wsAt(buf, i, end);
                    if (buf[i] != ':') {
                        throw bail();
                    }
                    i = skipAt(buf, wsAt(buf, i + 1, end), end, depth + 1);
                    i = wsAt(buf, i, end);
                    byte y = buf[i];
                    if (y == ',') {
                        i = wsAt(buf, i + 1, end);
                    } else if (y == '}') {
                        return i + 1;
                    } else {
                        throw bail();
                    }
                }
            }
            case '[' -> {
                if (depth >= MAX_DEPTH) {
                    throw bail();
                }
                i = wsAt(buf, i + 1, end);
                if (buf[i] == ']') {
                    return i + 1;
                }
                while (true) {
                    i = wsAt(buf, skipAt(buf, i, end, depth + 1), end);
                    byte y = buf[i];
                    if (y == ',') {
                        i = wsAt(buf, i + 1, end);
                    } else if (y == ']') {
                        return i + 1;
                    } else {
                        throw bail();
                    }
                }
            }
            case 't' -> {
                return literalAt(buf, i, end, TRUE);
            }
            case 'f' -> {
                return literalAt(buf, i, end, FALSE);
            }
            case 'n' -> {
                return literalAt(buf, i, end, NULL);
            }
            default -> {
                return numberAt(buf, i, end);
            }
        }
    }

    /**
     * The index of the first byte at or after {@code i} that is not whitespace, counting lines as Jackson does; gives
     * up for want of bytes when there is none, so the caller may read {@code buf} at the result.
     */
    private int wsAt(byte[] buf, int i, int end) {
        while (true) {
            if (i >= end) {
                throw more();
            }
            byte c = buf[i];
            if (c > ' ') {
                return i;
            }
            if (c == ' ' || c == '\t') {
                i++;
            } else if (c == '\n') {
                i++;
                row++;
                rowStart = i;
            } else if (c == '\r') {
                i++;
                if (i < end && buf[i] == '\n') {
                    i++;
                } else if (i >= end) {
                    throw more(); // whether a LF follows decides where the line starts
                }
                row++;
                rowStart = i;
            } else {
                return i; // another control character: the caller sees it is not what it expects
            }
        }
    }

    /** The index after the string whose opening quote is at {@code i}, checked as {@link #string} checks it. */
    private int skipString(byte[] buf, int i, int end) {
        i++;
        while (true) {
            if (i + 8 <= end) {
                long m = specials((long) LONGS.get(buf, i));
                if (m == 0) {
                    i += 8;
                    continue;
                }
                i += Long.numberOfTrailingZeros(m) >>> 3;
            } else if (i >= end) {
                throw more();
            }
            int c = buf[i] & 0xff;
            if (PLAIN[c]) {
                i++;
            } else if (c == '"') {
                return i + 1;
            } else if (c == '\\') {
                if (i + 5 >= end) {
                    throw more();
                }
                byte e = buf[i + 1];
                if (e == 'u') {
                    if (hex(buf[i + 2]) < 0 || hex(buf[i + 3]) < 0 || hex(buf[i + 4]) < 0 || hex(buf[i + 5]) < 0) {
                        throw bail();
                    }
                    i += 6;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                    i += 2;
                } else {
                    throw bail();
                }
            } else if (c < 0x80) {
                throw bail(); // a control character or DEL
            } else {
                if (i + 4 >= end) {
                    throw more();
                }
                i = utf8(buf, i, end, c);
            }
        }
    }

    private int literalAt(byte[] buf, int i, int end, byte[] word) {
        int n = word.length;
        if (i + n >= end) {
            throw more(); // a value is followed by at least one byte in a record
        }
        if (!Arrays.equals(buf, i, i + n, word, 0, n)) {
            throw bail();
        }
        return i + n;
    }

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private void literal(byte[] word) {
        int n = word.length;
        if (p + n >= lim) {
            throw more(); // a value is followed by at least one byte in a record
        }
        if (!Arrays.equals(b, p, p + n, word, 0, n)) {
            throw bail();
        }
        p += n;
    }

    /** Checks a number ({@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}) and moves past it. */
    private void number() {
        p = numberAt(b, p, lim);
    }

    /** The index after the number at {@code buf[p0]}, checked as {@link #number} says. */
    private int numberAt(byte[] buf, int p0, int lim) {
        int i = p0;
        if (i < lim && buf[i] == '-') {
            i++;
        }
        if (i >= lim) {
            throw more();
        }
        if (buf[i] == '0') {
            i++;
        } else if (buf[i] >= '1' && buf[i] <= '9') {
            i++;
            while (i < lim && buf[i] >= '0' && buf[i] <= '9') {
                i++;
            }
        } else {
            throw bail();
        }
        if (i < lim && buf[i] == '.') {
            int d = ++i;
            while (i < lim && buf[i] >= '0' && buf[i] <= '9') {
                i++;
            }
            if (i == d) {
                throw i >= lim ? more() : bail();
            }
        }
        if (i < lim && (buf[i] == 'e' || buf[i] == 'E')) {
            i++;
            if (i < lim && (buf[i] == '+' || buf[i] == '-')) {
                i++;
            }
            int d = i;
            while (i < lim && buf[i] >= '0' && buf[i] <= '9') {
                i++;
            }
            if (i == d) {
                throw i >= lim ? more() : bail();
            }
        }
        if (i - p0 > MAX_NUMBER) {
            throw bail();
        }
        return i;
    }

    /**
     * Checks the string starting at {@code p} (its opening quote) and moves past it; sets {@link #strEnd},
     * {@link #strEscaped} and {@link #strWide}. Accepts the escapes of RFC 8259 and well-formed UTF-8.
     */
    private void string() {
        byte[] buf = b;
        int i = p + 1;
        int end = lim;
        boolean esc = false;
        boolean wide = false;
        while (true) {
            if (i + 8 <= end) {
                long m = specials((long) LONGS.get(buf, i));
                if (m == 0) {
                    i += 8;
                    continue;
                }
                i += Long.numberOfTrailingZeros(m) >>> 3; // the lowest flagged byte is a special one
            } else if (i >= end) {
                throw more();
            }
            int c = buf[i] & 0xff;
            if (PLAIN[c]) {
                i++;
                continue;
            }
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                esc = true;
                if (i + 5 >= end) {
                    throw more(); // an escape is at most 6 bytes, and a string ends with a quote after it
                }
                byte e = buf[i + 1];
                if (e == 'u') {
                    if (hex(buf[i + 2]) < 0 || hex(buf[i + 3]) < 0 || hex(buf[i + 4]) < 0 || hex(buf[i + 5]) < 0) {
                        throw bail();
                    }
                    i += 6;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                    i += 2;
                } else {
                    throw bail();
                }
                continue;
            }
            if (c < 0x80) {
                throw bail(); // a control character or DEL
            }
            wide = true;
            if (i + 4 >= end) {
                throw more(); // a sequence is at most 4 bytes, and a string ends with a quote after it
            }
            i = utf8(buf, i, end, c);
        }
        strEnd = i;
        strEscaped = esc;
        strWide = wide;
        p = i + 1;
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * Of eight bytes (little-endian), a mask with the high bit set in the bytes that are not {@link #PLAIN}: a quote,
     * a backslash, below 0x20 or above 0x7e. Bytes above the lowest flagged one may be flagged wrongly (a borrow or
     * carry runs upwards), the lowest flagged one never is.
     */
    static long specials(long w) {
        long q = w ^ 0x2222222222222222L;
        long s = w ^ 0x5c5c5c5c5c5c5c5cL;
        long quote = (q - ONES) & ~q;
        long backslash = (s - ONES) & ~s;
        long control = (w - 0x2020202020202020L) & ~w;
        long high = (w + ONES) | w;
        return (quote | backslash | control | high) & HIGHS;
    }

    /** The index after the well-formed UTF-8 sequence whose lead byte {@code c} is at {@code i}; bails otherwise. */
    private static int utf8(byte[] buf, int i, int end, int c) {
        int n;
        int lo = 0x80;
        int hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            if (c == 0xe0) {
                lo = 0xa0;
            } else if (c == 0xed) {
                hi = 0x9f;
            }
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            if (c == 0xf0) {
                lo = 0x90;
            } else if (c == 0xf4) {
                hi = 0x8f;
            }
        } else {
            throw bail();
        }
        if (i + n >= end) {
            throw bail();
        }
        int c1 = buf[i + 1] & 0xff;
        if (c1 < lo || c1 > hi) {
            throw bail();
        }
        for (int k = 2; k <= n; k++) {
            int ck = buf[i + k] & 0xff;
            if (ck < 0x80 || ck > 0xbf) {
                throw bail();
            }
        }
        return i + n + 1;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** The text of the string whose content is {@code b[s, e)} (checked by {@link #string}, flags still set). */
    private String text(int s, int e) {
        if (!strEscaped) {
            return new String(b, s, e - s, strWide ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        }
        StringBuilder sb = new StringBuilder(e - s);
        int run = s;
        int i = s;
        while (i < e) {
            if (b[i] != '\\') {
                i++;
                continue;
            }
            if (i > run) {
                sb.append(new String(b, run, i - run, StandardCharsets.UTF_8));
            }
            byte x = b[i + 1];
            switch (x) {
                case 'u' -> {
                    sb.append((char) (hex(b[i + 2]) << 12 | hex(b[i + 3]) << 8 | hex(b[i + 4]) << 4 | hex(b[i + 5])));
                    i += 6;
                }
                case 'b' -> { sb.append('\b'); i += 2; }
                case 'f' -> { sb.append('\f'); i += 2; }
                case 'n' -> { sb.append('\n'); i += 2; }
                case 'r' -> { sb.append('\r'); i += 2; }
                case 't' -> { sb.append('\t'); i += 2; }
                default -> { sb.append((char) x); i += 2; } // '"', '\\', '/'
            }
            run = i;
        }
        if (run < e) {
            sb.append(new String(b, run, e - run, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }
}
