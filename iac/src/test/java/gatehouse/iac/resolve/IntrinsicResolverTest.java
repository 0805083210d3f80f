package gatehouse.iac.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.iac.load.DocumentLoader;
import gatehouse.iac.resolve.IntrinsicResolver.ParameterValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IntrinsicResolverTest {
    private static Value load(String yaml) {
        return DocumentLoader.defaults().load("t.yaml", yaml);
    }

    private static Value at(Value v, String... keys) {
        for (String k : keys) {
            v = v instanceof ListValue l ? l.get(Integer.parseInt(k)) : ((MapValue) v).get(k);
        }
        return v;
    }

    private static final String TEMPLATE = """
            Parameters:
              Cidr: { Type: String, Default: 0.0.0.0/0 }
              Port: { Type: Number, Default: 22 }
              Azs: { Type: CommaDelimitedList, Default: "a, b" }
              NoDefault: { Type: String }
            Mappings:
              Env: { prod: { Cidr: 10.0.0.0/8 } }
            Resources:
              SG:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupName: !Sub "${AWS::StackName}-${Cidr}-web"
                  Tags: [ { Key: az, Value: !Select [1, !Ref Azs] } ]
                  Joined: !Join ["/", [a, !Ref Port]]
                  FromMap: !FindInMap [Env, prod, Cidr]
                  Other: !GetAtt Lb.Arn
                  Missing: !Ref NoDefault
                  Resource: !Ref SG2
                  Gone: !Ref AWS::NoValue
                  SecurityGroupIngress:
                    - { IpProtocol: tcp, FromPort: !Ref Port, ToPort: !Ref Port, CidrIp: !Ref Cidr }
            """;

    @Test
    void resolvesParametersPseudoParametersAndFunctionsOverLiterals() {
        List<IntrinsicResolver.Resolution> rs = new IntrinsicResolver().resolve(load(TEMPLATE));
        assertThat(rs).hasSize(1);
        Value p = at(rs.get(0).root(), "Resources", "SG", "Properties");
        Value ingress = at(p, "SecurityGroupIngress", "0");
        assertThat(at(ingress, "CidrIp")).isEqualTo(new StringValue("/Resources/SG/Properties/SecurityGroupIngress/0/CidrIp",
                at(load(TEMPLATE), "Resources", "SG", "Properties", "SecurityGroupIngress", "0", "CidrIp").position(), "0.0.0.0/0"));
        assertThat(at(ingress, "FromPort")).isInstanceOf(IntValue.class);
        assertThat(((StringValue) at(p, "GroupName")).value()).isEqualTo("stack-0.0.0.0/0-web");
        assertThat(((StringValue) at(p, "Tags", "0", "Value")).value()).isEqualTo("b");
        assertThat(((StringValue) at(p, "Joined")).value()).isEqualTo("a/22");
        assertThat(((StringValue) at(p, "FromMap")).value()).isEqualTo("10.0.0.0/8");
        assertThat(at(p, "Other")).isInstanceOf(MapValue.class);
        assertThat(at(p, "Missing")).isInstanceOf(MapValue.class);
        assertThat(at(p, "Resource")).isInstanceOf(MapValue.class);
        assertThat(((MapValue) p).get("Gone")).isNull();
        assertThat(rs.get(0).provenance()).containsEntry("/Resources/SG/Properties/SecurityGroupIngress/0/CidrIp",
                "parameter Cidr (default)");
    }

    @Test
    void aParameterFileValueWinsOverTheDefaultAndSaysSo() {
        var r = new IntrinsicResolver(Map.of("Cidr", new ParameterValue("10.1.0.0/16", "prod.json")), Map.of())
                .resolve(load(TEMPLATE)).get(0);
        assertThat(((StringValue) at(r.root(), "Resources", "SG", "Properties", "SecurityGroupIngress", "0", "CidrIp")).value())
                .isEqualTo("10.1.0.0/16");
        assertThat(r.provenance()).containsValue("parameter Cidr (from prod.json)");
    }

    @Test
    void fnIfGivesOneVariantPerBranchAndNoValueRemovesTheKey() {
        Value t = load("""
                Resources:
                  SG:
                    Type: AWS::EC2::SecurityGroupIngress
                    Properties:
                      CidrIp: !If [IsProd, 10.0.0.0/8, 0.0.0.0/0]
                      Description: !If [IsProd, !Ref AWS::NoValue, debug]
                """);
        var rs = new IntrinsicResolver().resolve(t);
        assertThat(rs).hasSize(2);
        assertThat(((StringValue) at(rs.get(0).root(), "Resources", "SG", "Properties", "CidrIp")).value()).isEqualTo("10.0.0.0/8");
        assertThat(((MapValue) at(rs.get(0).root(), "Resources", "SG", "Properties")).get("Description")).isNull();
        assertThat(((StringValue) at(rs.get(1).root(), "Resources", "SG", "Properties", "CidrIp")).value()).isEqualTo("0.0.0.0/0");
        assertThat(rs.get(1).variant()).contains("else");
    }

    @Test
    void selfReferencesAndDeepNestingTerminate() {
        StringBuilder deep = new StringBuilder("Resources:\n  R:\n    Type: X::Y::Z\n    Properties:\n      P: ");
        for (int i = 0; i < 300; i++) {
            deep.append("{\"Fn::Join\": [\"\", [");
        }
        deep.append("\"x\"");
        for (int i = 0; i < 300; i++) {
            deep.append("]]}");
        }
        deep.append("\n");
        Value t = load(deep.toString());
        assertThat(new IntrinsicResolver().resolve(t)).hasSize(1);
        Value loop = load("""
                Parameters:
                  A: { Type: String, Default: { Ref: A } }
                Resources:
                  R: { Type: X::Y::Z, Properties: { P: !Ref A, Q: !Sub "${A}" } }
                """);
        var r = new IntrinsicResolver().resolve(loop).get(0);
        assertThat(at(r.root(), "Resources", "R", "Properties", "P")).isInstanceOf(MapValue.class);
    }
}
