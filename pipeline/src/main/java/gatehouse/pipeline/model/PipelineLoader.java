package gatehouse.pipeline.model;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.core.doc.ConfigReader;
import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.NullValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.iac.load.DocumentLoader;
import gatehouse.pipeline.model.PipelineSpec.Notify;
import gatehouse.pipeline.model.PipelineSpec.SecretSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code gatehouse.yml} (documented key by key in docs/pipeline.md, schema in
 * pipeline/src/main/resources/gatehouse/pipeline/gatehouse.schema.json). Every mistake — an unknown key, a wrong type, a stage that names an unknown
 * environment, a step that uses an undeclared secret, two stages with one name — is an {@link InputException}
 * at the offending value's {@code file:line:col}, before anything runs.
 */
public final class PipelineLoader {
    public static final String FILE_NAME = "gatehouse.yml";
    static final Set<String> STEP_KINDS = Set.of("gate", "run", "approval", "merge", "attest", "verify", "validate", "deploy");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private PipelineLoader() {}

    public static PipelineSpec load(Path file) {
        return load(file, file.toString());
    }

    /** @param displayName the file as the user named it, for messages */
    public static PipelineSpec load(Path file, String displayName) {
        if (!Files.isRegularFile(file)) {
            throw new InputException(Diagnostic.of("config", SourceSpan.at(displayName, 1, 1),
                    "no pipeline file " + file, "write a gatehouse.yml (see docs/pipeline.md) or name one: gatehouse run FILE"));
        }
        Value doc;
        try (var in = Files.newInputStream(file)) {
            doc = DocumentLoader.defaults().load(displayName, in);
        } catch (java.io.IOException e) {
            throw new InputException(Diagnostic.of("config", SourceSpan.at(displayName, 1, 1), "cannot read: " + e.getMessage(), null));
        }
        Path base = file.toAbsolutePath().normalize().getParent();
        return read(file, displayName, base, doc);
    }

    static PipelineSpec read(Path file, String displayName, Path base, Value doc) {
        ConfigReader r = new ConfigReader(displayName, "docs/pipeline.md");
        if (doc instanceof NullValue) {
            throw r.error(doc, "the pipeline file is empty", "a pipeline needs at least: version: 1 and stages");
        }
        MapValue root = r.map(doc, "the top level");
        r.keys(root, Set.of("version", "name", "environments", "secrets", "secrets_file", "notify", "stages", "merge"));
        Value version = root.get("version");
        if (version == null || !(version instanceof IntValue iv && iv.value() == 1)) {
            throw r.error(version == null ? root : version, "version must be 1", "start the file with: version: 1");
        }
        String name = root.get("name") == null ? base.getFileName().toString() : r.string(root.get("name"), "name");

        Map<String, SecretSource> secrets = new LinkedHashMap<>();
        if (root.get("secrets") != null) {
            MapValue m = r.map(root.get("secrets"), "secrets");
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                String sn = e.getKey();
                if (!ENV_NAME.matcher(sn).matches()) {
                    throw keyError(r, m, sn, "a secret's name must be a valid environment variable name",
                            "letters, digits and _, not starting with a digit");
                }
                MapValue s = r.map(e.getValue(), "secrets." + sn);
                r.keys(s, Set.of("env", "file"));
                if ((s.get("env") == null) == (s.get("file") == null)) {
                    throw r.error(s, "secrets." + sn + " needs env (the variable that holds its value) or file (its name "
                            + "in the encrypted secrets file), one of them", "the value itself never goes in gatehouse.yml");
                }
                secrets.put(sn, new SecretSource(sn, s.get("env") == null ? null : r.string(s.get("env"), "secrets." + sn + ".env"),
                        s.get("file") == null ? null : r.string(s.get("file"), "secrets." + sn + ".file")));
            }
        }

