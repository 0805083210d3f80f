package gatehouse.monitor.comply;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Value;
import gatehouse.guard.eval.Evaluator;
import gatehouse.guard.eval.Status;
import gatehouse.guard.parse.Parser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Config item → Guard mapping, checked with AWS's own Control Tower proactive controls (written for
 * CloudFormation templates) on AWS's sample configuration items, each case also turned around by editing the
 * item, so that a verdict can never hold by accident.
 */
class GuardViewTest {
    static final Path SHARED = Path.of(System.getProperty("gatehouse.shared", "../../shared"), "conformance");
    static final Path RDK = SHARED.resolve("detective/config-items/aws-config-rdk_example_ci/rdk/template/example_ci");
    static final Path CT = SHARED.resolve("guard/control-tower/rules/control-tower/cfn-guard");

    /** sample, control, verdict; then an edit of the sample (from → to) and the verdict after it. */
    record Case(String sample, String control, Status verdict, String from, String to, Status edited) {}

    static final List<Case> CASES = List.of(
            new Case("AWS_S3_Bucket.json", "s3/ct-s3-pr-11", Status.PASS, "\"status\": \"Enabled\"", "\"status\": \"Suspended\"", Status.FAIL),
            new Case("AWS_S3_Bucket.json", "s3/ct-s3-pr-11", Status.PASS, "\"status\": \"Enabled\"", "\"status\": null", Status.FAIL),
            new Case("AWS_EC2_SecurityGroup.json", "ec2/ct-ec2-pr-4", Status.FAIL, "\"fromPort\": 22,\n          \"toPort\": 22",
                    "\"fromPort\": 443,\n          \"toPort\": 443", Status.PASS),
            new Case("AWS_EC2_SecurityGroup.json", "ec2/ct-ec2-pr-4", Status.FAIL, "\"0.0.0.0/0\"\n          ],\n          \"prefixListIds\": []\n        }\n      ],\n      \"ipPermissionsEgress\"",
                    "\"10.0.0.0/8\"\n          ],\n          \"prefixListIds\": []\n        }\n      ],\n      \"ipPermissionsEgress\"", Status.SKIP),
            new Case("AWS_EC2_Volume.json", "ec2/ct-ec2-pr-7", Status.PASS, "\"encrypted\": true", "\"encrypted\": false", Status.FAIL),
            new Case("AWS_RDS_DBInstance.json", "rds/ct-rds-pr-23", Status.FAIL, "\"publiclyAccessible\": true", "\"publiclyAccessible\": false", Status.PASS),
            new Case("AWS_Cloudtrail_Trail.json", "cloudtrail/ct-cloudtrail-pr-2", Status.PASS, "\"logFileValidationEnabled\": true",
                    "\"logFileValidationEnabled\": false", Status.FAIL),
            new Case("AWS_Cloudtrail_Trail.json", "cloudtrail/ct-cloudtrail-pr-1", Status.FAIL, "\"hasCustomEventSelectors\": true",
                    "\"hasCustomEventSelectors\": true, \"kmsKeyId\": \"arn:aws:kms:ap-southeast-1:123456789012:key/1234\"", Status.PASS));

    static Status verdict(String control, String sampleName, String sampleText) throws Exception {
        Path rule = CT.resolve(control + ".guard");
        ConfigResource r = ConfigInput.read(sampleName, sampleText).get(0);
        return new Evaluator().evaluate(Parser.parse(rule.getFileName().toString(), Files.readString(rule)), GuardView.document(r)).status();
    }

