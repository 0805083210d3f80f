package gatehouse.pipeline.attest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An attestation file: DSSE envelopes as JSON Lines ({@code .intoto.jsonl}, one envelope per line, as
 * slsa-github-generator and in-toto write them). A pretty-printed single envelope is read too, since any sequence
 * of JSON values separated by white space is accepted. Syntax errors are {@link InputException}s with
 * {@code file:line:col} (code {@code attest_envelope_error}).
 */
public final class AttestationFile {
    private static final String CODE = "attest_envelope_error";

    /**
     * An envelope and where it starts.
     *
     * @param line 1-based line of the envelope's opening brace
     */
    public record Entry(int line, Envelope envelope) {}

    private AttestationFile() {}

    /** Writes one envelope as one line (LF-terminated), replacing the file. */
    public static void write(Path file, Envelope envelope) throws IOException {
        Files.writeString(file, envelope.toJson() + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Reads every envelope in the file.
     *
     * @throws InputException when the file is missing, empty, not JSON, or holds something that is not an envelope
     */
    public static List<Entry> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw error(file, 1, 1, "no such attestation file", "give the .intoto.jsonl file that gatehouse attest wrote");
        } catch (IOException e) {
            throw error(file, 1, 1, "cannot read the attestation file: " + e.getClass().getSimpleName(), "check the path and its permissions");
        }
        List<Entry> out = new ArrayList<>();
        try (JsonParser p = Json.MAPPER.createParser(bytes)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                JsonLocation at = p.currentTokenLocation();
                int line = Math.max(1, at.getLineNr());
                int col = Math.max(1, at.getColumnNr());
                if (t != JsonToken.START_OBJECT) {
                    throw error(file, line, col, "expected a DSSE envelope (a JSON object), found " + describe(t),
                            "an attestation file holds one JSON envelope per line");
                }
                JsonNode node = Json.MAPPER.readTree(p);
                try {
                    out.add(new Entry(line, Envelope.fromJson(node)));
                } catch (FormatException e) {
                    throw error(file, line, col, "not a DSSE envelope: " + e.getMessage(),
                            "an envelope has payloadType, payload (base64) and signatures [{keyid, sig}]");
                }
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw error(file, at == null ? 1 : Math.max(1, at.getLineNr()), at == null ? 1 : Math.max(1, at.getColumnNr()),
                    "invalid JSON: " + firstLine(e.getOriginalMessage()), "an attestation file holds one JSON envelope per line");
        } catch (IOException e) {
            throw error(file, 1, 1, "cannot read the attestation file: " + e.getClass().getSimpleName(), "check the path");
        }
        if (out.isEmpty()) {
            throw error(file, 1, 1, "the attestation file is empty", "give the .intoto.jsonl file that gatehouse attest wrote");
        }
        return out;
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static InputException error(Path file, int line, int col, String message, String hint) {
        return new InputException(Diagnostic.of(CODE, SourceSpan.at(file.toString(), line, col), message, hint));
    }
}
