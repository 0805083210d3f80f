package gatehouse.cli.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.cli.Context;
import gatehouse.cli.ExitCode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.audit.AuditEntry;
import gatehouse.audit.AuditExport;
import gatehouse.audit.AuditKeys;
import gatehouse.audit.AuditLog;
import gatehouse.audit.AuditVerifier;
import gatehouse.audit.Checkpoint;
import gatehouse.store.Store;
import gatehouse.store.StoreException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatehouse audit}: read, verify, export and seal the tamper-evident audit log (docs/audit.md). */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Reads, verifies, exports and seals the tamper-evident audit log.",
        subcommands = {AuditCommand.Log.class, AuditCommand.Verify.class, AuditCommand.Export.class,
                AuditCommand.CheckpointCmd.class, AuditCommand.Keygen.class})
public final class AuditCommand implements Runnable {
    /** The environment the commands read (GATEHOUSE_STORE, GATEHOUSE_AUDIT_KEY, ...); tests substitute their own. */
    static Function<String, String> env = System::getenv;

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(Context.out());
    }

    static Map<String, String> envMap() {
        java.util.HashMap<String, String> m = new java.util.HashMap<>();
        for (String k : List.of("GATEHOUSE_STORE", AuditKeys.ENV_PRIVATE, AuditKeys.ENV_PUBLIC)) {
            String v = env.apply(k);
            if (v != null) {
                m.put(k, v);
            }
        }
        return m;
    }

    /** The {@code --store} option and opening the store it names. */
    static final class StoreOption {
        @Option(names = "--store", paramLabel = "URL",
                description = "jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB (default: $GATEHOUSE_STORE, else .gatehouse/gatehouse.db in the project root)")
        String store;

        Store open(boolean create) {
            return Store.open(Store.resolveUrl(store, envMap(), Store.projectRoot(Context.baseDir())), create);
        }
    }

    /** Runs a command body, turning input and store errors into the documented one-line messages and exit codes. */
    static int guarded(Callable<Integer> body) {
        try {
            return body.call();
        } catch (InputException e) {
            Context.err().print(Diagnostic.renderAll(e.diagnostics()));
            return ExitCode.INPUT_ERROR.code;
        } catch (StoreException e) {
            Context.err().println("gatehouse: error: " + e.getMessage());
            Context.err().println(e.userError() ? "  hint: check --store or $GATEHOUSE_STORE; a new store is created by the first entry written"
                    : "  hint: rerun with --debug for details");
            if (Context.debug()) {
                e.printStackTrace(Context.err());
            }
            return e.userError() ? ExitCode.INPUT_ERROR.code : ExitCode.INTERNAL_ERROR.code;
        } catch (IOException e) {
            Context.err().println("gatehouse: error: " + e.getMessage());
            Context.err().println("  hint: check the path and its permissions");
            return ExitCode.INPUT_ERROR.code;
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    static InputException usage(String flag, String message, String hint) {
        return new InputException(Diagnostic.of("usage", SourceSpan.at(flag, 1, 1), message, hint));
    }

    @Command(name = "log", mixinStandardHelpOptions = true, description = "Shows audit entries, oldest first.",
            footer = {"", "Examples:", "  gatehouse audit log --since 24h", "  gatehouse audit log --actor alice --action approve -f json",
                    "  gatehouse audit log --since 2026-05-01 --limit 20"})
    static final class Log implements Callable<Integer> {
        @Option(names = "--since", paramLabel = "TIME", description = "ISO instant (2026-05-01T10:00:00Z), date (2026-05-01, UTC) or age (30m, 24h, 7d)")
        String since;

        @Option(names = "--actor", paramLabel = "A", description = "Only this actor")
        String actor;

        @Option(names = "--action", paramLabel = "A", description = "Only this action")
        String action;

        @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "text (default) or json")
        String format = "text";

        @Option(names = "--limit", paramLabel = "N", description = "Only the newest N matching entries")
        int limit;

        @picocli.CommandLine.Mixin
        StoreOption store = new StoreOption();

        @Override
        public Integer call() {
            return guarded(() -> {
                if (!format.equals("text") && !format.equals("json")) {
                    throw usage("--format", "unknown format '" + format + "'", "use text or json");
                }
                if (limit < 0) {
                    throw usage("--limit", "--limit must not be negative", "give a number of entries, e.g. --limit 20");
                }
                Instant from = since == null ? null : parseTime(since, Instant.now());
                List<AuditEntry> entries;
                try (AuditLog log = AuditLog.open(store.open(false))) {
                    entries = log.entries(new AuditLog.Query(from, actor, action, limit));
                }
                if (format.equals("json")) {
                    writeJson(entries);
                } else {
                    for (AuditEntry e : entries) {
                        Context.out().println("#" + e.seq() + "  " + e.time() + "  " + e.actor() + "  " + e.action() + "  "
                                + e.subject() + "  " + e.result() + (e.details().equals("{}") ? "" : "  " + e.details()));
                    }
                }
                return ExitCode.OK.code;
            });
        }

        private static void writeJson(List<AuditEntry> entries) throws IOException {
            ObjectMapper m = new ObjectMapper();
            Writer w = new java.io.OutputStreamWriter(Context.out(), StandardCharsets.UTF_8);
            JsonGenerator g = m.getFactory().createGenerator(w).useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("schemaVersion", 1);
            g.writeArrayFieldStart("entries");
            for (AuditEntry e : entries) {
                g.writeStartObject();
                g.writeNumberField("seq", e.seq());
                g.writeStringField("time", e.time().toString());
                g.writeStringField("actor", e.actor());
                g.writeStringField("action", e.action());
                g.writeStringField("subject", e.subject());
                g.writeStringField("result", e.result());
                g.writeFieldName("details");
                g.writeTree(m.readTree(e.details().isEmpty() ? "{}" : e.details()));
                g.writeStringField("prevHash", e.prevHash());
                g.writeStringField("hash", e.hash());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
            w.write('\n');
            w.flush();
        }
    }

    /** {@code --since}: an ISO instant, a date (UTC midnight) or an age before {@code now}. */
    static Instant parseTime(String s, Instant now) {
        java.util.regex.Matcher age = java.util.regex.Pattern.compile("(\\d{1,9})([smhd])").matcher(s);
        if (age.matches()) {
            long n = Long.parseLong(age.group(1));
            Duration d = switch (age.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                throw usage("--since", "cannot read the time '" + s + "'", "use 2026-05-01T10:00:00Z, 2026-05-01 or an age like 24h or 7d");
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Checks the hash chain and the checkpoint signatures; names every problem found, one per line.", "",
                    "Exit codes: 0 intact, 1 tampering found, 2 input error, 3 internal error."},
            footer = {"", "Examples:", "  gatehouse audit verify --public-key audit.key.pub",
                    "  gatehouse audit verify --file audit-2026-05.jsonl --public-key audit.key.pub"})
    static final class Verify implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        StoreOption store = new StoreOption();

        @Option(names = "--file", paramLabel = "F", description = "Verify an export (JSON lines) instead of the store")
        String file;

        @Option(names = "--public-key", paramLabel = "F",
                description = "PEM public key the checkpoints must verify with (repeatable; default: $GATEHOUSE_AUDIT_PUBLIC_KEY, else derived from $GATEHOUSE_AUDIT_KEY)")
        List<String> publicKeys = new ArrayList<>();

        @Override
        public Integer call() {
            return guarded(() -> {
                if (file != null && store.store != null) {
                    throw usage("--file", "give either --file or --store, not both", "--file verifies an export offline");
                }
                List<PublicKey> keys = new ArrayList<>();
                for (String k : publicKeys) {
                    keys.add(AuditKeys.configuredPublicKey(Context.resolve(k), Map.of()));
                }
                if (keys.isEmpty()) {
                    PublicKey k = AuditKeys.configuredPublicKey(null, envMap());
                    if (k != null) {
                        keys.add(k);
                    }
                }
                AuditLog.Snapshot snap;
                String what;
                if (file != null) {
                    snap = AuditExport.read(Context.resolve(file));
                    what = file;
                } else {
                    Store s = store.open(false);
                    what = s.displayUrl();
                    try (AuditLog log = AuditLog.open(s)) {
                        snap = log.snapshot();
                    }
                }
                AuditVerifier.Report r = AuditVerifier.verify(snap.entries(), snap.checkpoints(), keys);
                for (AuditVerifier.Problem p : r.problems()) {
                    Context.out().println(p.render());
                }
                for (String n : r.notes()) {
                    Context.err().println("note: " + n);
                }
                if (!r.intact()) {
                    Context.err().println("audit log " + what + ": " + r.problems().size() + " problem"
                            + (r.problems().size() == 1 ? "" : "s") + " found in " + r.entries() + " entries");
                    return ExitCode.GATE_FAILED.code;
                }
                Context.out().println("intact: " + r.entries() + " entries" + (r.entries() == 0 ? "" : " (seq 1-" + r.lastSeq() + ")")
                        + ", " + r.checkpointsVerified() + " of " + r.checkpoints() + " checkpoints verified");
                return ExitCode.OK.code;
            });
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Writes every entry and checkpoint as JSON lines, for write-once archives and offline 'audit verify --file'.",
            footer = {"", "Example:", "  gatehouse audit export -o audit-$(date +%F).jsonl"})
    static final class Export implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        StoreOption store = new StoreOption();

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "Where to write (- for stdout)")
        String output;

        @Override
        public Integer call() {
            return guarded(() -> {
                try (AuditLog log = AuditLog.open(store.open(false))) {
                    if (output.equals("-")) {
                        Writer w = new java.io.OutputStreamWriter(Context.out(), StandardCharsets.UTF_8);
                        log.export(w);
                        return ExitCode.OK.code;
                    }
                    Path target = Context.resolve(output);
                    Path parent = target.toAbsolutePath().getParent();
                    Path tmp = Files.createTempFile(parent, ".audit-export", ".tmp");
                    try {
                        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                            log.export(w);
                        }
                        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
                return ExitCode.OK.code;
            });
        }
    }

    @Command(name = "checkpoint", mixinStandardHelpOptions = true,
            description = "Seals the newest entry now with a checkpoint signed by the audit key.",
            footer = {"", "Example:", "  GATEHOUSE_AUDIT_KEY=$HOME/.gatehouse/audit.key gatehouse audit checkpoint"})
    static final class CheckpointCmd implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        StoreOption store = new StoreOption();

        @Option(names = "--key", paramLabel = "FILE", description = "PEM private key (default: $GATEHOUSE_AUDIT_KEY)")
        String key;

        @Override
        public Integer call() {
            return guarded(() -> {
                AuditKeys.Signer signer = AuditKeys.configuredSigner(key == null ? null : Context.resolve(key), envMap());
                if (signer == null) {
                    throw usage("--key", "no signing key: checkpoints need one",
                            "give --key FILE or set $GATEHOUSE_AUDIT_KEY; create a key with 'gatehouse audit keygen -o FILE'");
                }
                try (AuditLog log = AuditLog.open(store.open(false), AuditLog.Options.defaults().withSigner(signer))) {
                    Checkpoint cp = log.checkpoint();
                    if (cp == null) {
                        Context.out().println("the log is empty: nothing to seal");
                    } else {
                        Context.out().println("checkpoint at seq " + cp.seq() + " (hash " + cp.hash().substring(0, 12) + "..., key " + cp.keyId() + ")");
                    }
                }
                return ExitCode.OK.code;
            });
        }
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = {"Creates an Ed25519 key pair for checkpoints: KEYFILE (PKCS#8 PEM, mode 0600) and KEYFILE.pub.",
                    "Keep the private key where only the pipeline can read it; give the .pub to whoever verifies."},
            footer = {"", "Example:", "  gatehouse audit keygen -o ~/.gatehouse/audit.key"})
    static final class Keygen implements Callable<Integer> {
        @Option(names = {"-o", "--output"}, paramLabel = "KEYFILE", required = true, description = "Private key file to create")
        String output;

        @Option(names = "--force", description = "Replace existing key files")
        boolean force;

        @Override
        public Integer call() {
            return guarded(() -> {
                Path priv = Context.resolve(output);
                Path pub = priv.resolveSibling(priv.getFileName() + ".pub");
                for (Path p : List.of(priv, pub)) {
                    if (Files.exists(p) && !force) {
                        throw new InputException(Diagnostic.of("input_io_error", SourceSpan.at(p.toString(), 1, 1),
                                "already exists", "choose another path, or --force to replace it (checkpoints signed with the old key then need its .pub to verify)"));
                    }
                }
                if (priv.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(priv.toAbsolutePath().getParent());
                }
                KeyPair kp = AuditKeys.generate();
                Files.deleteIfExists(priv);
                // created 0600 from the start: the key is never readable by others, not even for a moment
                Files.createFile(priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(priv, AuditKeys.privateKeyPem(kp.getPrivate()), StandardCharsets.US_ASCII);
                Files.writeString(pub, AuditKeys.publicKeyPem(kp.getPublic()), StandardCharsets.US_ASCII);
                Context.out().println("wrote " + priv + " (private, 0600) and " + pub + " (public); key id " + AuditKeys.keyId(kp.getPublic()));
                return ExitCode.OK.code;
            });
        }
    }
}