        Map<String, Environment> envs = new LinkedHashMap<>();
        if (root.get("environments") != null) {
            MapValue m = r.map(root.get("environments"), "environments");
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                String en = e.getKey();
                if (!NAME.matcher(en).matches()) {
                    throw keyError(r, m, en, "an environment's name must be letters, digits, '.', '_' or '-'", null);
                }
                MapValue ev = e.getValue() instanceof NullValue ? MapValue.of("/environments/" + en, Map.of())
                        : r.map(e.getValue(), "environments." + en);
                r.keys(ev, Set.of("production", "protected", "parameters", "rules", "secrets", "identity"));
                boolean production = ev.get("production") != null && r.bool(ev.get("production"), "production");
                boolean prot = ev.get("protected") == null ? production : r.bool(ev.get("protected"), "protected");
                Path params = ev.get("parameters") == null ? null
                        : base.resolve(r.string(ev.get("parameters"), "parameters")).normalize();
                List<Path> rules = new ArrayList<>();
                if (ev.get("rules") != null) {
                    for (String p : r.strings(ev.get("rules"), "rules")) {
                        rules.add(base.resolve(p).normalize());
                    }
                }
                List<String> envSecrets = ev.get("secrets") == null ? List.of() : r.strings(ev.get("secrets"), "secrets");
                if (ev.get("secrets") != null) {
                    checkSecrets(r, ev.get("secrets"), envSecrets, secrets);
                }
                List<Path> identity = new ArrayList<>();
                if (ev.get("identity") != null) {
                    for (String p : r.strings(ev.get("identity"), "identity")) {
                        identity.add(base.resolve(p).normalize());
                    }
                }
                envs.put(en, new Environment(en, production, prot, params, rules, envSecrets, identity));
            }
        }

        Notify notify = Notify.NONE;
        if (root.get("notify") != null) {
            MapValue n = r.map(root.get("notify"), "notify");
            r.keys(n, Set.of("reports", "webhook", "webhook_secret"));
            Path reports = n.get("reports") == null ? null : base.resolve(r.string(n.get("reports"), "notify.reports")).normalize();
            String hook = n.get("webhook") == null ? null : r.string(n.get("webhook"), "notify.webhook");
            if (hook != null && !(hook.startsWith("http://") || hook.startsWith("https://"))) {
                throw r.error(n.get("webhook"), "notify.webhook must be an http:// or https:// URL", null);
            }
            String hookSecret = null;
            if (n.get("webhook_secret") != null) {
                hookSecret = r.string(n.get("webhook_secret"), "notify.webhook_secret");
                checkSecrets(r, n.get("webhook_secret"), List.of(hookSecret), secrets);
            }
            notify = new Notify(reports, hook, hookSecret);
        }

        gatehouse.pipeline.merge.MergeSpec merge = root.get("merge") == null ? null
                : gatehouse.pipeline.merge.MergeConfig.fromSection(displayName, base, r.map(root.get("merge"), "merge"));
        if (root.get("stages") == null) {
            throw r.error(root, "the pipeline has no stages", "stages:\n  - name: build\n    steps:\n      - run: make");
        }
        if (!(root.get("stages") instanceof ListValue sl) || sl.elements().isEmpty()) {
            throw r.error(root.get("stages"), "stages must be a non-empty list", null);
        }
        List<Stage> stages = new ArrayList<>();
        Set<String> stageNames = new HashSet<>();
        for (Value sv : sl.elements()) {
            MapValue s = r.map(sv, "a stage");
            r.keys(s, Set.of("name", "environment", "steps"));
            if (s.get("name") == null) {
                throw r.error(s, "a stage needs a name", null);
            }
            String sn = r.string(s.get("name"), "name");
            if (!NAME.matcher(sn).matches()) {
                throw r.error(s.get("name"), "a stage's name must be letters, digits, '.', '_' or '-'", null);
            }
            if (!stageNames.add(sn)) {
                throw r.error(s.get("name"), "two stages are named " + sn, "stage names identify a run's stages: make them unique");
            }
            String env = null;
            if (s.get("environment") != null) {
                env = r.string(s.get("environment"), "environment");
                if (!envs.containsKey(env)) {
                    throw r.error(s.get("environment"), "unknown environment " + env,
                            envs.isEmpty() ? "declare it under environments:" : "declared: " + String.join(", ", envs.keySet()));
                }
            }
            if (!(s.get("steps") instanceof ListValue steps) || steps.elements().isEmpty()) {
                throw r.error(s.get("steps") == null ? s : s.get("steps"), "stage " + sn + " needs a non-empty list of steps", null);
            }
            List<Step> out = new ArrayList<>();
            Set<String> stepNames = new HashSet<>();
            for (Value stv : steps.elements()) {
                Step step = step(r, displayName, base, stv, secrets, stepNames);
                if (step instanceof Step.Merge && merge == null) {
                    throw r.error(stv, "a merge step needs the merge: section (owners and their paths)", "see docs/merge.md");
                }
                if (!stepNames.add(step.name())) {
                    throw r.error(stv, "two steps of stage " + sn + " are named " + step.name(), "give one a name: key");
                }
                out.add(step);
            }
            stages.add(new Stage(sn, span(displayName, s), env, out));
        }
        Path secretsFile = base.resolve(root.get("secrets_file") == null ? ".gatehouse/secrets.enc"
                : r.string(root.get("secrets_file"), "secrets_file")).normalize();
        return new PipelineSpec(file, base, name, envs, secrets, notify, stages, merge, secretsFile);
    }

    /** A step; an unnamed one is named after its kind (or gate), numbered when the stage already has one: run, run-2. */
    private static Step step(ConfigReader r, String file, Path base, Value v, Map<String, SecretSource> secrets,
                             Set<String> taken) {
        MapValue m = r.map(v, "a step");
        List<String> kinds = m.entries().keySet().stream().filter(STEP_KINDS::contains).toList();
        if (kinds.size() != 1) {
            throw r.error(m, kinds.isEmpty() ? "a step needs one of: " + String.join(", ", new java.util.TreeSet<>(STEP_KINDS))
                    : "a step has one kind, not " + String.join(" and ", kinds), "e.g. - run: make test");
        }
        String kind = kinds.get(0);
        SourceSpan at = span(file, m);
        String name = m.get("name") == null ? null : r.string(m.get("name"), "name");
        if (name != null && !NAME.matcher(name).matches()) {
            throw r.error(m.get("name"), "a step's name must be letters, digits, '.', '_' or '-'", null);
        }
        switch (kind) {
            case "gate" -> {
                r.keys(m, Set.of("gate", "name", "paths", "sarif", "fail_on"));
                String sc = r.string(m.get("gate"), "gate");
                Step.Gate.Scanner scanner = switch (sc) {
                    case "policy" -> Step.Gate.Scanner.POLICY;
                    case "secrets" -> Step.Gate.Scanner.SECRETS;
                    case "sarif" -> Step.Gate.Scanner.SARIF;
                    default -> throw r.error(m.get("gate"), "unknown gate " + sc, "gates: policy, secrets, sarif");
                };
                List<String> paths = m.get("paths") == null ? List.of() : r.strings(m.get("paths"), "paths");
                String sarif = m.get("sarif") == null ? null : r.string(m.get("sarif"), "sarif");
                if (scanner == Step.Gate.Scanner.SARIF && sarif == null) {
                    throw r.error(m, "a sarif gate needs sarif: the file to read", "e.g. sarif: build/reports/semgrep.sarif");
                }
                if (scanner != Step.Gate.Scanner.SARIF && (sarif != null || m.get("fail_on") != null)) {
                    throw r.error(m.get(sarif != null ? "sarif" : "fail_on"), "sarif and fail_on belong to sarif gates", null);
                }
                String failOn = m.get("fail_on") == null ? "error" : r.string(m.get("fail_on"), "fail_on");
                if (!Set.of("error", "warning", "note").contains(failOn)) {
                    throw r.error(m.get("fail_on"), "fail_on must be error, warning or note", null);
                }
                return new Step.Gate(name == null ? free(sc, taken) : name, at, scanner, paths, sarif, failOn);
            }
            case "run" -> {
                r.keys(m, Set.of("run", "name", "env", "secrets", "outputs", "timeout"));
                String command = r.string(m.get("run"), "run");
                if (command.isBlank()) {
                    throw r.error(m.get("run"), "run needs a command", null);
                }
                Map<String, String> env = new LinkedHashMap<>();
                if (m.get("env") != null) {
                    MapValue em = r.map(m.get("env"), "env");
                    for (Map.Entry<String, Value> e : em.entries().entrySet()) {
                        if (!ENV_NAME.matcher(e.getKey()).matches()) {
                            throw keyError(r, em, e.getKey(), "not an environment variable name: " + e.getKey(), null);
                        }
                        env.put(e.getKey(), r.string(e.getValue(), "env." + e.getKey()));
                    }
                }
                List<String> stepSecrets = m.get("secrets") == null ? List.of() : r.strings(m.get("secrets"), "secrets");
                if (m.get("secrets") != null) {
                    checkSecrets(r, m.get("secrets"), stepSecrets, secrets);
                }
                List<String> outputs = m.get("outputs") == null ? List.of() : r.strings(m.get("outputs"), "outputs");
                Duration timeout = Duration.ofSeconds(m.get("timeout") == null ? 3600
                        : r.integer(m.get("timeout"), "timeout (seconds)", 1, 7 * 24 * 3600));
                return new Step.Run(name == null ? free("run", taken) : name, at, command, env, stepSecrets, outputs, timeout);
            }
            case "approval" -> {
                r.keys(m, Set.of("approval", "name"));
                Value a = m.get("approval");
                int count = 1;
                List<String> approvers = List.of();
                Map<String, Path> keys = new LinkedHashMap<>();
                if (!(a instanceof NullValue) && !(a instanceof StringValue sv && sv.value().isEmpty())) {
                    MapValue am = r.map(a, "approval");
                    r.keys(am, Set.of("count", "approvers", "keys"));
                    if (am.get("keys") != null) {
                        for (Map.Entry<String, Value> e : r.map(am.get("keys"), "approval.keys").entries().entrySet()) {
                            keys.put(e.getKey(), base.resolve(r.string(e.getValue(), "approval.keys." + e.getKey())).normalize());
                        }
                        if (am.get("approvers") == null) {
                            approvers = List.copyOf(keys.keySet());
                        }
                    }
                    if (am.get("count") != null) {
                        count = (int) r.integer(am.get("count"), "approval.count", 1, 100);
                    }
                    if (am.get("approvers") != null) {
                        approvers = r.strings(am.get("approvers"), "approval.approvers");
                        if (approvers.size() < count) {
                            throw r.error(am.get("approvers"), count + " approvals needed but only " + approvers.size()
                                    + " approvers listed", "list at least as many people as the count");
                        }
                    }
                }
                if (!keys.isEmpty()) {
                    for (String who : approvers) {
                        if (!keys.containsKey(who)) {
                            throw r.error(a, "approver " + who + " has no key under approval.keys",
                                    "with keys, every approver signs with their own key");
                        }
                    }
                }
                return new Step.Approval(name == null ? free("approval", taken) : name, at, count, approvers, keys);
            }
            case "merge" -> {
                r.keys(m, Set.of("merge", "name"));
                Value mv = m.get("merge");
                List<String> paths = List.of();
                if (!(mv instanceof NullValue) && !(mv instanceof StringValue sv && sv.value().isEmpty())) {
                    MapValue mm = r.map(mv, "merge");
                    r.keys(mm, Set.of("paths"));
                    paths = mm.get("paths") == null ? List.of() : r.strings(mm.get("paths"), "merge.paths");
                }
                return new Step.Merge(name == null ? free("merge", taken) : name, at, paths);
            }
            case "attest" -> {
                r.keys(m, Set.of("attest", "name"));
                MapValue am = r.map(m.get("attest"), "attest");
                r.keys(am, Set.of("subjects", "output"));
                if (am.get("subjects") == null || am.get("output") == null) {
                    throw r.error(am, "attest needs subjects (the files to sign) and output (the attestation file)",
                            "attest: {subjects: [target/app.jar], output: target/app.intoto.jsonl}");
                }
                return new Step.Attest(name == null ? free("attest", taken) : name, at,
                        r.strings(am.get("subjects"), "attest.subjects"), r.string(am.get("output"), "attest.output"));
            }
            case "verify" -> {
                r.keys(m, Set.of("verify", "name"));
                MapValue vm = r.map(m.get("verify"), "verify");
                r.keys(vm, Set.of("attestation", "artifacts", "keys"));
                if (vm.get("attestation") == null || vm.get("artifacts") == null) {
                    throw r.error(vm, "verify needs attestation and artifacts",
                            "verify: {attestation: target/app.intoto.jsonl, artifacts: [target/app.jar]}");
                }
                return new Step.Verify(name == null ? free("verify", taken) : name, at,
                        r.string(vm.get("attestation"), "verify.attestation"), r.strings(vm.get("artifacts"), "verify.artifacts"),
                        vm.get("keys") == null ? List.of() : r.strings(vm.get("keys"), "verify.keys"));
            }
            case "deploy" -> {
                r.keys(m, Set.of("deploy", "name"));
                MapValue dm = r.map(m.get("deploy"), "deploy");
                r.keys(dm, Set.of("driver", "command", "health", "timeout", "artifacts", "env", "secrets", "teardown"));
                String driver = dm.get("driver") == null ? "command" : r.string(dm.get("driver"), "deploy.driver");
                if (!driver.equals("command") && !driver.equals("local")) {
                    throw r.error(dm.get("driver"), "unknown deploy driver " + driver, "drivers: command, local");
                }
                if (dm.get("command") == null) {
                    throw r.error(dm, "deploy needs command", "deploy: {driver: local, command: java -jar app.jar, health: http://127.0.0.1:8080/health}");
                }
                String health = dm.get("health") == null ? null : r.string(dm.get("health"), "deploy.health");
                if (driver.equals("local") && health == null) {
                    throw r.error(dm, "a local deployment needs health: the URL that answers once it is up", null);
                }
                Map<String, String> env = new LinkedHashMap<>();
                if (dm.get("env") != null) {
                    for (Map.Entry<String, Value> e : r.map(dm.get("env"), "deploy.env").entries().entrySet()) {
                        env.put(e.getKey(), r.string(e.getValue(), "deploy.env." + e.getKey()));
                    }
                }
                List<String> ds = dm.get("secrets") == null ? List.of() : r.strings(dm.get("secrets"), "deploy.secrets");
                if (dm.get("secrets") != null) {
                    checkSecrets(r, dm.get("secrets"), ds, secrets);
                }
                return new Step.Deploy(name == null ? free("deploy", taken) : name, at, driver, r.string(dm.get("command"), "deploy.command"),
                        health, Duration.ofSeconds(dm.get("timeout") == null ? 600 : r.integer(dm.get("timeout"), "deploy.timeout", 1, 86400)),
                        dm.get("artifacts") == null ? List.of() : r.strings(dm.get("artifacts"), "deploy.artifacts"), env, ds,
                        dm.get("teardown") == null ? null : r.string(dm.get("teardown"), "deploy.teardown"));
            }
            case "validate" -> {
                r.keys(m, Set.of("validate", "name"));
                MapValue vm = r.map(m.get("validate"), "validate");
                r.keys(vm, Set.of("live", "probes", "teardown"));
                String liveCommand = null;
                List<String> liveRules = List.of();
                if (vm.get("live") != null) {
                    MapValue lm = r.map(vm.get("live"), "validate.live");
                    r.keys(lm, Set.of("command", "rules"));
                    if (lm.get("command") == null || lm.get("rules") == null) {
                        throw r.error(lm, "validate.live needs command (printing the live state as JSON) and rules",
                                "live: {command: aws ec2 describe-security-groups --output json, rules: [policies]}");
                    }
                    liveCommand = r.string(lm.get("command"), "validate.live.command");
                    liveRules = r.strings(lm.get("rules"), "validate.live.rules");
                }
                List<Step.Probe> probes = new ArrayList<>();
                if (vm.get("probes") != null) {
                    if (!(vm.get("probes") instanceof ListValue pl)) {
                        throw r.error(vm.get("probes"), "validate.probes must be a list", null);
                    }
                    for (Value pv : pl.elements()) {
                        probes.add(probe(r, file, pv));
                    }
                }
                if (liveCommand == null && probes.isEmpty()) {
                    throw r.error(vm, "validate needs live or probes", "see docs/pipeline.md");
                }
                String teardown = vm.get("teardown") == null ? null : r.string(vm.get("teardown"), "validate.teardown");
                return new Step.Validate(name == null ? free("validate", taken) : name, at, liveCommand, liveRules,
                        probes, teardown);
            }
            default -> throw new IllegalStateException(kind);
        }
    }

    private static Step.Probe probe(ConfigReader r, String file, Value v) {
        MapValue m = r.map(v, "a probe");
        List<String> kinds = m.entries().keySet().stream().filter(k -> Set.of("tcp", "http", "tls").contains(k)).toList();
        if (kinds.size() != 1) {
            throw r.error(m, "a probe is one of tcp, http, tls", "- tcp: 127.0.0.1:22\n  expect: closed");
        }
        String kind = kinds.get(0);
        String target = r.string(m.get(kind), kind);
        SourceSpan at = span(file, m);
        switch (kind) {
            case "tcp" -> {
                r.keys(m, Set.of("tcp", "expect"));
                hostPort(r, m.get(kind), target);
                String expect = m.get("expect") == null ? "open" : r.string(m.get("expect"), "expect");
                if (!expect.equals("open") && !expect.equals("closed")) {
                    throw r.error(m.get("expect"), "expect must be open or closed", null);
                }
                return new Step.Probe(kind, target, expect, List.of(), List.of(), null, at);
            }
            case "http" -> {
                r.keys(m, Set.of("http", "status", "headers"));
                if (!target.startsWith("http://") && !target.startsWith("https://")) {
                    throw r.error(m.get(kind), "an http probe needs an http:// or https:// URL", null);
                }
                List<Integer> status = new ArrayList<>();
                if (m.get("status") == null) {
                    status.add(200);
                } else {
                    Value sv = m.get("status");
                    for (Value e : sv instanceof ListValue l ? l.elements() : List.of(sv)) {
                        status.add((int) r.integer(e, "status", 100, 599));
                    }
                }
                List<String> headers = m.get("headers") == null ? List.of() : r.strings(m.get("headers"), "headers");
                return new Step.Probe(kind, target, null, status, headers, null, at);
            }
            default -> {
                r.keys(m, Set.of("tls", "min_version"));
                hostPort(r, m.get(kind), target);
                String min = m.get("min_version") == null ? "TLSv1.2" : r.string(m.get("min_version"), "min_version");
                if (!List.of("TLSv1.2", "TLSv1.3").contains(min)) {
                    throw r.error(m.get("min_version"), "min_version must be TLSv1.2 or TLSv1.3", null);
                }
                return new Step.Probe(kind, target, null, List.of(), List.of(), min, at);
            }
        }
    }

    private static void hostPort(ConfigReader r, Value at, String target) {
        int colon = target.lastIndexOf(':');
        boolean ok = colon > 0 && colon < target.length() - 1;
        if (ok) {
            try {
                int port = Integer.parseInt(target.substring(colon + 1));
                ok = port > 0 && port < 65536;
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw r.error(at, "expected HOST:PORT, not " + target, "e.g. 127.0.0.1:22");
        }
    }

    private static String free(String base, Set<String> taken) {
        String n = base;
        for (int i = 2; taken.contains(n); i++) {
            n = base + "-" + i;
        }
        return n;
    }

    private static void checkSecrets(ConfigReader r, Value at, List<String> names, Map<String, SecretSource> declared) {
        for (String s : names) {
            if (!declared.containsKey(s)) {
                throw r.error(at, "unknown secret " + s, declared.isEmpty() ? "declare it under secrets: with env: VARIABLE"
                        : "declared: " + String.join(", ", declared.keySet()));
            }
        }
    }

    private static InputException keyError(ConfigReader r, MapValue m, String key, String message, String hint) {
        Position p = m.keyPosition(key);
        return new InputException(Diagnostic.of("config", SourceSpan.at(r.file(), Math.max(p.line(), 1), p.column() + 1),
                message, hint));
    }

    private static SourceSpan span(String file, Value v) {
        return SourceSpan.at(file, Math.max(v.position().line(), 1), v.position().column() + 1);
    }
}
