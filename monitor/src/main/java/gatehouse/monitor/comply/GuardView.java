package gatehouse.monitor.comply;

import gatehouse.core.doc.BoolValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.NullValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a resource configuration is presented to Guard (docs/comply.md, "What Guard sees").
 *
 * <p>The document root is the normalised configuration item itself — so rules written for AWS Config's own
 * Guard custom policies ({@code configuration.ipPermissions[*]}, {@code resourceType == 'AWS::EC2::Volume'},
 * {@code supplementaryConfiguration.BucketVersioningConfiguration.status}) work unchanged — plus a
 * CloudFormation-like {@code Resources} map holding the resource under its id:
 * <pre>
 * Resources:
 *   &lt;resourceId&gt;:
 *     Type: &lt;resourceType&gt;
 *     Properties: &lt;configuration&gt; + the lifts below
 * </pre>
 * so that rules written against templates ({@code Resources.*[ Type == 'AWS::S3::Bucket' ].Properties...}) apply
 * where the properties line up. Config's keys are camelCase ({@code storageEncrypted}) where CloudFormation's
 * are PascalCase ({@code StorageEncrypted}); Guard (as cfn-guard 3.1.1) retries a missing key in the other
 * casings, so such a query finds them. Where AWS Config stores a property elsewhere or in another shape,
 * a lift rewrites it into the CloudFormation shape ({@link #lift}; the table is in docs/comply.md):
 * S3 versioning, encryption, public access block and logging from {@code supplementaryConfiguration}; security
 * group rules from {@code ipPermissions} to one {@code SecurityGroupIngress} entry per source range; CloudTrail's
 * {@code logFileValidationEnabled} and {@code kmsKeyId}; the CI's {@code tags} map to a {@code Tags} list.
 */
public final class GuardView {
    private GuardView() {}

    /** The document Guard evaluates for one resource. */
    public static MapValue document(ConfigResource r) {
        return document(r, Map.of());
    }

    /**
     * The document for one resource, with rule parameters under {@code Gatehouse} (as {@code gatehouse scan}
     * passes {@code .gatehouse.yml} parameters: {@code Gatehouse.approved_amis}); empty for none.
     */
    public static MapValue document(ConfigResource r, Map<String, Value> parameters) {
        Map<String, Value> root = new LinkedHashMap<>(r.document().entries());
        if (!parameters.isEmpty()) {
            root.put("Gatehouse", MapValue.of("/Gatehouse", parameters));
        }
        Map<String, Position> keys = new LinkedHashMap<>();
        r.document().entries().keySet().forEach(k -> keys.put(k, r.document().keyPosition(k)));
        root.put("Resources", MapValue.of("/Resources", Map.of(r.id(), resourceEntry(r, "/Resources"))));
        return new MapValue("", r.document().position(), root, keys);
    }

    /**
     * The document for an account-level rule ({@code @resource AWS::::Account}): every resource of the account
     * in one {@code Resources} map (keyed by id; a repeated id gets {@code #2}, {@code #3}), the account's
     * normalised items under {@code configurationItems}, and {@code accountId}.
     */
    public static MapValue accountDocument(String account, List<ConfigResource> resources, Map<String, Value> parameters) {
        Map<String, Value> res = new LinkedHashMap<>();
        List<Value> items = new ArrayList<>();
        for (ConfigResource r : resources) {
            String key = r.id();
            for (int n = 2; res.containsKey(key); n++) {
                key = r.id() + "#" + n;
            }
            res.put(key, resourceEntry(r, "/Resources"));
            items.add(JsonTree.relocate(r.document(), "/configurationItems/" + items.size()));
        }
        Map<String, Value> root = new LinkedHashMap<>();
        root.put("accountId", new StringValue("/accountId", Position.NONE, account));
        root.put("configurationItems", new ListValue("/configurationItems", Position.NONE, items));
        root.put("Resources", MapValue.of("/Resources", res));
        if (!parameters.isEmpty()) {
            root.put("Gatehouse", MapValue.of("/Gatehouse", parameters));
        }
        return MapValue.of("", root);
    }

    private static Value resourceEntry(ConfigResource r, String parent) {
        String path = Value.childPath(parent, r.id());
        Value conf = r.document().get("configuration");
        MapValue props = lift(r, conf instanceof MapValue m ? m : MapValue.of("", Map.of()));
        Map<String, Value> e = new LinkedHashMap<>();
        e.put("Type", new StringValue(path + "/Type", Position.NONE, r.type()));
        e.put("Properties", JsonTree.relocate(props, path + "/Properties"));
        return new MapValue(path, r.position(), e, Map.of());
    }

    /** The configuration with the CloudFormation-shaped properties added (they win over a same-named key). */
    static MapValue lift(ConfigResource r, MapValue conf) {
        Map<String, Value> p = new LinkedHashMap<>(conf.entries());
        Value supp = r.document().get("supplementaryConfiguration");
        MapValue sc = supp instanceof MapValue s ? s : MapValue.of("", Map.of());
        switch (r.type()) {
            case "AWS::S3::Bucket" -> liftBucket(r, conf, sc, p);
            case "AWS::EC2::SecurityGroup" -> {
                put(p, "SecurityGroupIngress", sgRules(get(conf, "ipPermissions"), true));
                put(p, "SecurityGroupEgress", sgRules(get(conf, "ipPermissionsEgress"), false));
                if (get(conf, "description") != null) {
                    put(p, "GroupDescription", get(conf, "description"));
                }
            }
            case "AWS::CloudTrail::Trail" -> {
                rename(conf, p, "logFileValidationEnabled", "EnableLogFileValidation");
                rename(conf, p, "kmsKeyId", "KMSKeyId");
                rename(sc, p, "IsLogging", "IsLogging");
            }
            default -> { }
        }
        Value tags = r.document().get("tags");
        if (tags instanceof MapValue tm && !tm.isEmpty() && !(get(conf, "Tags") instanceof ListValue l && !l.elements().isEmpty())) {
            List<Value> list = new ArrayList<>();
            tm.entries().forEach((k, v) -> list.add(map("Key", new StringValue("", Position.NONE, k), "Value", v)));
            put(p, "Tags", new ListValue("", tm.position(), list));
        }
        return new MapValue("", conf.position(), p, Map.of());
    }

    private static void liftBucket(ConfigResource r, MapValue conf, MapValue sc, Map<String, Value> p) {
        if (get(conf, "name") != null) {
            put(p, "BucketName", get(conf, "name"));
        }
        if (get(sc, "BucketVersioningConfiguration") instanceof MapValue v && text(get(v, "status")) != null) {
            Map<String, Value> vc = new LinkedHashMap<>();
            vc.put("Status", get(v, "status"));
            put(p, "VersioningConfiguration", new MapValue("", v.position(), vc, Map.of()));
        }
        if (get(sc, "ServerSideEncryptionConfiguration") instanceof MapValue enc && get(enc, "rules") instanceof ListValue rules) {
            List<Value> out = new ArrayList<>();
            for (Value rule : rules.elements()) {
                if (rule instanceof MapValue rm) {
                    Map<String, Value> o = new LinkedHashMap<>();
                    if (get(rm, "applyServerSideEncryptionByDefault") instanceof MapValue d) {
                        Map<String, Value> dd = new LinkedHashMap<>();
                        if (get(d, "sseAlgorithm") != null) {
                            dd.put("SSEAlgorithm", get(d, "sseAlgorithm"));
                        }
                        if (text(get(d, "kmsMasterKeyID")) != null) {
                            dd.put("KMSMasterKeyID", get(d, "kmsMasterKeyID"));
                        }
                        o.put("ServerSideEncryptionByDefault", new MapValue("", d.position(), dd, Map.of()));
                    }
                    if (get(rm, "bucketKeyEnabled") != null) {
                        o.put("BucketKeyEnabled", get(rm, "bucketKeyEnabled"));
                    }
                    out.add(new MapValue("", rm.position(), o, Map.of()));
                }
            }
            put(p, "BucketEncryption", map("ServerSideEncryptionConfiguration", new ListValue("", rules.position(), out)));
        }
        if (get(sc, "PublicAccessBlockConfiguration") instanceof MapValue pab) {
            Map<String, Value> o = new LinkedHashMap<>();
            for (String k : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
                if (get(pab, k) != null) {
                    o.put(k, get(pab, k));
                }
            }
            put(p, "PublicAccessBlockConfiguration", new MapValue("", pab.position(), o, Map.of()));
        }
        if (get(sc, "BucketLoggingConfiguration") instanceof MapValue lg && text(get(lg, "destinationBucketName")) != null) {
            Map<String, Value> o = new LinkedHashMap<>();
            o.put("DestinationBucketName", get(lg, "destinationBucketName"));
            if (text(get(lg, "logFilePrefix")) != null) {
                o.put("LogFilePrefix", get(lg, "logFilePrefix"));
            }
            put(p, "LoggingConfiguration", new MapValue("", lg.position(), o, Map.of()));
        }
    }

    /**
     * Config's / EC2's permission list to CloudFormation's rule list: one entry per source (IPv4 range, IPv6
     * range, security group, prefix list), each with IpProtocol, FromPort, ToPort and the source's CloudFormation
     * key. A permission with no source at all keeps one entry without a source.
     */
    private static Value sgRules(Value perms, boolean ingress) {
        List<Value> out = new ArrayList<>();
        if (!(perms instanceof ListValue l)) {
            return new ListValue("", Position.NONE, out);
        }
        for (Value pv : l.elements()) {
            if (!(pv instanceof MapValue pm)) {
                continue;
            }
            List<Map.Entry<String, Value>> sources = new ArrayList<>();
            java.util.Set<String> v4 = new java.util.LinkedHashSet<>();
            if (get(pm, "ipv4Ranges") instanceof ListValue r4) {
                r4.elements().forEach(x -> addCidr(x, "cidrIp", v4, sources, "CidrIp"));
            }
            if (get(pm, "ipRanges") instanceof ListValue r) {
                r.elements().forEach(x -> addCidr(x, "cidrIp", v4, sources, "CidrIp"));
            }
            java.util.Set<String> v6 = new java.util.LinkedHashSet<>();
            if (get(pm, "ipv6Ranges") instanceof ListValue r6) {
                r6.elements().forEach(x -> addCidr(x, "cidrIpv6", v6, sources, "CidrIpv6"));
            }
            if (get(pm, "userIdGroupPairs") instanceof ListValue g) {
                for (Value x : g.elements()) {
                    if (x instanceof MapValue gm && get(gm, "groupId") != null) {
                        sources.add(Map.entry(ingress ? "SourceSecurityGroupId" : "DestinationSecurityGroupId", get(gm, "groupId")));
                    }
                }
            }
            if (get(pm, "prefixListIds") instanceof ListValue pl) {
                for (Value x : pl.elements()) {
                    Value id = x instanceof MapValue xm ? get(xm, "prefixListId") : x;
                    if (text(id) != null) {
                        sources.add(Map.entry(ingress ? "SourcePrefixListId" : "DestinationPrefixListId", id));
                    }
                }
            }
            if (sources.isEmpty()) {
                sources.add(null);
            }
            for (Map.Entry<String, Value> s : sources) {
                Map<String, Value> e = new LinkedHashMap<>();
                for (String[] k : new String[][] {{"ipProtocol", "IpProtocol"}, {"fromPort", "FromPort"}, {"toPort", "ToPort"}}) {
                    if (get(pm, k[0]) != null && !(get(pm, k[0]) instanceof NullValue)) {
                        e.put(k[1], get(pm, k[0]));
                    }
                }
                if (s != null) {
                    e.put(s.getKey(), s.getValue());
                }
                out.add(new MapValue("", pm.position(), e, Map.of()));
            }
        }
        return new ListValue("", perms.position(), out);
    }

    private static void addCidr(Value x, String field, java.util.Set<String> seen, List<Map.Entry<String, Value>> sources, String cfnKey) {
        Value cidr = x instanceof MapValue xm ? get(xm, field) : x;
        String t = text(cidr);
        if (t != null && seen.add(t)) { // ipRanges and ipv4Ranges repeat the same ranges in newer items
            sources.add(Map.entry(cfnKey, cidr));
        }
    }

    private static void rename(MapValue from, Map<String, Value> p, String key, String cfnKey) {
        Value v = get(from, key);
        if (v != null && !(v instanceof NullValue)) {
            put(p, cfnKey, v);
        }
    }

    private static void put(Map<String, Value> p, String key, Value v) {
        // a same-named key in another casing would be found first by an exact query; the lift replaces it
        p.keySet().removeIf(k -> k.equalsIgnoreCase(key));
        p.put(key, v);
    }

    private static MapValue map(Object... kv) {
        Map<String, Value> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Value) kv[i + 1]);
        }
        return MapValue.of("", m);
    }

    /** A key, exactly or in any casing ({@code ipPermissions} / {@code IpPermissions}). */
    static Value get(MapValue m, String key) {
        Value v = m.get(key);
        if (v != null) {
            return v;
        }
        for (Map.Entry<String, Value> e : m.entries().entrySet()) {
            if (e.getKey().toLowerCase(Locale.ROOT).equals(key.toLowerCase(Locale.ROOT))) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String text(Value v) {
        return v instanceof BoolValue ? null : JsonTree.text(v);
    }
}
