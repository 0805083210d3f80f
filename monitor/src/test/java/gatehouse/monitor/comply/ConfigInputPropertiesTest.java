package gatehouse.monitor.comply;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.core.InputException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of reading configuration items: spelling does not matter, and no input escapes as a crash. */
class ConfigInputPropertiesTest {
    record Item(String type, String id, String account, String arn, String version, boolean encrypted) {}

    @Provide
    Arbitrary<Item> items() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(12);
        return Combinators.combine(Arbitraries.of("AWS::S3::Bucket", "AWS::EC2::Volume", "AWS::EC2::SecurityGroup"), word,
                Arbitraries.strings().numeric().ofLength(12), word, Arbitraries.of("1.2", "1.3"), Arbitraries.of(true, false)).as(Item::new);
    }

    static String api(Item i) {
        return "{\"version\":\"" + i.version() + "\",\"accountId\":\"" + i.account() + "\",\"arn\":\"arn:aws:x:::" + i.arn()
                + "\",\"configurationItemMD5Hash\":\"\",\"resourceType\":\"" + i.type() + "\",\"resourceId\":\"" + i.id()
                + "\",\"configuration\":{\"encrypted\":" + i.encrypted() + "}}";
    }

    static String invokingEvent(Item i) {
        return "{\"configurationItemVersion\":\"" + i.version() + "\",\"awsAccountId\":\"" + i.account() + "\",\"ARN\":\"arn:aws:x:::" + i.arn()
                + "\",\"configurationStateMd5Hash\":\"\",\"resourceType\":\"" + i.type() + "\",\"resourceId\":\"" + i.id()
                + "\",\"configuration\":\"{\\\"encrypted\\\":" + i.encrypted() + "}\"}";
    }

    @Property(tries = 200)
    void bothSpellingsGiveTheSameDocument(@ForAll("items") Item item) {
        ConfigResource a = ConfigInput.read("a.json", api(item)).get(0);
        ConfigResource b = ConfigInput.read("b.json", invokingEvent(item)).get(0);
        assertThat(b.document()).isEqualTo(a.document());
        assertThat(GuardView.document(b)).isEqualTo(GuardView.document(a));
        assertThat(b.key()).isEqualTo(a.key());
        assertThat(b.account()).isEqualTo(item.account());
    }

    @Property(tries = 500)
    void anyTextIsReadOrRejectedAsAnInputError(@ForAll("jsonish") String text) {
        try {
            ConfigInput.read("x.json", text).forEach(r -> assertThat(r.id()).isNotBlank());
        } catch (InputException e) {
            assertThat(e.first().headline()).startsWith("x.json:");
        }
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.strings().withChars("{}[]\":,0123456789 \nabcrestypIdRuconfigatn\\").ofMaxLength(120)
                .injectDuplicates(0.1)
                .edgeCases(c -> c.add("{\"resourceType\":\"A\",\"resourceId\":\"b\",\"configuration\":\"{\"}"));
    }
}
