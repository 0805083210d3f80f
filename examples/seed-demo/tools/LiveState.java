import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed demo's stand-in for the cloud: what {@code aws ec2 describe-security-groups} would answer for the
 * stack the demo deploys. No dependencies: tools/build.sh compiles it into build/live-state.jar (or run it
 * with the source launcher, java tools/LiveState.java ...).
 *
 * <pre>
 * java -jar build/live-state.jar render TEMPLATE.json STACK-CONFIGURATION.json   # the groups the stack creates
 * java -jar build/live-state.jar fetch URL                                      # read them back from the deployment
 * </pre>
 *
 * <p>{@code render} turns every {@code AWS::EC2::SecurityGroup} of the merged template into a group of the
 * describe-security-groups response (rules grouped by protocol and ports, as EC2 does), with each {@code Ref}
 * resolved from the environment's stack configuration, then the parameter's default. The deploy step serves
 * that file from the deployed site, and the validate step's live command fetches it back over HTTP, so the live
 * rules see what the running deployment reports, not what the template says.
 *
 * <p>{@code SEED_DEMO_DRIFT=ssh} simulates what the seed's live check exists for: a change made outside the
 * pipeline (someone opens SSH to the world in the console). The rendered state then holds that rule although
 * no template does, and live validation must tear the deployment down.
 */