    @TestFactory
    Stream<DynamicTest> controlTowerControlsJudgeConfigItems() {
        Assumptions.assumeTrue(Files.isDirectory(RDK) && Files.isDirectory(CT), "shared corpus not present");
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.control() + " on " + c.sample() + " (" + c.to() + ")", () -> {
            String text = Files.readString(RDK.resolve(c.sample()));
            assertThat(verdict(c.control(), c.sample(), text)).as("as sampled").isEqualTo(c.verdict());
            assertThat(text).contains(c.from());
            assertThat(verdict(c.control(), c.sample(), text.replace(c.from(), c.to()))).as("edited").isEqualTo(c.edited());
        }));
    }

    @Test
    void theInvocationEventsSecurityGroupFailsTheSshControl() throws Exception {
        Path f = SHARED.resolve("detective/config-items/cloud-custodian_config-rule-events/event-config-rule-security-group.json");
        Assumptions.assumeTrue(Files.exists(f) && Files.isDirectory(CT));
        assertThat(verdict("ec2/ct-ec2-pr-4", "event.json", Files.readString(f))).isEqualTo(Status.FAIL);
    }

    static MapValue props(String json) {
        MapValue doc = GuardView.document(ConfigInput.read("t.json", json).get(0));
        MapValue res = (MapValue) doc.get("Resources");
        return (MapValue) ((MapValue) res.entries().values().iterator().next()).get("Properties");
    }

    @Test
    void securityGroupPermissionsBecomeOneIngressEntryPerSource() {
        MapValue p = props("""
                {"resourceType": "AWS::EC2::SecurityGroup", "resourceId": "sg-1", "configuration": {
                  "description": "d",
                  "ipPermissions": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": ["0.0.0.0/0", "10.0.0.0/8"],
                                     "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipv6Ranges": [{"cidrIpv6": "::/0"}],
                                     "userIdGroupPairs": [{"groupId": "sg-2"}], "prefixListIds": [{"prefixListId": "pl-1"}]}],
                  "ipPermissionsEgress": [{"ipProtocol": "-1", "ipRanges": ["0.0.0.0/0"]}]}}
                """);
        List<Value> in = ((ListValue) p.get("SecurityGroupIngress")).elements();
        assertThat(in).extracting(v -> ((MapValue) v).entries().keySet().toString()).containsExactly(
                "[IpProtocol, FromPort, ToPort, CidrIp]", "[IpProtocol, FromPort, ToPort, CidrIp]",
                "[IpProtocol, FromPort, ToPort, CidrIpv6]", "[IpProtocol, FromPort, ToPort, SourceSecurityGroupId]",
                "[IpProtocol, FromPort, ToPort, SourcePrefixListId]");
        assertThat(((ListValue) p.get("SecurityGroupEgress")).elements()).hasSize(1);
        assertThat(p.get("GroupDescription")).isNotNull();
    }

    @Test
    void tagsMapBecomesACloudFormationTagList() {
        MapValue p = props("{\"resourceType\": \"AWS::EC2::Volume\", \"resourceId\": \"v\", \"tags\": {\"env\": \"prod\"}, \"configuration\": {\"encrypted\": true}}");
        assertThat(p.get("Tags").toString()).contains("Key").contains("env").contains("prod");
    }

    @Test
    void theRootIsTheItemSoConfigStyleGuardRulesWorkToo() {
        // the style of AWS Config's own Guard custom policy rules: queries on the item itself
        String rule = """
                rule volume_encrypted when resourceType == 'AWS::EC2::Volume' {
                    configuration.encrypted == true
                }
                """;
        ConfigResource enc = ConfigInput.read("v.json", "{\"resourceType\": \"AWS::EC2::Volume\", \"resourceId\": \"v1\", \"configuration\": {\"encrypted\": true}}").get(0);
        ConfigResource plain = ConfigInput.read("v.json", "{\"resourceType\": \"AWS::EC2::Volume\", \"resourceId\": \"v2\", \"configuration\": {\"encrypted\": false}}").get(0);
        ConfigResource other = ConfigInput.read("b.json", "{\"resourceType\": \"AWS::S3::Bucket\", \"resourceId\": \"b\", \"configuration\": {}}").get(0);
        var file = Parser.parse("r.guard", rule);
        Evaluator ev = new Evaluator();
        assertThat(ev.evaluate(file, GuardView.document(enc)).status()).isEqualTo(Status.PASS);
        assertThat(ev.evaluate(file, GuardView.document(plain)).status()).isEqualTo(Status.FAIL);
        assertThat(ev.evaluate(file, GuardView.document(other)).status()).isEqualTo(Status.SKIP);
    }

    @Test
    void pathsPointIntoTheResourcesMapAndPositionsIntoTheFile() {
        String json = "{\"resourceType\": \"AWS::EC2::Volume\",\n \"resourceId\": \"v1\",\n \"configuration\": {\"encrypted\": false}}";
        MapValue p = props(json);
        assertThat(p.get("encrypted").path()).isEqualTo("/Resources/v1/Properties/encrypted");
        assertThat(p.get("encrypted").position().line()).isEqualTo(3);
    }
}
