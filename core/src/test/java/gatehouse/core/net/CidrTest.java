package gatehouse.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {
    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8, 10.1.2.0/24, true",
            "10.0.0.0/8, 10.0.0.0/7, false",
            "10.0.0.0/8, 10.255.255.255, true",
            "10.0.0.0/8, 11.0.0.0/32, false",
            "0.0.0.0/0, 198.51.100.7/32, true",
            "203.0.113.10/32, 203.0.113.10/32, true",
            "203.0.113.10/32, 203.0.113.11, false",
            "10.1.2.3/8, 10.200.0.0/16, true",
            "2001:db8::/32, 2001:db8:1::/48, true",
            "2001:db8::/32, 2001:db9::/32, false",
            "::/0, 2001:db8::1, true",
            "::/0, 10.0.0.0/8, false",
            "10.0.0.0/8, ::ffff:10.0.0.1, false",
            "::ffff:0:0/96, ::ffff:10.0.0.1, true",
            "fe80::/10, fe80::1%eth0, true"})
    void containment(String outer, String inner, boolean expected) {
        assertThat(Cidr.parse(outer).orElseThrow().contains(Cidr.parse(inner).orElseThrow())).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0", "10.0.0.256/8", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "1.2.3.4.5",
            "2001:db8:::1", "2001:db8::1::2", "12345::", "1:2:3:4:5:6:7:8:9", "example.com", "0x10.0.0.1", " /8",
            "::1.2.3.4:5", "1.2.3.4::"})
    void rejectsWhatIsNotACidr(String text) {
        assertThat(Cidr.parse(text)).isEmpty();
    }

    @Test
    void overlapIsSymmetricAndSeparateFromContainment() {
        Cidr a = Cidr.parse("10.0.0.0/7").orElseThrow();
        Cidr b = Cidr.parse("10.0.0.0/8").orElseThrow();
        assertThat(a.overlaps(b)).isTrue();
        assertThat(b.overlaps(a)).isTrue();
        assertThat(b.contains(a)).isFalse();
        assertThat(Cidr.parse("192.168.0.0/16").orElseThrow().overlaps(b)).isFalse();
        assertThat(Cidr.parse("10.9.8.7/8").orElseThrow().toString()).isEqualTo("10.0.0.0/8");
    }

    @Property(tries = 500)
    void aRangeContainsEverySubRangeOfItself(@ForAll @IntRange(min = 0, max = 255) int a, @ForAll @IntRange(min = 0, max = 255) int b,
                                             @ForAll @IntRange(min = 0, max = 32) int p, @ForAll @IntRange(min = 0, max = 32) int q) {
        String addr = a + "." + b + ".7.9";
        Cidr outer = Cidr.parse(addr + "/" + Math.min(p, q)).orElseThrow();
        Cidr inner = Cidr.parse(addr + "/" + Math.max(p, q)).orElseThrow();
        assertThat(outer.contains(inner)).isTrue();
        assertThat(outer.overlaps(inner)).isTrue();
        assertThat(inner.contains(outer)).isEqualTo(p == q);
    }
}
