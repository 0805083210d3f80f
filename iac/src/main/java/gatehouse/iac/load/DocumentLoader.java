package gatehouse.iac.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import gatehouse.core.Diagnostic;
import gatehouse.core.SourceSpan;
import gatehouse.core.doc.BoolValue;
import gatehouse.core.doc.FloatValue;
import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.NullValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.iac.load.internal.YamlBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads JSON and YAML documents into {@link Value} trees with data paths and source positions.
 *
 * <p><b>Compatibility with cfn-guard 3.1.1.</b> Scalars are typed as cfn-guard types them: a plain YAML
 * scalar is an int if it parses as a 64-bit integer, else a float if it parses as a Rust {@code f64}
 * ({@code 1.}, {@code 1e3}, {@code inf}, {@code NaN}; not {@code .inf}), else a bool for {@code true} /
 * {@code false}, else null for {@code ~}, {@code null}, {@code Null}, {@code NULL}, else a string (so
 * {@code True}, {@code yes}, {@code 0x1F} and an empty value are strings). Quoted scalars are strings.
 * CloudFormation short-form tags become their long form ({@code !Ref x} → {@code {Ref: x}},
 * {@code !GetAtt a.b} → {@code {"Fn::GetAtt": "a.b"}}, {@code !Condition c} → {@code {Condition: c}});
 * other tags are dropped. Non-string map keys and empty documents are errors, as in cfn-guard.
 * Positions are 1-based lines and 0-based columns of the value's first character (cfn-guard prints
 * {@code L:line-1,C:column}).
 *
 * <p><b>Anchors, aliases and merge keys.</b> cfn-guard rejects YAML aliases. Gatehouse resolves anchors,
 * aliases and {@code <<} merge keys by default — split-ownership templates use them — with an expansion
 * budget ({@link LoadLimits#maxExpandedNodes()}) so a "billion laughs" document fails fast instead of
 * exhausting memory. {@link #rejectAliases(boolean)} restores cfn-guard's strictness. A valid document
 * without aliases loads to the same tree either way, so no verdict changes.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class DocumentLoader {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(1000)
                    .maxStringLength(Integer.MAX_VALUE).maxNumberLength(1000).build())
            .build();

    private final LoadLimits limits;
    private final boolean rejectAliases;

    private DocumentLoader(LoadLimits limits, boolean rejectAliases) {
        this.limits = limits;
        this.rejectAliases = rejectAliases;
    }

    public static DocumentLoader defaults() {
        return new DocumentLoader(LoadLimits.DEFAULT, false);
    }

    public DocumentLoader withLimits(LoadLimits limits) {
        return new DocumentLoader(limits, rejectAliases);
    }

    /** With {@code true}, YAML aliases are an error, as in cfn-guard. */
    public DocumentLoader rejectAliases(boolean reject) {
        return new DocumentLoader(limits, reject);
    }

    public LoadLimits limits() {
        return limits;
    }

    /**
     * Loads a file; its name as given is used in paths of diagnostics.
     *
     * @throws LoadException for a missing or unreadable path, a directory, binary or invalid content
     */
    public Value load(Path file) {
        String name = file.toString();
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw ioError(name, "is a directory, not a file", "name a file, or pass the directory where directories are accepted");
            }
            long size = Files.size(file);
            if (size > limits.maxBytes()) {
                throw ioError(name, "file is " + size + " bytes, more than the limit of " + limits.maxBytes(),
                        "raise the limit with --max-input-bytes if this file is really meant as input");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw ioError(name, "no such file", "check the path");
        } catch (IOException e) {
            throw ioError(name, "cannot read: " + e.getMessage(), null);
        }
        return load(name, decode(name, bytes));
    }

    /** Loads a document from a stream (standard input), read up to the byte limit. */
    public Value load(String displayName, InputStream in) {
        byte[] bytes;
        try {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, limits.maxBytes() + 1));
        } catch (IOException e) {
            throw ioError(displayName, "cannot read: " + e.getMessage(), null);
        }
        if (bytes.length > limits.maxBytes()) {
            throw ioError(displayName, "input is larger than the limit of " + limits.maxBytes() + " bytes", null);
        }
        return load(displayName, decode(displayName, bytes));
    }

    /** Loads a document from text. */
    public Value load(String displayName, String text) {
        if (text.length() > limits.maxBytes()) {
            throw ioError(displayName, "input is larger than the limit of " + limits.maxBytes() + " bytes", null);
        }
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw error("input_io_error", displayName, text, nul, "binary content (a NUL byte), not JSON or YAML",
                    "point the command at a template or data file");
        }
        if (text.isBlank()) {
            throw error("input_yaml_error", displayName, text, 0, "empty document",
                    "a data file must hold a JSON or YAML document");
        }
        int first = 0;
        while (first < text.length() && Character.isWhitespace(text.charAt(first))) {
            first++;
        }
        char c = text.charAt(first);
        if (c == '{' || c == '[') {
            try {
                return loadJson(displayName, text);
            } catch (LoadException jsonError) {
                // Valid YAML flow syntax is not always valid JSON ({a: 1}); fall back to YAML. Report the JSON
                // error when the YAML reader fails too and the file is meant to be JSON.
                try {
                    return loadYaml(displayName, text);
                } catch (LoadException yamlError) {
                    throw displayName.toLowerCase().endsWith(".json") ? jsonError : yamlError;
                }
            }
        }
        return loadYaml(displayName, text);
    }

    private Value loadYaml(String name, String text) {
        return new YamlBuilder(name, text, limits, rejectAliases).build();
    }

    private static String decode(String name, byte[] bytes) {
        for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
            if (bytes[i] == 0) {
                throw ioError(name, "binary content (a NUL byte at offset " + i + "), not JSON or YAML",
                        "point the command at a template or data file");
            }
        }
        int offset = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
                && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset)).toString();
        } catch (CharacterCodingException e) {
            throw ioError(name, "not UTF-8 text", "templates and data files must be UTF-8");
        }
    }

    // ------------------------------------------------------------------ JSON

    private Value loadJson(String name, String text) {
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw error("input_json_error", name, text, 0, "empty document", null);
            }
            Value v = jsonValue(p, t, "", name, text);
            JsonToken extra = p.nextToken();
            if (extra != null) {
                throw jsonError(name, text, p.currentTokenLocation(), "unexpected content after the document");
            }
            return v;
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            String msg = e.getOriginalMessage();
            if (msg != null && msg.length() > 200) {
                msg = msg.substring(0, 200) + "...";
            }
            throw jsonError(name, text, l, msg);
        } catch (IOException e) {
            throw ioError(name, e.getMessage(), null);
        }
    }

    /** Builds one value; iterative over siblings, recursive over depth (bounded by the parser's nesting limit). */
    private Value jsonValue(JsonParser p, JsonToken t, String path, String name, String text) throws IOException {
        JsonLocation l = p.currentTokenLocation();
        Position pos = new Position((int) l.getLineNr(), Math.max(0, (int) l.getColumnNr() - 1));
        switch (t) {
            case START_OBJECT -> {
                Map<String, Value> entries = new LinkedHashMap<>();
                Map<String, Position> keys = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonLocation kl = p.currentTokenLocation();
                    keys.put(key, new Position((int) kl.getLineNr(), Math.max(0, (int) kl.getColumnNr() - 1)));
                    JsonToken vt = p.nextToken();
                    entries.put(key, jsonValue(p, vt, Value.childPath(path, key), name, text));
                }
                return new MapValue(path, pos, entries, keys);
            }
            case START_ARRAY -> {
                List<Value> elements = new ArrayList<>();
                JsonToken e;
                int i = 0;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY && e != null) {
                    elements.add(jsonValue(p, e, Value.childPath(path, i++), name, text));
                }
                return new ListValue(path, pos, elements);
            }
            case VALUE_STRING -> {
                return new StringValue(path, pos, p.getText());
            }
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return new FloatValue(path, pos, p.getDoubleValue());
                }
                return new IntValue(path, pos, p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return new FloatValue(path, pos, p.getDoubleValue());
            }
            case VALUE_TRUE -> {
                return new BoolValue(path, pos, true);
            }
            case VALUE_FALSE -> {
                return new BoolValue(path, pos, false);
            }
            case VALUE_NULL -> {
                return new NullValue(path, pos);
            }
            default -> throw jsonError(name, text, l, "unexpected token " + t);
        }
    }

    private static LoadException jsonError(String name, String text, JsonLocation l, String msg) {
        int line = l == null ? 1 : Math.max(1, (int) l.getLineNr());
        int col = l == null ? 1 : Math.max(1, (int) l.getColumnNr());
        String first = msg == null ? "invalid JSON" : msg.lines().findFirst().orElse("invalid JSON");
        return LoadException.of(Diagnostic.of("input_json_error", SourceSpan.at(name, line, col), "invalid JSON: " + first,
                "check the brackets, commas and quotes around this place").withSourceLine(lineText(text, line)),
                "Error occurred while parsing data file " + name + ": " + first);
    }

    // ------------------------------------------------------------------ errors

    static String lineText(String text, int line) {
        return YamlBuilder.lineText(text, line);
    }

    static LoadException error(String code, String name, String text, int offset, String msg, String hint) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return LoadException.of(Diagnostic.of(code, SourceSpan.at(name, line, offset - lineStart + 1), msg, hint)
                .withSourceLine(lineText(text, line)), msg);
    }

    static LoadException ioError(String name, String msg, String hint) {
        return LoadException.of(Diagnostic.of("input_io_error", SourceSpan.at(name, 1, 1), msg, hint),
                "Error occurred while reading " + name + ": " + msg);
    }
}
