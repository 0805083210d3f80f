package gatehouse.monitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fast CloudTrail time parser answers exactly as {@link Instant#parse}, or leaves the decision to it. */
class UtcTimeTest {
    static Instant parse(String s) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Property(tries = 2000)
    void equalsInstantParseOnInstants(@ForAll @LongRange(min = 0, max = 253_402_300_799L) long seconds,
                                      @ForAll @IntRange(min = 0, max = 999_999_999) int nanos, @ForAll @IntRange(min = 0, max = 9) int digits) {
        String base = Instant.ofEpochSecond(seconds).toString(); // yyyy-MM-ddTHH:mm:ssZ
        String text = digits == 0 ? base : base.substring(0, base.length() - 1) + "."
                + String.format("%09d", nanos).substring(0, digits) + "Z";
        assertThat(RecordReader.utc(text)).isEqualTo(parse(text)).isNotNull();
    }

    @Property(tries = 2000)
    void neverDisagreesOnArbitraryText(@ForAll @StringLength(min = 18, max = 32) String noise) {
        Instant fast = RecordReader.utc(noise);
        if (fast != null) {
            assertThat(fast).isEqualTo(parse(noise));
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"2026-02-29T00:00:00Z,fallback", "2026-13-01T00:00:00Z,fallback", "2026-04-31T00:00:00Z,fallback",
            "2026-01-01T24:00:00Z,fallback", "2026-01-01T00:00:60Z,fallback", "2026-01-01T00:00:00.Z,fallback",
            "2026-01-01T00:00:00.1234567890Z,fallback", "2026-01-01 00:00:00Z,fallback", "2026-01-01T00:00:00+01:00,fallback",
            "2024-02-29T23:59:59.5Z,fast", "2026-12-02T10:00:01Z,fast"})
    void edgeCases(String text, String expected) {
        Instant fast = RecordReader.utc(text);
        if (expected.equals("fast")) {
            assertThat(fast).isNotNull().isEqualTo(parse(text));
        } else {
            assertThat(fast).isNull(); // Instant.parse decides: leap seconds, offsets, malformed or impossible dates
        }
    }
}
