package gatehouse.monitor.comply;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads resource configurations from JSON text in every shape AWS hands them out (docs/comply.md, "Inputs"):
 * <ul>
 *   <li>a configuration item (CI) object, in the API spelling ({@code version}, {@code accountId}, {@code arn},
 *       {@code configurationItemMD5Hash}) or the invoking-event spelling ({@code configurationItemVersion},
 *       {@code awsAccountId}, {@code ARN}, {@code configurationStateMd5Hash}); top-level keys match
 *       case-insensitively ({@code Configuration}, {@code ResourceType});</li>
 *   <li>a JSON array of CIs; an object with {@code configurationItems} or {@code baseConfigurationItems}
 *       (get-resource-config-history, batch-get-resource-config); {@code Results} of strings
 *       (select-resource-config);</li>
 *   <li>a change notification ({@code configurationItem} inside), and a Config rule's Lambda invocation event
 *       whose {@code invokingEvent} is a JSON string holding that notification;</li>
 *   <li>{@code configuration} and {@code supplementaryConfiguration} values given as JSON strings (as the API
 *       returns them) are decoded;</li>
 *   <li>describe-call output: a known list ({@code SecurityGroups}, {@code Buckets}, {@code Reservations}, …, see
 *       {@link #DESCRIBE}) becomes one resource per element of the matching type; any other object holding one
 *       list of objects becomes resources of type {@code Describe::<Key>}.</li>
 * </ul>
 * Anything else is an {@link InputException} at the offending value's {@code file:line:col}, with a hint.
 */
public final class ConfigInput {
    static final String HINT = "give AWS Config configuration items (see docs/comply.md, Inputs) or a describe call's JSON output";

    /** Known describe outputs: list key → resource type and the element's id field. */
    public static final Map<String, String[]> DESCRIBE = describeTable();

    private static final Map<String, String> CI_KEYS = ciKeys();

    private ConfigInput() {}

    private static Map<String, String[]> describeTable() {
        Map<String, String[]> m = new LinkedHashMap<>();
        m.put("SecurityGroups", new String[] {"AWS::EC2::SecurityGroup", "GroupId"});
        m.put("Buckets", new String[] {"AWS::S3::Bucket", "Name"});
        m.put("Reservations", new String[] {"AWS::EC2::Instance", "InstanceId"});
        m.put("Instances", new String[] {"AWS::EC2::Instance", "InstanceId"});
        m.put("Volumes", new String[] {"AWS::EC2::Volume", "VolumeId"});
        m.put("Images", new String[] {"AWS::EC2::Image", "ImageId"});
        m.put("Vpcs", new String[] {"AWS::EC2::VPC", "VpcId"});
        m.put("Subnets", new String[] {"AWS::EC2::Subnet", "SubnetId"});
        m.put("DBInstances", new String[] {"AWS::RDS::DBInstance", "DBInstanceIdentifier"});
        m.put("DBClusters", new String[] {"AWS::RDS::DBCluster", "DBClusterIdentifier"});
        m.put("trailList", new String[] {"AWS::CloudTrail::Trail", "Name"});
        m.put("Trails", new String[] {"AWS::CloudTrail::Trail", "Name"});
        m.put("Functions", new String[] {"AWS::Lambda::Function", "FunctionName"});
        m.put("Users", new String[] {"AWS::IAM::User", "UserName"});
        m.put("Roles", new String[] {"AWS::IAM::Role", "RoleName"});
        m.put("Policies", new String[] {"AWS::IAM::Policy", "PolicyName"});
        m.put("KeyMetadata", new String[] {"AWS::KMS::Key", "KeyId"});
        m.put("logGroups", new String[] {"AWS::Logs::LogGroup", "logGroupName"});
        m.put("Table", new String[] {"AWS::DynamoDB::Table", "TableName"});
        return java.util.Collections.unmodifiableMap(m);
    }

    private static Map<String, String> ciKeys() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : List.of("version", "accountId", "configurationItemCaptureTime", "configurationItemStatus",
                "configurationStateId", "configurationItemMD5Hash", "arn", "resourceType", "resourceId", "resourceName",
                "awsRegion", "availabilityZone", "resourceCreationTime", "tags", "relatedEvents", "relationships",
                "configuration", "supplementaryConfiguration", "recordingFrequency", "configurationItemDeliveryTime")) {
            m.put(k.toLowerCase(Locale.ROOT), k);
        }
        // the invoking-event spelling
        m.put("configurationitemversion", "version");
        m.put("awsaccountid", "accountId");
        m.put("configurationstatemd5hash", "configurationItemMD5Hash");
        return m;
    }

    /**
     * Reads every resource in one JSON text.
     *
     * @param file the name shown in errors and kept as each resource's source
     * @throws InputException for invalid JSON or a shape that is neither configuration items nor describe output
     */
    public static List<ConfigResource> read(String file, String text) {
        Value root = JsonTree.parse(file, text, 0, HINT);
        List<ConfigResource> out = new ArrayList<>();
        collect(file, root, out, 0);
        return out;
    }

    private static void collect(String file, Value v, List<ConfigResource> out, int depth) {
        if (depth > 4) {
            throw error(file, v, "configuration items nested too deeply", HINT);
        }
        if (v instanceof ListValue l) {
            for (Value e : l.elements()) {
                collect(file, e, out, depth + 1);
            }
            return;
        }
        if (!(v instanceof MapValue m)) {
            throw error(file, v, "expected a configuration item, a list of them or a describe output, not a " + v.kindName(), HINT);
        }
        if (get(m, "resourceType") != null && (get(m, "resourceId") != null || get(m, "resourceName") != null || get(m, "arn") != null)) {
            out.add(configurationItem(file, m));
            return;
        }
        for (String k : List.of("configurationItems", "baseConfigurationItems", "configurationItem")) {
            Value inner = get(m, k);
            if (inner != null) {
                collect(file, inner, out, depth + 1);
                return;
            }
        }
        Value invoking = get(m, "invokingEvent");
        if (invoking != null) {
            Value decoded = decode(file, invoking);
            if (decoded instanceof MapValue ev && get(ev, "configurationItem") == null) {
                String type = JsonTree.text(get(ev, "messageType"));
                throw error(file, invoking, "the invoking event carries no configuration item"
                        + (type == null ? "" : " (messageType " + type + ")"),
                        "periodic (ScheduledNotification) and oversized events name no configuration; fetch the items with aws configservice batch-get-resource-config");
            }
            collect(file, decoded, out, depth + 1);
            return;
        }
        Value results = get(m, "Results");
        if (results instanceof ListValue rl && !rl.elements().isEmpty() && rl.elements().get(0) instanceof StringValue) {
            for (Value e : rl.elements()) {
                collect(file, decode(file, e), out, depth + 1);
            }
            return;
        }
        if (describe(file, m, out)) {
            return;
        }
        throw error(file, m, "neither a configuration item (no resourceType and resourceId) nor a describe output", HINT);
    }

    /** A JSON string holding JSON, decoded with its line numbers counted from the string's own line. */
    private static Value decode(String file, Value v) {
        if (v instanceof StringValue s) {
            String t = s.value().strip();
            if (t.startsWith("{") || t.startsWith("[")) {
                return JsonTree.relocate(JsonTree.parse(file, t, Math.max(0, s.position().line() - 1),
                        "the string at " + file + ":" + s.position().line() + " holds invalid JSON"), s.path());
            }
        }
        return v;
    }

    private static ConfigResource configurationItem(String file, MapValue m) {
        Map<String, Value> norm = new LinkedHashMap<>();
        Map<String, Position> keys = new LinkedHashMap<>();
        for (Map.Entry<String, Value> e : m.entries().entrySet()) {
            String canon = CI_KEYS.getOrDefault(e.getKey().toLowerCase(Locale.ROOT), e.getKey());
            Value val = e.getValue();
            if (canon.equals("configuration")) {
                val = decode(file, val);
            } else if (canon.equals("supplementaryConfiguration") && val instanceof MapValue sm) {
                Map<String, Value> dec = new LinkedHashMap<>();
                Map<String, Position> dk = new LinkedHashMap<>();
                sm.entries().forEach((k, x) -> {
                    Value d;
                    try {
                        d = decode(file, x);
                    } catch (InputException bad) {
                        d = x; // a supplementary value that merely looks like JSON stays a string
                    }
                    dec.put(k, d);
                    dk.put(k, sm.keyPosition(k));
                });
                val = new MapValue(sm.path(), sm.position(), dec, dk);
            }
            norm.put(canon, JsonTree.relocate(val, Value.childPath("", canon)));
            keys.put(canon, m.keyPosition(e.getKey()));
        }
        MapValue doc = new MapValue("", m.position(), norm, keys);
        String type = JsonTree.text(doc.get("resourceType"));
        String id = firstText(doc, "resourceId", "resourceName", "arn");
        if (type == null || type.isBlank()) {
            throw error(file, m, "resourceType must be a non-empty string", HINT);
        }
        if (id == null || id.isBlank()) {
            throw error(file, m, "the configuration item has no resourceId, resourceName or arn", HINT);
        }
        return new ConfigResource(type, id, JsonTree.text(doc.get("resourceName")), JsonTree.text(doc.get("awsRegion")),
                JsonTree.text(doc.get("accountId")), JsonTree.text(doc.get("arn")), JsonTree.text(doc.get("configurationItemStatus")),
                file, m.position(), doc, ConfigResource.Origin.CONFIGURATION_ITEM);
    }

    private static boolean describe(String file, MapValue m, List<ConfigResource> out) {
        for (Map.Entry<String, String[]> d : DESCRIBE.entrySet()) {
            Value list = m.get(d.getKey());
            if (list == null) {
                continue;
            }
            String type = d.getValue()[0];
            String idField = d.getValue()[1];
            if (d.getKey().equals("Reservations") && list instanceof ListValue rl) {
                for (Value r : rl.elements()) {
                    if (r instanceof MapValue rm && rm.get("Instances") instanceof ListValue il) {
                        String owner = JsonTree.text(rm.get("OwnerId"));
                        il.elements().forEach(i -> out.add(describeItem(file, i, type, idField, out.size(), owner)));
                    }
                }
            } else if (list instanceof ListValue l) {
                l.elements().forEach(i -> out.add(describeItem(file, i, type, idField, out.size(), null)));
            } else {
                out.add(describeItem(file, list, type, idField, 0, null)); // describe-key, describe-table: one object
            }
            return true;
        }
        // any other describe output: the one list of objects it holds
        List<Map.Entry<String, Value>> lists = m.entries().entrySet().stream()
                .filter(e -> e.getValue() instanceof ListValue l && !l.elements().isEmpty()
                        && l.elements().stream().allMatch(x -> x instanceof MapValue))
                .toList();
        if (lists.size() != 1) {
            return false;
        }
        String key = lists.get(0).getKey();
        for (Value i : ((ListValue) lists.get(0).getValue()).elements()) {
            out.add(describeItem(file, i, "Describe::" + key, null, out.size(), null));
        }
        return true;
    }

    private static ConfigResource describeItem(String file, Value item, String type, String idField, int index, String owner) {
        if (!(item instanceof MapValue im)) {
            throw error(file, item, "a describe output element must be an object, not a " + item.kindName(), HINT);
        }
        String id = idField == null ? guessId(im) : JsonTree.text(im.get(idField));
        if (id == null || id.isBlank()) {
            if (idField != null) {
                throw error(file, im, "the " + type + " element has no " + idField, "describe outputs name each resource by its id field");
            }
            id = type.substring("Describe::".length()) + "[" + index + "]";
        }
        String arn = firstText(im, "Arn", "ARN", "TrailARN", "DBInstanceArn", "FunctionArn");
        String region = firstText(im, "HomeRegion", "Region", "AwsRegion");
        String account = firstText(im, "OwnerId", "AccountId", "AWSAccountId");
        if (account == null) {
            account = owner;
        }
        Map<String, Value> norm = new LinkedHashMap<>();
        norm.put("resourceType", new StringValue("/resourceType", Position.NONE, type));
        norm.put("resourceId", new StringValue("/resourceId", Position.NONE, id));
        norm.put("awsRegion", new StringValue("/awsRegion", Position.NONE, region == null ? "" : region));
        norm.put("accountId", new StringValue("/accountId", Position.NONE, account == null ? "" : account));
        norm.put("configuration", JsonTree.relocate(im, "/configuration"));
        MapValue doc = new MapValue("", im.position(), norm, Map.of());
        return new ConfigResource(type, id, null, region, account, arn, null, file, im.position(), doc, ConfigResource.Origin.DESCRIBE);
    }

    private static String guessId(MapValue m) {
        for (String k : m.entries().keySet()) {
            if (k.endsWith("Id") && JsonTree.text(m.get(k)) != null) {
                return JsonTree.text(m.get(k));
            }
        }
        for (String suffix : List.of("Arn", "ARN", "Name")) {
            for (String k : m.entries().keySet()) {
                if (k.endsWith(suffix) && JsonTree.text(m.get(k)) != null) {
                    return JsonTree.text(m.get(k));
                }
            }
        }
        return null;
    }

    private static String firstText(MapValue m, String... keys) {
        for (String k : keys) {
            String t = JsonTree.text(m.get(k));
            if (t != null && !t.isBlank()) {
                return t;
            }
        }
        return null;
    }

    /** A top-level key, case-insensitively and in either CI spelling. */
    private static Value get(MapValue m, String key) {
        Value v = m.get(key);
        if (v != null) {
            return v;
        }
        String want = key.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, Value> e : m.entries().entrySet()) {
            String k = e.getKey().toLowerCase(Locale.ROOT);
            if (k.equals(want) || CI_KEYS.getOrDefault(k, "").toLowerCase(Locale.ROOT).equals(want)) {
                return e.getValue();
            }
        }
        return null;
    }

    static InputException error(String file, Value at, String message, String hint) {
        Position p = at.position();
        return new InputException(Diagnostic.of("input_config_item", SourceSpan.at(file, Math.max(1, p.line()), p.column() + 1),
                message, hint));
    }
}
