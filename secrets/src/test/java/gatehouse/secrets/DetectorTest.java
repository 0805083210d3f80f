package gatehouse.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.secrets.detect.AhoCorasick;
import gatehouse.secrets.detect.Checksums;
import gatehouse.secrets.detect.Detector;
import gatehouse.secrets.detect.Entropy;
import gatehouse.secrets.detect.Fragment;
import gatehouse.secrets.detect.Redact;
import gatehouse.secrets.detect.SecretMatch;
import gatehouse.secrets.rules.GitleaksConfig;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The detector's parts: prefilter, entropy, checksums, redaction, allow comments, example keys, fingerprints. */
class DetectorTest {
    static final Detector DEFAULTS = new Detector(GitleaksConfig.defaults());

    static List<SecretMatch> scan(String text) {
        return DEFAULTS.detect(Fragment.of(text, "src/app.py"));
    }

    @Property(tries = 300)
    void keywordSearchAgreesWithNaiveSearch(@ForAll @Size(min = 1, max = 12) List<@StringLength(min = 1, max = 5)
            @Chars({'a', 'b', 'c', 'X', '_', 'é'}) String> keywords,
            @ForAll @StringLength(max = 200) @Chars({'a', 'b', 'c', 'A', 'B', 'x', '_', 'é', 'É', ' '}) String text) {
        char[] chars = text.toCharArray();
        AhoCorasick.Occurrences got = new AhoCorasick(keywords).occurrences(chars, chars.length, Integer.MAX_VALUE);
        String lower = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i < keywords.size(); i++) {
            String k = keywords.get(i).toLowerCase(Locale.ROOT);
            List<Integer> expected = new java.util.ArrayList<>();
            for (int at = lower.indexOf(k); at >= 0; at = lower.indexOf(k, at + 1)) {
                expected.add(at);
            }
            assertThat(got.seen().get(i)).as("keyword %s in %s", keywords.get(i), text).isEqualTo(!expected.isEmpty());
            int[] starts = got.starts()[i] == null ? new int[0] : java.util.Arrays.copyOf(got.starts()[i], got.counts()[i]);
            assertThat(starts).as("places of %s in %s", keywords.get(i), text)
                    .containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Property(tries = 200)
    void redactionNeverShowsMoreThanAQuarter(@ForAll @AlphaChars @StringLength(min = 1, max = 80) String secret) {
        String r = Redact.secret(secret);
        String shown = r.substring(0, r.indexOf('…'));
        assertThat(shown.length()).isLessThanOrEqualTo(Math.min(4, secret.length() / 4));
        assertThat(Redact.in("key = \"" + secret + "\" # end", secret)).doesNotContain(secret.length() >= 4 ? secret : "\u0000");
    }

    @Test
    void entropyOfUniformAndRepeatedStrings() {
        assertThat(Entropy.shannon("aaaa")).isZero();
        assertThat(Entropy.shannon("abcd")).isEqualTo(2.0);
        assertThat(Entropy.shannon("")).isZero();
    }

    @Test
    void githubAndNpmChecksumsAreVerified() {
        String good = Checksums.make("ghp_", "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0");
        assertThat(Checksums.verify("github", good)).isTrue();
        String bad = good.substring(0, good.length() - 1) + (good.endsWith("A") ? "B" : "A");
        assertThat(Checksums.verify("github", bad)).isFalse();
        List<SecretMatch> hits = scan("token = \"" + good + "\"\nother = \"" + bad + "\"\n");
        assertThat(hits).filteredOn(m -> m.rule().id().equals("github-pat")).extracting(SecretMatch::confidence)
                .containsExactly("verified-format", "pattern");
        String npm = Checksums.make("npm_", "Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0");
        assertThat(scan("//registry.npmjs.org/:_authToken=" + npm)).anySatisfy(m -> {
            assertThat(m.rule().family()).isEqualTo("npm");
            assertThat(m.confidence()).isEqualTo("verified-format");
        });
    }

    @Test
    void awsExampleKeysInlineAllowsAndPlaceholdersAreNotReported() {
        assertThat(scan("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"))
                .isEmpty();
        assertThat(scan("key = \"AKIAZ3MSJV4WPQ7HLK2N\"  # gatehouse:allow (test fixture)\n")).isEmpty();
        assertThat(scan("key = \"AKIAZ3MSJV4WPQ7HLK2N\"  // gitleaks:allow\n")).isEmpty();
        assertThat(scan("key = \"AKIAZ3MSJV4WPQ7HLK2N\"\n")).extracting(m -> m.rule().id()).containsExactly("aws-access-token");
        assertThat(scan("db = postgres://app:${DB_PASSWORD}@db:5432/app\nurl = https://user:password@example.com\n")).isEmpty();
        assertThat(scan("db = postgres://app:Xk9mP2vL5nQ8wR@db.internal:5432/app\n"))
                .extracting(m -> m.rule().id()).containsExactly("db-connection-url");
    }

    /**
     * A rule runs only on text that holds one of its keywords, so keywords that miss a form the regex matches
     * are secrets never reported. Each row is such a form, once missed, and the rule that must find it.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            aws-session-token      | src/app.py   | aws.session.token = `FwoGZXIvYXdzEBYaDHqa0AP1vd3T8yLmUSKBAXDf3gk5NnFhb0s2SWxpZmVhcmVhbG9uZ3Rva2VuZm9ydGVzdGluZ3B1cnBvc2VzT25seQ0123456789abcdefghijklmno`
            doppler-api-token      | src/app.py   | token: dp.scim.k4Hq9TzP2wXr7LmN5vBc8YdJ3sFg6AeKu1Qo0RiZt
            doppler-api-token      | src/app.py   | token: dp.audit.k4Hq9TzP2wXr7LmN5vBc8YdJ3sFg6AeKu1Qo0RiZt
            nuget-config-password  | NuGet.config | <add key="Password" value="Qm8#vT2kLp9xWz" />
            nytimes-access-token   | src/app.py   | new_york-times_api_key = "q8ZkP3vN7xLm2RtY9wBc4HdJ6sFg1AeK"
            generic-xml-secret     | web.config   | <add key="Stripe.Api.Key" value="q8ZkP3vN7xLm2RtY9wBc4HdJ" />
            """)
    void keywordsCoverEveryFormTheRuleMatches(String rule, String path, String text) {
        assertThat(DEFAULTS.detect(Fragment.of(text, path))).extracting(m -> m.rule().id()).contains(rule);
    }

    /**
     * Found scanning a Python installation's site-packages (a corpus nobody here wrote): an ARN's ":secret:NAME", a
     * parameter's type annotation and one assignment reported by two generic rules. The same values as assignments
     * are still found, once.
     */
    @Test
    void arnsAndTypeAnnotationsAreNotSecretsAndOneAssignmentIsOneFinding() {
        assertThat(scan("\"Resource\":\"arn:aws:secretsmanager:*:*:secret:eks-local.cluster.x-k8s.io/*\"\n")).isEmpty();
        assertThat(scan("\"usernameSecretArn\": \"arn:aws:secretsmanager:us-west-2:123456789012:secret:greengrass-windfarm1-auth-1ABCDE\"\n"))
                .isEmpty();
        assertThat(scan("def load(\n    private_key: PKCS7PrivateKeyTypes,\n    token: Ed25519PublicKey)\n")).isEmpty();
        assertThat(scan("\"ServicePassword\": \"k1zPZM6uVxMQ3oxqgoYlNuJPyRTZ1vREs76zTQE3eJk=\",\n"))
                .extracting(m -> m.rule().id()).containsExactly("generic-password");
        assertThat(scan("secret: k1zPZM6uVxMQ3oxqgoYlNuJPyRTZ1vREs76zTQE3eJk=\n")).hasSize(1);
        assertThat(scan("secret:k1zPZM6uVxMQ3oxqgoYlNuJPyRTZ1vREs76zTQE3eJk9\n")).hasSize(1);
        assertThat(scan("{private_key: Xq7LmP2vK9sR4tW8zB3nC6yD1fG5hJ0e,\n")).hasSize(1);
        // a constant's name is not its value (found in npm's own node_modules)
        assertThat(scan("exports.SOCKS5_NO_ACCEPTABLE_AUTH = SOCKS5_NO_ACCEPTABLE_AUTH;\n")).isEmpty();
        assertThat(scan("AUTH_TOKEN = Q9X2M7K4L8P3Z6W1N5R8T2Y6\n")).hasSize(1);
    }

    @Test
    void positionsAndFingerprintsSurviveLineMovesButNotOtherContexts() {
        String line = "slack_token = \"xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx\"\n";
        SecretMatch a = scan(line).get(0);
        SecretMatch b = DEFAULTS.detect(Fragment.of("# moved\n\n" + line, "renamed/elsewhere.py")).get(0);
        assertThat(a.line()).isEqualTo(1);
        assertThat(b.line()).isEqualTo(3);
        assertThat(a.column()).isEqualTo(16);
        assertThat(b.fingerprint()).isEqualTo(a.fingerprint());
        SecretMatch c = scan(line.replace("slack_token", "other_token")).get(0);
        assertThat(c.fingerprint()).isNotEqualTo(a.fingerprint());
        assertThat(a.toString()).doesNotContain("AbCdEfGhIjKlMnOpQrStUvWx");
        assertThat(a.redactedLine()).doesNotContain("AbCdEfGhIjKlMnOpQrStUvWx").contains("xoxb…(");
    }

    @Test
    void privateKeysSpanningLinesAreFound() {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\n" + "MIIEowIBAAKCAQEA7bq98MkQJ2Qd1tN3kZbW5d3bKq8Zq0t4qQ9yTbWcZ1p8x2Vb\n".repeat(6)
                + "-----END RSA PRIVATE KEY-----\n";
        assertThat(scan("const key = `\n" + pem + "`;\n")).extracting(m -> m.rule().family()).contains("private");
    }

    @Test
    void hostileInputIsLinear() {
        // RE2/J: no catastrophic backtracking whatever the text
        String evil = "password = \"" + "a".repeat(200_000) + "!";
        long t = System.nanoTime();
        scan(evil);
        assertThat(System.nanoTime() - t).isLessThan(20_000_000_000L);
    }
}
