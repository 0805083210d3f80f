package gatehouse.monitor.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gatehouse.monitor.events.CloudTrailEnvelope;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.zip.GZIPInputStream;

/**
 * Pulls records out of one input stream, one at a time, holding at most one record in memory: a root
 * {@code {"Records": […]}} object or a root array is walked element by element with the streaming parser; any other
 * root object is one record (an EventBridge envelope is unwrapped). Several root values in a row (JSON lines, or
 * concatenated files) are read in turn. Gzip is recognised by its magic bytes, whatever the file is called.
 */
final class RecordReader implements Closeable {
    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private final String name;
    private final JsonParser parser;
    private final ObjectMapper mapper;
    /** What to keep of each record, or null for all; see {@link EventSource#of(java.util.List, InputStream, java.util.function.Consumer, Projection)}. */
    private final Projection projection;
    /** The parser when it reads records straight from the bytes ({@link FastRecordParser}), else null. */
    private final FastRecordParser fast;
    /** 0: between root values; 1: inside a root array of records; 2: inside the Records array of a root object. */
    private int state;

    RecordReader(String name, InputStream raw, ObjectMapper mapper, Projection projection) throws IOException {
        this.name = name;
        this.mapper = mapper;
        this.projection = projection;
        // one underlying read per buffer refill: BufferedInputStream reads on while available() > 0, and a gzip
        // stream says 1 until its end, so a refill over a cut-off gzip would read into the failure and throw away
        // the complete records it had already copied
        BufferedInputStream in = new BufferedInputStream(new java.io.FilterInputStream(raw) {
            @Override
            public int available() {
                return 0;
            }
        }, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        InputStream body = b1 == GZIP_MAGIC_1 && b2 == GZIP_MAGIC_2 ? new GZIPInputStream(in, 1 << 16) : in;
        this.parser = projection == null ? mapper.createParser(body) : FastRecordParser.open(mapper, body);
        this.fast = parser instanceof FastRecordParser f ? f : null;
    }

    /** The next record, or null at the end of the stream. */
    Event next() throws IOException {
        while (true) {
            if (state == 0) {
                JsonToken t = parser.nextToken();
                if (t == null) {
                    return null;
                }
                if (t == JsonToken.START_ARRAY) {
                    state = 1;
                } else if (t == JsonToken.START_OBJECT) {
                    Event e = rootObject();
                    if (e != null) {
                        return e;
                    }
                } else {
                    throw new BadInput("expected a JSON object or array, found " + describe(t), parser.currentTokenLocation());
                }
            } else {
                JsonToken t = parser.nextToken();
                if (t == JsonToken.END_ARRAY) {
                    if (state == 2) {
                        skipRestOfObject();
                    }
                    state = 0;
                } else if (t == JsonToken.START_OBJECT) {
                    JsonLocation at = parser.currentTokenLocation();
                    JsonNode record = projection == null ? mapper.readTree(parser) : projected();
                    return event(record, at);
                } else if (t == null) {
                    throw new BadInput("unexpected end of input inside an array of records", parser.currentLocation());
                } else {
                    throw new BadInput("a record must be a JSON object, found " + describe(t), parser.currentTokenLocation());
                }
            }
        }
    }

    /**
     * Reads a root object field by field. A {@code Records} array switches to streaming its elements (the fields
     * seen so far are dropped: a CloudTrail file has no others); otherwise the object is one record.
     */
    private Event rootObject() throws IOException {
        JsonLocation at = parser.currentTokenLocation();
        if (fast != null) {
            ObjectNode record = fast.record(projection.root);
            if (record != null) {
                return event(record, at);
            }
        }
        ObjectNode node = mapper.createObjectNode();
        JsonToken t;
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken v = parser.nextToken();
            if (v == JsonToken.START_ARRAY && field.equals("Records")) {
                state = 2;
                return null;
            }
            if (kept(field)) {
                node.set(field, mapper.readTree(parser));
            } else {
                parser.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new BadInput("unexpected end of input inside an object", parser.currentLocation());
        }
        return event(node, at);
    }

    private boolean kept(String field) {
        return projection == null || projection.roots().contains(field) || Projection.ALWAYS.contains(field);
    }

    /**
     * Reads the object at the current START_OBJECT keeping what the projection names: straight from the bytes when
     * the record allows it ({@link FastRecordParser#record}), else with Jackson, keeping the {@link #kept} top-level
     * fields whole (the same verdicts for every consumer that reads only the projected paths); the rest is skipped
     * unparsed.
     */
    private JsonNode projected() throws IOException {
        if (fast != null) {
            ObjectNode record = fast.record(projection.root);
            if (record != null) {
                return record;
            }
        }
        ObjectNode node = mapper.createObjectNode();
        JsonToken t;
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (kept(field)) {
                node.set(field, mapper.readTree(parser));
            } else {
                parser.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new BadInput("unexpected end of input inside a record", parser.currentLocation());
        }
        return node;
    }

    private void skipRestOfObject() throws IOException {
        JsonToken t;
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
            parser.nextToken();
            parser.skipChildren();
        }
        if (t != JsonToken.END_OBJECT) {
            throw new BadInput("unexpected end of input after the Records array", parser.currentLocation());
        }
    }

    private Event event(JsonNode record, JsonLocation at) {
        JsonNode detail = CloudTrailEnvelope.unwrap(record);
        if (detail != null) {
            record = detail;
        }
        JsonNode id = record.get("eventID");
        return new Event(record, name + ":" + at.getLineNr(), id != null && id.isTextual() ? id.textValue() : null,
                time(record));
    }

    private static Instant time(JsonNode record) {
        for (String f : new String[] {"eventTime", "@timestamp"}) {
            JsonNode v = record.get(f);
            if (v != null && v.isTextual()) {
                Instant fast = utc(v.textValue());
                if (fast != null) {
                    return fast;
                }
                try {
                    return Instant.parse(v.textValue());
                } catch (DateTimeParseException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * CloudTrail's own time format, {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}, parsed without the general formatter (a
     * per-record cost at hundreds of thousands of records a second); null for anything else, which
     * {@link Instant#parse} then decides. Equal to {@code Instant.parse} wherever it answers (a property test checks).
     */
    static Instant utc(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            int frac = n - 21;
            if (s.charAt(19) != '.' || frac < 1 || frac > 9) {
                return null;
            }
            nanos = digits(s, 20, frac);
            if (nanos < 0) {
                return null;
            }
            for (int i = frac; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3600 + minute * 60 + second, nanos);
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
        };
    }

    /** The parser's position now, for an I/O error (e.g. a truncated gzip stream) that carries none. */
    JsonLocation location() {
        return parser.currentLocation();
    }

    String name() {
        return name;
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    /** Input that is valid JSON but not a stream of records. */
    static final class BadInput extends IOException {
        final transient JsonLocation location;

        BadInput(String message, JsonLocation location) {
            super(message);
            this.location = location;
        }
    }
}
