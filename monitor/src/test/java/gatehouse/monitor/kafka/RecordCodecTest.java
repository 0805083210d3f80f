package gatehouse.monitor.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.monitor.events.CloudTrailEnvelope;
import gatehouse.monitor.ingest.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', nullValues = "NULL", value = {
        "{\"recipientAccountId\": \"111122223333\", \"userIdentity\": {\"accountId\": \"999\"}} | 111122223333",
        "{\"userIdentity\": {\"accountId\": \"444455556666\"}}                                   | 444455556666",
        "{\"recipientAccountId\": \"\", \"userIdentity\": {\"accountId\": \"777\"}}              | 777",
        "{\"eventName\": \"x\"}                                                                   | NULL",
        "{\"detail-type\": \"AWS API Call via CloudTrail\", \"account\": \"123\", \"detail\": {\"recipientAccountId\": \"456\"}} | 123",
        "{\"detail-type\": \"AWS API Call via CloudTrail\", \"detail\": {\"recipientAccountId\": \"456\"}} | 456",
    })
    void theKeyIsTheAccount(String json, String key) throws IOException {
        assertThat(RecordCodec.accountKey(JSON.readTree(json))).isEqualTo(key);
    }

    @Test
    void aRecordRoundTripsAndAnEnvelopeIsUnwrapped() throws IOException {
        JsonNode record = JSON.readTree("{\"eventID\": \"e-1\", \"eventTime\": \"2026-11-30T10:00:00Z\", \"recipientAccountId\": \"1\"}");
        RecordCodec codec = new RecordCodec();
        Event e = codec.decode(codec.encode(record), "t-0@5");
        assertThat(e.record()).isEqualTo(record);
        assertThat(e.origin()).isEqualTo("t-0@5");
        assertThat(e.eventId()).isEqualTo("e-1");
        assertThat(e.eventTime()).isEqualTo(Instant.parse("2026-11-30T10:00:00Z"));
        Event wrapped = codec.decode(codec.encode(CloudTrailEnvelope.wrap(record)), "t-0@6");
        assertThat(wrapped.record()).isEqualTo(record);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"42\"        | a record must be a JSON object, found number",
        "\"{\"\"a\"\": \" | invalid JSON: Unexpected end-of-input",
    })
    void valuesThatAreNotRecordsAreRefused(String value, String message) {
        assertThatThrownBy(() -> new RecordCodec().decode(value.getBytes(StandardCharsets.UTF_8), "t-0@1"))
                .isInstanceOf(IOException.class).message().startsWith(message);
    }
}
