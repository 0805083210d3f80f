package gatehouse.iac.scan;

import gatehouse.core.doc.ConfigReader;
import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.Value;
import gatehouse.core.finding.Severity;
import gatehouse.iac.load.DocumentLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code .gatehouse.yml}: what {@code gatehouse scan} checks and how it decides. Every key is documented in
 * docs/configuration.md; an unknown key or a value of the wrong type is an input error at its line.
 *
 * @param baseDir         the directory relative paths in the file are taken from
 * @param include         path globs of files to scan (empty: all)
 * @param exclude         path globs never scanned
 * @param builtin         whether the built-in pack runs
 * @param rulePaths       user rule files or directories
 * @param disabled        rule ids that do not run
 * @param only            when non-empty, the only rule ids that run
 * @param severities      severity overrides by rule id
 * @param risks           risk overrides by rule id
 * @param parameters      values rules read under {@code Gatehouse.*} (corporate_cidrs, approved_amis, ...)
 * @param parameterFiles  template glob → CloudFormation parameter file, for static resolution
 * @param waivers         accepted risks
 * @param approvalAt      total risk at which a scan needs approval
 * @param failAt          total risk at which a scan fails
 * @param failOn          a finding of this severity or worse fails the scan regardless of risk
 * @param secrets         whether and how the scan also looks for secrets in every file
 */
