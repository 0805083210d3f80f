package gatehouse.pipeline.attest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** DSSE's pre-authentication encoding against the specification's own test vector (protocol.md, "Test Vectors"). */
class DssePaeTest {
    // github.com/secure-systems-lab/dsse protocol.md, Test Vectors: the key, payload and envelope, verbatim
    static final BigInteger X = new BigInteger("46950820868899156662930047687818585632848591499744589407958293238635476079160");
    static final BigInteger Y = new BigInteger("5640078356564379163099075877009565129882514886557779369047442380624545832820");
    static final String ENVELOPE = """
            {"payload": "aGVsbG8gd29ybGQ=",
             "payloadType": "http://example.com/HelloWorld",
             "signatures": [{"sig": "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}
            """;

    @Test
    void paeMatchesTheSpecVector() {
        byte[] pae = Envelope.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(pae, StandardCharsets.US_ASCII)).isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    }

    @Test
    void lengthsAreBytesNotCharacters() {
        byte[] pae = Envelope.pae("t\u00e9", "\u20ac".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(pae, StandardCharsets.UTF_8)).isEqualTo("DSSEv1 3 t\u00e9 3 \u20ac");
        assertThat(new String(Envelope.pae("", new byte[0]), StandardCharsets.US_ASCII)).isEqualTo("DSSEv1 0  0 ");
    }

    @Test
    void theSpecsEnvelopeParsesAndItsRawEcdsaSignatureVerifies() throws Exception {
        Envelope e = Envelope.fromJson(Json.MAPPER.readTree(ENVELOPE));
        assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo("hello world");
        assertThat(e.signatures()).singleElement().satisfies(s -> assertThat(s.keyid()).isEmpty());
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(
                new ECPublicKeySpec(new ECPoint(X, Y), params.getParameterSpec(ECParameterSpec.class)));
        byte[] pae = Envelope.pae(e.payloadType(), e.payload());
        byte[] sig = e.signatures().get(0).sig();
        assertThat(sig).hasSize(64); // raw r || s
        assertThat(Verifier.verifySignature(KeyType.ECDSA_P256, key, pae, sig)).isTrue();
        pae[pae.length - 1] ^= 1;
        assertThat(Verifier.verifySignature(KeyType.ECDSA_P256, key, pae, sig)).isFalse();
    }

    @Test
    void base64IsAcceptedStandardOrUrlSafePaddedOrNot() throws FormatException {
        byte[] bytes = {(byte) 0xfb, (byte) 0xff, 0x01, 0x02};
        String std = Base64.getEncoder().encodeToString(bytes);
        String url = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        assertThat(std).contains("+").endsWith("=");
        assertThat(Envelope.base64(std, "x")).isEqualTo(bytes);
        assertThat(Envelope.base64(url, "x")).isEqualTo(bytes);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Envelope.base64("a=b=", "payload"))
                .isInstanceOf(FormatException.class).hasMessage("the payload is not valid base64");
    }

    /** Injective: the encoding of (type, body) can be split back into exactly that type and body. */
    @Property(tries = 300)
    void paeDecodesBackToItsParts(@ForAll String type, @ForAll byte[] body) {
        byte[] pae = Envelope.pae(type, body);
        byte[] t = type.getBytes(StandardCharsets.UTF_8);
        String prefix = "DSSEv1 " + t.length + " ";
        assertThat(new String(pae, 0, prefix.length(), StandardCharsets.US_ASCII)).isEqualTo(prefix);
        int at = prefix.length();
        assertThat(java.util.Arrays.copyOfRange(pae, at, at + t.length)).isEqualTo(t);
        at += t.length;
        String mid = " " + body.length + " ";
        assertThat(new String(pae, at, mid.length(), StandardCharsets.US_ASCII)).isEqualTo(mid);
        at += mid.length();
        assertThat(java.util.Arrays.copyOfRange(pae, at, pae.length)).isEqualTo(body);
    }
}