public final class LiveState {
    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("render")) {
            System.out.println(write(render(parse(Files.readString(Path.of(args[1]))), parse(Files.readString(Path.of(args[2]))),
                    System.getenv("SEED_DEMO_DRIFT")), ""));
        } else if (args.length == 2 && args[0].equals("fetch")) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(args[1]))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                System.err.println("LiveState: " + args[1] + " answered " + r.statusCode());
                System.exit(1);
            }
            System.out.print(r.body());
        } else {
            System.err.println("usage: LiveState render TEMPLATE.json STACK-CONFIGURATION.json | LiveState fetch URL");
            System.exit(2);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> render(Object template, Object configuration, String drift) throws Exception {
        Map<String, Object> t = (Map<String, Object>) template;
        Map<String, Object> conf = (Map<String, Object>) configuration;
        Map<String, Object> params = (Map<String, Object>) conf.getOrDefault("Parameters", Map.of());
        Map<String, Object> declared = (Map<String, Object>) t.getOrDefault("Parameters", Map.of());
        Map<String, Object> tags = (Map<String, Object>) conf.getOrDefault("Tags", Map.of());
        List<Object> groups = new ArrayList<>();
        Map<String, Object> resources = (Map<String, Object>) t.getOrDefault("Resources", Map.of());
        for (Map.Entry<String, Object> e : resources.entrySet()) {
            Map<String, Object> res = (Map<String, Object>) e.getValue();
            if (!"AWS::EC2::SecurityGroup".equals(res.get("Type"))) {
                continue;
            }
            Map<String, Object> props = (Map<String, Object>) res.getOrDefault("Properties", Map.of());
            Map<String, Object> g = new LinkedHashMap<>();
            String env = String.valueOf(tags.getOrDefault("Environment", "demo"));
            g.put("GroupName", "seed-demo-" + env + "-" + e.getKey());
            g.put("GroupId", "sg-" + sha256(env + "/" + e.getKey()).substring(0, 17));
            g.put("Description", resolve(props.get("GroupDescription"), params, declared));
            g.put("VpcId", resolve(props.get("VpcId"), params, declared));
            List<Object> ingress = new ArrayList<>((List<Object>) props.getOrDefault("SecurityGroupIngress", List.of()));
            if (drift != null && drift.equals("ssh") && groups.isEmpty()) {
                Map<String, Object> opened = new LinkedHashMap<>();
                opened.put("IpProtocol", "tcp");
                opened.put("FromPort", 22L);
                opened.put("ToPort", 22L);
                opened.put("CidrIp", "0.0.0.0/0");
                opened.put("Description", "opened in the console, outside the pipeline (SEED_DEMO_DRIFT)");
                ingress.add(opened);
            }
            g.put("IpPermissions", permissions(ingress, params, declared));
            g.put("IpPermissionsEgress", permissions((List<Object>) props.getOrDefault("SecurityGroupEgress", List.of()), params, declared));
            List<Object> tagList = new ArrayList<>();
            tagList.add(tag("aws:cloudformation:logical-id", e.getKey()));
            tags.forEach((k, v) -> tagList.add(tag(k, String.valueOf(v))));
            g.put("Tags", tagList);
            groups.add(g);
        }
        return Map.of("SecurityGroups", groups);
    }

    /** Rules with the same protocol and ports form one permission, as EC2 reports them. */
    @SuppressWarnings("unchecked")
    static List<Object> permissions(List<Object> rules, Map<String, Object> params, Map<String, Object> declared) throws Exception {
        Map<String, Map<String, Object>> byPorts = new LinkedHashMap<>();
        for (Object o : rules) {
            Map<String, Object> r = (Map<String, Object>) o;
            String protocol = String.valueOf(resolve(r.get("IpProtocol"), params, declared));
            Object from = resolve(r.get("FromPort"), params, declared);
            Object to = resolve(r.get("ToPort"), params, declared);
            Map<String, Object> p = byPorts.computeIfAbsent(protocol + "/" + from + "/" + to, k -> {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("IpProtocol", protocol);
                if (!protocol.equals("-1")) {
                    n.put("FromPort", number(from));
                    n.put("ToPort", number(to));
                }
                n.put("IpRanges", new ArrayList<>());
                n.put("Ipv6Ranges", new ArrayList<>());
                n.put("UserIdGroupPairs", new ArrayList<>());
                return n;
            });
            Object description = resolve(r.get("Description"), params, declared);
            if (r.get("CidrIp") != null) {
                ((List<Object>) p.get("IpRanges")).add(range("CidrIp", resolve(r.get("CidrIp"), params, declared), description));
            } else if (r.get("CidrIpv6") != null) {
                ((List<Object>) p.get("Ipv6Ranges")).add(range("CidrIpv6", resolve(r.get("CidrIpv6"), params, declared), description));
            } else if (r.get("SourceSecurityGroupId") != null || r.get("DestinationSecurityGroupId") != null) {
                Object id = r.get("SourceSecurityGroupId") != null ? r.get("SourceSecurityGroupId") : r.get("DestinationSecurityGroupId");
                ((List<Object>) p.get("UserIdGroupPairs")).add(range("GroupId", String.valueOf(id), description));
            }
        }
        return new ArrayList<>(byPorts.values());
    }

    static Map<String, Object> tag(String key, String value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Key", key);
        m.put("Value", value);
        return m;
    }

    static Map<String, Object> range(String key, Object value, Object description) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        if (description != null) {
            m.put("Description", description);
        }
        return m;
    }

    static Object number(Object v) {
        return v instanceof String s && s.matches("-?\\d+") ? Long.parseLong(s) : v;
    }

    /** A value with {@code Ref} to a parameter replaced: the stack configuration's value, else the default. */
    @SuppressWarnings("unchecked")
    static Object resolve(Object v, Map<String, Object> params, Map<String, Object> declared) throws Exception {
        if (v instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("Ref")) {
            String name = String.valueOf(m.get("Ref"));
            if (params.containsKey(name)) {
                return params.get(name);
            }
            Object decl = declared.get(name);
            if (decl instanceof Map<?, ?> d && d.containsKey("Default")) {
                return d.get("Default");
            }
            throw new Exception("parameter " + name + " has no value in the stack configuration and no default");
        }
        if (v instanceof Map<?, ?> m) {
            throw new Exception("cannot render " + m.keySet() + ": only Ref to parameters is resolved");
        }
        return v;
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    // ---- a small JSON reader and writer: the demo needs no library ----

    static Object parse(String text) {
        Reader r = new Reader(text);
        Object v = r.value();
        r.space();
        if (r.i != text.length()) {
            throw r.error("trailing characters");
        }
        return v;
    }

    static final class Reader {
        final String s;
        int i;

        Reader(String s) {
            this.s = s;
        }

        void space() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("JSON: " + what + " at offset " + i);
        }

        Object value() {
            space();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{' -> {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    space();
                    if (s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        space();
                        String k = string();
                        space();
                        expect(':');
                        m.put(k, value());
                        space();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect('}');
                            return m;
                        }
                    }
                }
                case '[' -> {
                    i++;
                    List<Object> l = new ArrayList<>();
                    space();
                    if (s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        space();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect(']');
                            return l;
                        }
                    }
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    for (String lit : List.of("true", "false", "null")) {
                        if (s.startsWith(lit, i)) {
                            i += lit.length();
                            return lit.equals("null") ? null : Boolean.valueOf(lit);
                        }
                    }
                    int start = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                        i++;
                    }
                    if (start == i) {
                        throw error("unexpected '" + c + "'");
                    }
                    BigDecimal d = new BigDecimal(s.substring(start, i));
                    return d.scale() <= 0 ? (Object) d.longValueExact() : d;
                }
            }
        }

        void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
        }
    }

    static String write(Object v, String indent) {
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                return "{}";
            }
            StringBuilder b = new StringBuilder("{\n");
            int n = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(indent).append("  ").append(quote(String.valueOf(e.getKey()))).append(": ")
                        .append(write(e.getValue(), indent + "  ")).append(++n < m.size() ? ",\n" : "\n");
            }
            return b.append(indent).append('}').toString();
        }
        if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                return "[]";
            }
            StringBuilder b = new StringBuilder("[\n");
            for (int n = 0; n < l.size(); n++) {
                b.append(indent).append("  ").append(write(l.get(n), indent + "  ")).append(n + 1 < l.size() ? ",\n" : "\n");
            }
            return b.append(indent).append(']').toString();
        }
        if (v instanceof String s) {
            return quote(s);
        }
        return String.valueOf(v);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
