package gatehouse.monitor.comply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gatehouse.core.InputException;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.StringValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every shape of configuration item and describe output, on the shared AWS samples and on small inline cases. */
class ConfigInputTest {
    static final Path ITEMS = Path.of(System.getProperty("gatehouse.shared", "../../shared"), "conformance", "detective", "config-items");
    static final Path RDK = ITEMS.resolve("aws-config-rdk_example_ci/rdk/template/example_ci");

    static Path shared(Path p) {
        Assumptions.assumeTrue(Files.isDirectory(p), "shared corpus not present: " + p);
        return p;
    }

    /** The two sample files that are not JSON, and where the parser stops. */
    static final java.util.Map<String, String> INVALID = java.util.Map.of(
            "AWS_EC2_NetworkInterface.json", "AWS_EC2_NetworkInterface.json:88:1: error: invalid JSON: Unexpected end-of-input: expected close marker for Array (opened at line 1, column 1)",
            "AWS_SSM_ManagedInstanceInventory_Linux.json", "AWS_SSM_ManagedInstanceInventory_Linux.json:51:41: error: invalid JSON: Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included in string value");

    @TestFactory
    Stream<DynamicTest> everyRdkSampleIsReadOrRejectedWithItsPosition() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(shared(RDK))) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).hasSize(80);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                String text = Files.readString(f);
                if (INVALID.containsKey(name)) {
                    assertThatThrownBy(() -> ConfigInput.read(name, text)).isInstanceOf(InputException.class)
                            .satisfies(e -> assertThat(((InputException) e).first().headline()).isEqualTo(INVALID.get(name)));
                    return;
                }
                List<ConfigResource> rs = ConfigInput.read(name, text);
                assertThat(rs).hasSize(1);
                ConfigResource r = rs.get(0);
                // the file is named after the type: AWS_EC2_SecurityGroup.json holds an AWS::EC2::SecurityGroup
                String expected = name.replace(".json", "").replace("_", "::").replace("R53", "Route53")
                        .replace("ManagedInstanceInventory", "ManagedInstanceInventory");
                assertThat(r.type().equalsIgnoreCase(expected) || name.startsWith("AWS_SSM_ManagedInstanceInventory")
                        && r.type().equals("AWS::SSM::ManagedInstanceInventory")).as(r.type() + " for " + name).isTrue();
                assertThat(r.id()).isNotBlank();
                // both spellings end up in the API spelling
                assertThat(r.document().get("accountId")).as("accountId").isNotNull();
                assertThat(r.document().entries().keySet()).doesNotContain("awsAccountId", "configurationItemVersion", "ARN");
                assertThat(r.origin()).isEqualTo(ConfigResource.Origin.CONFIGURATION_ITEM);
            }));
        }
        return tests.stream();
    }

    @Test
    void theInvokingEventSpellingIsNormalised() throws Exception {
        ConfigResource r = ConfigInput.read("AWS_S3_Bucket.json", Files.readString(shared(RDK).resolve("AWS_S3_Bucket.json"))).get(0);
        assertThat(r.type()).isEqualTo("AWS::S3::Bucket");
        assertThat(r.id()).isEqualTo("mborch-test-bucket-config-item");
        assertThat(r.account()).isEqualTo("934654633380");
        assertThat(r.arn()).isEqualTo("arn:aws:s3:::mborch-test-bucket-config-item");
        assertThat(r.region()).isEqualTo("us-east-1");
        assertThat(((StringValue) r.document().get("version")).value()).isEqualTo("1.3");
        assertThat(r.document().get("configurationItemMD5Hash")).isNotNull();
        // a supplementary value that AWS gives as a JSON string is decoded
        MapValue acl = (MapValue) ((MapValue) r.document().get("supplementaryConfiguration")).get("AccessControlList");
        assertThat(acl.get("grantList")).isInstanceOf(ListValue.class);
        assertThat(r.position().line()).isEqualTo(1);
    }

    @Test
    void aConfigRuleInvocationEventYieldsItsItem() throws Exception {
        Path f = shared(ITEMS).resolve("cloud-custodian_config-rule-events/event-config-rule-security-group.json");
        List<ConfigResource> rs = ConfigInput.read("sg-event.json", Files.readString(f));
        assertThat(rs).hasSize(1);
        ConfigResource r = rs.get(0);
        assertThat(r.type()).isEqualTo("AWS::EC2::SecurityGroup");
        assertThat(r.id()).isEqualTo("sg-e2fb6999");
        assertThat(r.account()).isEqualTo("123456789012");
        assertThat(r.status()).isEqualTo("ResourceDiscovered");
        MapValue conf = (MapValue) r.document().get("configuration");
        assertThat(((ListValue) conf.get("ipPermissions")).elements()).hasSize(1);
        assertThat(conf.path()).isEqualTo("/configuration");
    }

    @Test
    void configurationAsAJsonStringWithCapitalisedKeys() {
        String text = """
                {"ResourceType": "AWS::EC2::Volume", "ResourceId": "vol-1", "AwsRegion": "eu-west-1", "AccountId": "111122223333",
                 "Configuration": "{\\"encrypted\\": false, \\"attachments\\": [{\\"instanceId\\": \\"i-1\\"}]}"}
                """;
        ConfigResource r = ConfigInput.read("vol.json", text).get(0);
        assertThat(r.type()).isEqualTo("AWS::EC2::Volume");
        assertThat(r.region()).isEqualTo("eu-west-1");
        MapValue conf = (MapValue) r.document().get("configuration");
        assertThat(conf.get("encrypted").toString()).contains("false");
        assertThat(conf.get("attachments").path()).isEqualTo("/configuration/attachments");
    }

    @Test
    void containersOfItems() {
        String one = "{\"resourceType\": \"AWS::S3::Bucket\", \"resourceId\": \"%s\", \"configuration\": {}}";
        assertThat(ConfigInput.read("a.json", "[" + one.formatted("a") + "," + one.formatted("b") + "]")).extracting(ConfigResource::id)
                .containsExactly("a", "b");
        assertThat(ConfigInput.read("h.json", "{\"configurationItems\": [" + one.formatted("c") + "], \"NextToken\": \"x\"}"))
                .extracting(ConfigResource::id).containsExactly("c");
        assertThat(ConfigInput.read("b.json", "{\"baseConfigurationItems\": [" + one.formatted("d") + "], \"unprocessedResourceKeys\": []}"))
                .extracting(ConfigResource::id).containsExactly("d");
        assertThat(ConfigInput.read("n.json", "{\"configurationItem\": " + one.formatted("e") + ", \"messageType\": \"ConfigurationItemChangeNotification\"}"))
                .extracting(ConfigResource::id).containsExactly("e");
        String escaped = one.formatted("f").replace("\"", "\\\"");
        assertThat(ConfigInput.read("q.json", "{\"Results\": [\"" + escaped + "\"], \"QueryInfo\": {}}"))
                .extracting(ConfigResource::id).containsExactly("f");
    }

    @Test
    void describeOutputs() {
        String sgs = """
                {"SecurityGroups": [
                  {"GroupId": "sg-1", "GroupName": "web", "OwnerId": "111122223333", "Description": "web",
                   "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}
                """;
        ConfigResource sg = ConfigInput.read("sgs.json", sgs).get(0);
        assertThat(sg.type()).isEqualTo("AWS::EC2::SecurityGroup");
        assertThat(sg.id()).isEqualTo("sg-1");
        assertThat(sg.account()).isEqualTo("111122223333");
        assertThat(sg.origin()).isEqualTo(ConfigResource.Origin.DESCRIBE);
        assertThat(sg.position().line()).isEqualTo(2);

        String buckets = "{\"Buckets\": [{\"Name\": \"a\", \"CreationDate\": \"2026-01-01\"}, {\"Name\": \"b\"}], \"Owner\": {\"ID\": \"x\"}}";
        assertThat(ConfigInput.read("b.json", buckets)).extracting(ConfigResource::key).containsExactly("AWS::S3::Bucket/a", "AWS::S3::Bucket/b");

        String reservations = "{\"Reservations\": [{\"OwnerId\": \"444455556666\", \"Instances\": [{\"InstanceId\": \"i-1\"}, {\"InstanceId\": \"i-2\"}]}]}";
        assertThat(ConfigInput.read("i.json", reservations)).extracting(ConfigResource::id, ConfigResource::account)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("i-1", "444455556666"), org.assertj.core.groups.Tuple.tuple("i-2", "444455556666"));

        String other = "{\"Certificates\": [{\"CertificateArn\": \"arn:aws:acm:eu-west-1:1:certificate/x\", \"DomainName\": \"a.example\"}]}";
        ConfigResource c = ConfigInput.read("acm.json", other).get(0);
        assertThat(c.type()).isEqualTo("Describe::Certificates");
        assertThat(c.id()).isEqualTo("arn:aws:acm:eu-west-1:1:certificate/x");
    }

    @Test
    void wrongShapesPointAtTheValue() {
        assertThatThrownBy(() -> ConfigInput.read("x.json", "{\n  \"foo\": 1\n}")).isInstanceOf(InputException.class)
                .hasMessage("x.json:1:1: error: neither a configuration item (no resourceType and resourceId) nor a describe output");
        assertThatThrownBy(() -> ConfigInput.read("x.json", "[1]")).hasMessage(
                "x.json:1:2: error: expected a configuration item, a list of them or a describe output, not a int");
        assertThatThrownBy(() -> ConfigInput.read("x.json", "{\"resourceType\": \"AWS::S3::Bucket\", \"resourceId\": \"\"}"))
                .hasMessage("x.json:1:1: error: the configuration item has no resourceId, resourceName or arn");
        assertThatThrownBy(() -> ConfigInput.read("x.json", "{\"SecurityGroups\": [{\"GroupName\": \"no-id\"}]}"))
                .hasMessage("x.json:1:21: error: the AWS::EC2::SecurityGroup element has no GroupId");
        assertThatThrownBy(() -> ConfigInput.read("x.json", "{\"invokingEvent\": \"{\\\"messageType\\\":\\\"ScheduledNotification\\\"}\"}"))
                .hasMessageContaining("the invoking event carries no configuration item (messageType ScheduledNotification)");
        assertThatThrownBy(() -> ConfigInput.read("x.json", "")).hasMessage("x.json:1:1: error: empty document");
        assertThatThrownBy(() -> ConfigInput.read("x.json", "{} {}")).hasMessage("x.json:1:4: error: unexpected content after the JSON document");
        assertThatThrownBy(() -> ConfigInput.read("x.json", "[".repeat(500))).hasMessageContaining("nested deeper than 200 levels");
    }
}
