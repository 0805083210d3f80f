package gatehouse.monitor.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;

/** Masking never lets a given secret through, wherever it stands in the text. */
class MaskingTest {
    @Property(tries = 300)
    void aSecretNeverSurvives(@ForAll @AlphaChars @StringLength(min = 4, max = 40) String secret, @ForAll String before,
                              @ForAll String after) {
        String out = new Masking(List.of(secret)).apply(before + secret + after);
        assertThat(out).doesNotContain(secret);
    }

    @Property(tries = 200)
    void textWithoutSecretsIsUnchanged(@ForAll @AlphaChars @StringLength(max = 60) String text) {
        assertThat(new Masking(List.of("zzzz-not-there")).apply(text)).isEqualTo(text);
    }

    @net.jqwik.api.Example
    void labelsAreKept() {
        Masking m = Masking.patternsOnly();
        assertThat(m.apply("password=hunter22 user=bob")).isEqualTo("password=**** user=bob");
        assertThat(m.apply("api_key: 0123456789")).isEqualTo("api_key: ****");
        assertThat(m.apply("key AKIAIOSFODNN7EXAMPLE end")).isEqualTo("key **** end");
    }
}