public record ScanConfig(Path baseDir, List<String> include, List<String> exclude, boolean builtin,
                         List<Path> rulePaths, Set<String> disabled, Set<String> only, Map<String, Severity> severities,
                         Map<String, Integer> risks, Map<String, Value> parameters, Map<String, Path> parameterFiles,
                         List<Waiver> waivers, int approvalAt, int failAt, Severity failOn, Secrets secrets) {

    /**
     * The {@code secrets} section: whether {@code gatehouse scan} also runs the secrets detector over every file
     * (git-ignored files skipped), with which gitleaks-format rules (null: {@code .gitleaks.toml} next to the
     * configuration when present, else Gatehouse's own) and which baseline of accepted findings (null:
     * {@code .gatehouse/secrets-baseline.json} when present).
     */
    public record Secrets(boolean enabled, Path rules, Path baseline) {
        public static final Secrets DEFAULT = new Secrets(true, null, null);
    }

    public ScanConfig(Path baseDir, List<String> include, List<String> exclude, boolean builtin,
                      List<Path> rulePaths, Set<String> disabled, Set<String> only, Map<String, Severity> severities,
                      Map<String, Integer> risks, Map<String, Value> parameters, Map<String, Path> parameterFiles,
                      List<Waiver> waivers, int approvalAt, int failAt, Severity failOn) {
        this(baseDir, include, exclude, builtin, rulePaths, disabled, only, severities, risks, parameters, parameterFiles,
                waivers, approvalAt, failAt, failOn, Secrets.DEFAULT);
    }

    public static final String FILE_NAME = ".gatehouse.yml";
    public static final List<String> DEFAULT_EXCLUDE = List.of("**/node_modules/**", "**/.git/**", "**/target/**",
            "**/.terraform/**", "**/cdk.out/asset.*/**", "**/.venv/**", "**/vendor/**");
    /** The ports the security-group rules treat as sensitive unless configured. */
    public static final List<Long> DEFAULT_SENSITIVE_PORTS = List.of(20L, 21L, 22L, 23L, 25L, 110L, 135L, 137L, 138L, 139L,
            143L, 445L, 1433L, 1521L, 2375L, 2376L, 3306L, 3389L, 5432L, 5439L, 5601L, 5984L, 6379L, 7001L, 8020L, 8888L,
            9042L, 9200L, 9300L, 11211L, 27017L, 27018L, 50070L);

    /**
     * A waiver: findings of {@code rule} in files matching {@code file} (glob; any when empty) on
     * {@code resource} (any when empty) are accepted until {@code expires} (never when null).
     */
    public record Waiver(String rule, String file, String resource, String reason, LocalDate expires, String declaredAt) {}

    /** Defaults: the whole pack, seed-demo thresholds (approval at 5, fail at 50, any critical fails). */
    public static ScanConfig defaults(Path baseDir) {
        return new ScanConfig(baseDir, List.of(), DEFAULT_EXCLUDE, true, List.of(), Set.of(), Set.of(), Map.of(), Map.of(),
                defaultParameters(), Map.of(), List.of(), 5, 50, Severity.CRITICAL);
    }

    static Map<String, Value> defaultParameters() {
        Map<String, Value> p = new LinkedHashMap<>();
        p.put("corporate_cidrs", new ListValue("/Gatehouse/corporate_cidrs", Position.NONE, List.of()));
        p.put("approved_amis", new ListValue("/Gatehouse/approved_amis", Position.NONE, List.of()));
        List<Value> ports = new ArrayList<>();
        for (int i = 0; i < DEFAULT_SENSITIVE_PORTS.size(); i++) {
            ports.add(new IntValue("/Gatehouse/sensitive_ports/" + i, Position.NONE, DEFAULT_SENSITIVE_PORTS.get(i)));
        }
        p.put("sensitive_ports", new ListValue("/Gatehouse/sensitive_ports", Position.NONE, ports));
        return p;
    }

    /** Reads {@code file}; the defaults when it does not exist. */
    public static ScanConfig load(Path file) {
        Path base = file.toAbsolutePath().getParent();
        if (!Files.exists(file)) {
            return defaults(base);
        }
        Value v = DocumentLoader.defaults().load(file);
        String name = file.toString();
        ConfigReader r = new ConfigReader(name, "docs/configuration.md");
        if (v instanceof gatehouse.core.doc.NullValue) {
            return defaults(base);
        }
        MapValue root = r.map(v, "the top level");
        r.keys(root, Set.of("version", "include", "exclude", "rules", "parameters", "parameter_files", "waivers", "gate",
                "secrets"));
        if (root.get("version") != null && !(root.get("version") instanceof IntValue iv && iv.value() == 1)) {
            throw r.error(root.get("version"), "version must be 1", "this Gatehouse reads version 1 configuration");
        }
        ScanConfig d = defaults(base);
        List<String> include = root.get("include") == null ? d.include() : r.strings(root.get("include"), "include");
        List<String> exclude = new ArrayList<>(d.exclude());
        if (root.get("exclude") != null) {
            exclude.addAll(r.strings(root.get("exclude"), "exclude"));
        }
        boolean builtin = true;
        List<Path> rulePaths = new ArrayList<>();
        Set<String> disabled = new java.util.LinkedHashSet<>();
        Set<String> only = new java.util.LinkedHashSet<>();
        Map<String, Severity> sev = new LinkedHashMap<>();
        Map<String, Integer> risk = new LinkedHashMap<>();
        if (root.get("rules") != null) {
            MapValue rules = r.map(root.get("rules"), "rules");
            r.keys(rules, Set.of("builtin", "paths", "disable", "only", "severity", "risk"));
            if (rules.get("builtin") != null) {
                builtin = r.bool(rules.get("builtin"), "rules.builtin");
            }
            if (rules.get("paths") != null) {
                for (String p : r.strings(rules.get("paths"), "rules.paths")) {
                    rulePaths.add(base.resolve(p).normalize());
                }
            }
            if (rules.get("disable") != null) {
                disabled.addAll(r.strings(rules.get("disable"), "rules.disable"));
            }
            if (rules.get("only") != null) {
                only.addAll(r.strings(rules.get("only"), "rules.only"));
            }
            if (rules.get("severity") != null) {
                MapValue m = r.map(rules.get("severity"), "rules.severity");
                for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                    String s = r.string(e.getValue(), "rules.severity." + e.getKey());
                    sev.put(e.getKey(), Severity.parse(s).orElseThrow(() -> r.error(e.getValue(),
                            "severity must be critical, high, medium, low or info, not " + s, null)));
                }
            }
            if (rules.get("risk") != null) {
                MapValue m = r.map(rules.get("risk"), "rules.risk");
                for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                    risk.put(e.getKey(), (int) r.integer(e.getValue(), "rules.risk." + e.getKey(), 0, 1000));
                }
            }
        }
        Map<String, Value> params = new LinkedHashMap<>(d.parameters());
        if (root.get("parameters") != null) {
            MapValue m = r.map(root.get("parameters"), "parameters");
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                Value pv = e.getValue();
                if (e.getKey().equals("corporate_cidrs")) {
                    for (String c : r.strings(pv, "parameters.corporate_cidrs")) {
                        if (gatehouse.core.net.Cidr.parse(c).isEmpty()) {
                            throw r.error(pv, "\"" + c + "\" is not a CIDR", "write ranges like 10.0.0.0/8 or 2001:db8::/32");
                        }
                    }
                }
                params.put(e.getKey(), pv);
            }
        }
        Map<String, Path> paramFiles = new LinkedHashMap<>();
        if (root.get("parameter_files") != null) {
            MapValue m = r.map(root.get("parameter_files"), "parameter_files");
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                paramFiles.put(e.getKey(), base.resolve(r.string(e.getValue(), "parameter_files." + e.getKey())).normalize());
            }
        }
        List<Waiver> waivers = new ArrayList<>();
        if (root.get("waivers") != null) {
            if (!(root.get("waivers") instanceof ListValue wl)) {
                throw r.error(root.get("waivers"), "waivers must be a list", "- rule: GH-SG-001\n    reason: ...");
            }
            for (Value wv : wl.elements()) {
                MapValue w = r.map(wv, "a waiver");
                r.keys(w, Set.of("rule", "file", "resource", "reason", "expires"));
                if (w.get("rule") == null || w.get("reason") == null) {
                    throw r.error(w, "a waiver needs rule and reason", "say which rule and why the risk is accepted");
                }
                LocalDate expires = null;
                if (w.get("expires") != null) {
                    String s = r.string(w.get("expires"), "expires");
                    try {
                        expires = LocalDate.parse(s);
                    } catch (DateTimeParseException e) {
                        throw r.error(w.get("expires"), "expires must be a date like 2027-01-31, not " + s, null);
                    }
                }
                waivers.add(new Waiver(r.string(w.get("rule"), "rule"), w.get("file") == null ? "" : r.string(w.get("file"), "file"),
                        w.get("resource") == null ? "" : r.string(w.get("resource"), "resource"), r.string(w.get("reason"), "reason"),
                        expires, name + ":" + w.position().line()));
            }
        }
        int approvalAt = d.approvalAt();
        int failAt = d.failAt();
        Severity failOn = d.failOn();
        if (root.get("gate") != null) {
            MapValue g = r.map(root.get("gate"), "gate");
            r.keys(g, Set.of("approval_at", "fail_at", "fail_on"));
            if (g.get("approval_at") != null) {
                approvalAt = (int) r.integer(g.get("approval_at"), "gate.approval_at", 0, 1_000_000);
            }
            if (g.get("fail_at") != null) {
                failAt = (int) r.integer(g.get("fail_at"), "gate.fail_at", 0, 1_000_000);
            }
            if (approvalAt > failAt) {
                throw r.error(g, "gate.approval_at (" + approvalAt + ") is above gate.fail_at (" + failAt + ")",
                        "approval is the step below failure");
            }
            if (g.get("fail_on") != null) {
                String s = r.string(g.get("fail_on"), "gate.fail_on");
                failOn = s.equals("none") ? null : Severity.parse(s).orElseThrow(() -> r.error(g.get("fail_on"),
                        "fail_on must be a severity or none, not " + s, null));
            }
        }
        Secrets secrets = Secrets.DEFAULT;
        if (root.get("secrets") != null) {
            MapValue sm = r.map(root.get("secrets"), "secrets");
            r.keys(sm, Set.of("enabled", "rules", "baseline"));
            secrets = new Secrets(sm.get("enabled") == null || r.bool(sm.get("enabled"), "secrets.enabled"),
                    sm.get("rules") == null ? null : base.resolve(r.string(sm.get("rules"), "secrets.rules")).normalize(),
                    sm.get("baseline") == null ? null : base.resolve(r.string(sm.get("baseline"), "secrets.baseline")).normalize());
        }
        return new ScanConfig(base, include, exclude, builtin, rulePaths, disabled, only, sev, risk, params, paramFiles,
                waivers, approvalAt, failAt, failOn, secrets);
    }
}
