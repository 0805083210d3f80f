package gatehouse.pipeline.run;

import gatehouse.core.InputException;
import gatehouse.core.finding.Decision;
import gatehouse.core.finding.ScanReport;
import gatehouse.core.report.JsonReporter;
import gatehouse.core.report.SarifReporter;
import gatehouse.iac.scan.ScanConfig;
import gatehouse.pipeline.gate.PolicyScan;
import gatehouse.pipeline.gate.SarifGate;
import gatehouse.pipeline.gate.SecretsGate;
import gatehouse.pipeline.model.Environment;
import gatehouse.pipeline.model.PipelineSpec;
import gatehouse.pipeline.model.Stage;
import gatehouse.pipeline.model.Step;
import gatehouse.pipeline.run.RunRecord.ApprovalRecord;
import gatehouse.pipeline.run.RunRecord.StageRecord;
import gatehouse.pipeline.run.RunRecord.StepRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a pipeline: stages in order, steps in order, and the first failure stops the line — every later stage is
 * recorded as skipped, the run ends FAILED, and security is notified. A gate that needs approval, or an
 * approval step, pauses the run (WAITING) until enough people approve ({@link #approve}); {@link #resume} then
 * continues where it stopped, after checking that every output recorded so far still has its digest.
 *
 * <p>Before anything runs, a preflight refuses a stage outside production that would receive a production
 * environment's secret. Each step runs with only the secrets it declares: the variables that hold pipeline
 * secrets are removed from every step's environment, and their values are masked in logs and reports.
 */
public final class Runner {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private final PipelineSpec spec;
    private final RunStore store;
    private final AuditSink audit;
    private final Map<String, String> processEnv;
    private final Clock clock;
    private final Consumer<String> log;
    private final Notifier notifier;
    private final Masker masker;
    /** Values from the encrypted secrets file (empty when no secret uses it); a problem reading it, or null. */
    private final Map<String, String> fileSecrets;
    private String fileSecretsProblem;
    /** What this process deployed, by stage, to undo when validation fails or (ephemeral ones) when the run ends. */
    private final Map<String, List<gatehouse.pipeline.deploy.DeployDriver.Deployment>> deployments = new LinkedHashMap<>();

    /**
     * @param processEnv the environment pipeline secrets are read from and steps inherit (System.getenv())
     * @param log        one line per event, for the terminal
     */
    public Runner(PipelineSpec spec, RunStore store, AuditSink audit, Map<String, String> processEnv, Clock clock,
                  Consumer<String> log) {
        this.spec = spec;
        this.store = store;
        this.audit = audit;
        this.processEnv = Map.copyOf(processEnv);
        this.clock = clock;
        this.log = log;
        this.fileSecrets = loadFileSecrets();
        List<String> values = new ArrayList<>();
        for (PipelineSpec.SecretSource s : spec.secrets().values()) {
            values.add(secretValue(s.name()));
        }
        this.masker = new Masker(values);
        this.notifier = new Notifier(spec.notification(), secretValue(spec.notification().webhookSecret()), log);
    }

    /** Who runs this: GATEHOUSE_ACTOR, else the CI's user, else the local user. */
    public String actor() {
        for (String k : List.of("GATEHOUSE_ACTOR", "GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILD_REQUESTEDFOR", "USER")) {
            String v = processEnv.get(k);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return System.getProperty("user.name", "unknown");
    }

    /** Starts a new run; stops after stage {@code until} when given. */
    public RunRecord run(String until) {
        if (until != null && spec.stage(until) == null) {
            throw new IllegalArgumentException("no stage " + until + " in " + spec.file());
        }
        RunRecord run = new RunRecord();
        Instant now = clock.instant();
        run.id = ID_TIME.format(now) + "-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
        run.pipeline = spec.name();
        run.file = spec.file().toString();
        run.actor = actor();
        run.author = author();
        run.started = now.toString();
        store.save(run);
        audit.record(run.actor, "run.start", run.id, "started", Map.of("pipeline", spec.name(), "file", run.file));
        log.accept("run " + run.id + " of " + spec.name() + " by " + run.actor);
        String blocked = preflightReason();
        if (blocked != null) {
            return finish(run, RunRecord.FAILED, blocked, null);
        }
        return proceed(run, until);
    }

    /** Continues a paused run; a finished one is returned as it is. */
    public RunRecord resume(String runId, String until) {
        RunRecord run = load(runId);
        if (!run.status.equals(RunRecord.WAITING)) {
            log.accept("run " + run.id + " is " + run.status + ": nothing to resume");
            return run;
        }
        String changed = changedOutputs(run);
        if (changed != null) {
            return finish(run, RunRecord.FAILED, changed, null);
        }
        run.status = RunRecord.RUNNING;
        run.reason = null;
        audit.record(actor(), "run.resume", run.id, "resumed", Map.of());
        return proceed(run, until);
    }

    /**
     * Records {@code approver}'s approval of a waiting stage. Refused (IllegalStateException) when the run does
     * not wait on that stage, when the approver is not among the stage's approvers, already approved it, or is
     * the change's author.
     */
    public RunRecord approve(String runId, String stageName, String approver, String comment) {
        return approve(runId, stageName, approver, comment, null);
    }

    /**
     * The text an approver signs: what is approved, by whom, when — so a signature cannot be moved to another
     * run, stage or person.
     */
    public static byte[] approvalText(String runId, String stage, String approver, String time, String comment) {
        return ("gatehouse-approval/1\n" + runId + "\n" + stage + "\n" + approver + "\n" + time + "\n"
                + (comment == null ? "" : comment)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@link #approve(String, String, String, String)} signed with the approver's own key, which a stage whose
     * approval step lists {@code keys} requires: the key must be the one configured for {@code approver}.
     */
    public RunRecord approve(String runId, String stageName, String approver, String comment,
                             gatehouse.pipeline.attest.Signer signer) {
        RunRecord run = load(runId);
        StageRecord sr = run.stage(stageName);
        if (sr == null || !RunRecord.WAITING.equals(sr.status)) {
            throw new IllegalStateException("run " + runId + " is not waiting for an approval of stage " + stageName
                    + (run.status.equals(RunRecord.WAITING) ? " (it waits on " + waitingStage(run) + ")" : " (it is " + run.status + ")"));
        }
        Stage stage = spec.stage(stageName);
        Step.Approval rule = stage == null ? null : approvalRule(stage, sr);
        if (rule != null && !rule.approvers().isEmpty() && rule.approvers().stream().noneMatch(approver::equalsIgnoreCase)) {
            throw new IllegalStateException(approver + " may not approve stage " + stageName + "; approvers: "
                    + String.join(", ", rule.approvers()));
        }
        if (run.author != null && run.author.equalsIgnoreCase(approver)) {
            throw new IllegalStateException(approver + " is the author of this change and cannot approve it");
        }
        if (run.approvals.stream().anyMatch(a -> a.stage.equals(stageName) && a.approver.equalsIgnoreCase(approver))) {
            throw new IllegalStateException(approver + " has already approved stage " + stageName + " of run " + runId);
        }
        ApprovalRecord a = new ApprovalRecord(stageName, approver, clock.instant().toString(), comment);
        if (rule != null && !rule.keys().isEmpty()) {
            if (signer == null) {
                throw new IllegalStateException("stage " + stageName + " needs an approval signed with the approver's own key"
                        + " (--key FILE or GATEHOUSE_APPROVER_KEY)");
            }
            Path keyFile = keyOf(rule.keys(), approver);
            if (keyFile == null) {
                throw new IllegalStateException("no key is configured for " + approver + " in stage " + stageName);
            }
            if (!gatehouse.pipeline.attest.Keys.publicKey(keyFile).keyid().equals(signer.keyid())) {
                throw new IllegalStateException("the key given is not " + approver + "'s (" + spec.baseDir().relativize(keyFile) + ")");
            }
            a.keyid = signer.keyid();
            a.signature = java.util.Base64.getEncoder().encodeToString(
                    signer.sign(approvalText(run.id, stageName, approver, a.time, comment)));
        }
        run.approvals.add(a);
        store.save(run);
        audit.record(approver, "approval", run.id + "/" + stageName, "approved", Map.of("comment", comment == null ? "" : comment));
        return run;
    }

    private RunRecord load(String runId) {
        RunRecord run = store.load(runId);
        if (run == null) {
            throw new IllegalArgumentException("no run " + runId + " in " + store.where());
        }
        return run;
    }

    /**
     * Why the pipeline may not run at all, or null: a non-production stage given a production secret, or a
     * protected environment that runs something before verifying the pipeline's signature.
     */
    public String preflightReason() {
        Map<String, String> productionSecret = new LinkedHashMap<>();
        for (Environment e : spec.environments().values()) {
            if (e.production()) {
                e.secrets().forEach(s -> productionSecret.put(s, e.name()));
            }
        }
        for (Stage stage : spec.stages()) {
            Environment env = stage.environment() == null ? null : spec.environments().get(stage.environment());
            if (env != null && env.protectedEnv()) {
                for (Step step : stage.steps()) {
                    if (step instanceof Step.Verify) {
                        break;
                    }
                    if (step instanceof Step.Run || step instanceof Step.Deploy) {
                        return stage.at().file() + ":" + step.at().line() + ":" + step.at().column() + ": stage " + stage.name()
                                + " runs a command in protected environment " + env.name() + " before a verify step: only "
                                + "artifacts signed by the pipeline's identity may be deployed there";
                    }
                }
                if (env.identity().isEmpty() && stage.steps().stream().anyMatch(st -> st instanceof Step.Verify v && v.keys().isEmpty())) {
                    return stage.at().file() + ":" + stage.at().line() + ":" + stage.at().column() + ": protected environment "
                            + env.name() + " declares no identity (the pipeline's public key) to verify against";
                }
            }
            if (env != null && env.production()) {
                continue;
            }
            for (Step step : stage.steps()) {
                List<String> used = step instanceof Step.Run r ? r.secrets() : step instanceof Step.Deploy d ? d.secrets() : List.of();
                for (String s : used) {
                    if (productionSecret.containsKey(s)) {
                        return stage.at().file() + ":" + step.at().line() + ":" + step.at().column() + ": stage "
                                + stage.name() + " (" + (env == null ? "no environment" : "environment " + env.name())
                                + ") uses secret " + s + " of production environment " + productionSecret.get(s);
                    }
                }
            }
        }
        return null;
    }

    private RunRecord proceed(RunRecord run, String until) {
        for (Stage stage : spec.stages()) {
            StageRecord sr = run.stage(stage.name());
            if (sr != null && sr.status.equals(RunRecord.PASSED)) {
                continue;
            }
            if (sr == null) {
                sr = new StageRecord(stage.name(), stage.environment());
                run.stages.add(sr);
            }
            sr.status = RunRecord.RUNNING;
            log.accept("stage " + stage.name() + (stage.environment() == null ? "" : " [" + stage.environment() + "]"));
            for (Step step : stage.steps()) {
                StepRecord done = sr.steps.stream().filter(s -> s.name.equals(step.name())).findFirst().orElse(null);
                if (done != null && done.status.equals(RunRecord.PASSED)) {
                    continue;
                }
                if (done != null && done.status.equals(RunRecord.WAITING)) {
                    if (!approved(run, stage, step)) {
                        return pause(run, sr, stage, step, done.message);
                    }
                    done.status = RunRecord.PASSED;
                    done.message = done.message + "; approved by " + approvers(run, stage.name());
                    store.save(run);
                    continue;
                }
                if (done != null) {
                    sr.steps.remove(done);
                }
                StepRecord rec = execute(run, stage, step);
                sr.steps.add(rec);
                store.save(run);
                audit.record(run.actor, step.kind(), run.id + "/" + stage.name() + "/" + step.name(), rec.status,
                        details(rec));
                log.accept("  " + pad(step.name()) + " " + rec.status + (rec.message == null ? "" : "  " + rec.message));
                if (rec.status.equals(RunRecord.WAITING)) {
                    return pause(run, sr, stage, step, rec.message);
                }
                if (rec.status.equals(RunRecord.FAILED)) {
                    sr.status = RunRecord.FAILED;
                    sr.reason = step.name() + ": " + rec.message;
                    skipAfter(run, stage, "stopped: " + stage.name() + "/" + step.name() + " failed");
                    return finish(run, RunRecord.FAILED, stage.name() + "/" + step.name() + " failed: " + rec.message,
                            run.stage(stage.name()));
                }
            }
            sr.status = RunRecord.PASSED;
            sr.reason = null;
            store.save(run);
            if (stage.name().equals(until)) {
                return finish(run, RunRecord.PASSED, "stopped after stage " + until + " (--until)", null);
            }
        }
        return finish(run, RunRecord.PASSED, "every stage passed", null);
    }

    private RunRecord pause(RunRecord run, StageRecord sr, Stage stage, Step step, String why) {
        stopEphemeral(run, "the run paused"); // it resumes in another process: nothing of this one may be left running
        sr.status = RunRecord.WAITING;
        sr.reason = step.name() + ": " + why;
        run.status = RunRecord.WAITING;
        run.reason = "waiting for approval of stage " + stage.name() + " (" + why + "): gatehouse approve " + run.id + " "
                + stage.name();
        store.save(run);
        audit.record(run.actor, "run.pause", run.id, RunRecord.WAITING, Map.of("stage", stage.name(), "reason", why));
        log.accept(run.reason);
        return run;
    }

    /** Stops what lives only as long as this process's part of the run (local deployments), each stop audited. */
    private void stopEphemeral(RunRecord run, String why) {
        for (String stage : List.copyOf(deployments.keySet())) {
            List<gatehouse.pipeline.deploy.DeployDriver.Deployment> ds = deployments.get(stage);
            for (int i = ds.size() - 1; i >= 0; i--) {
                if (ds.get(i).ephemeral()) {
                    String problem = ds.get(i).teardown();
                    log.accept("stopped " + ds.get(i).describe() + (problem == null ? "" : ": " + problem));
                    audit.record(run.actor, "undeploy", run.id + "/" + stage, problem == null ? "stopped" : "failed",
                            Map.of("deployment", ds.get(i).describe(), "why", why, "error", problem == null ? "" : problem));
                    ds.remove(i);
                }
            }
        }
    }

    private RunRecord finish(RunRecord run, String status, String reason, StageRecord failed) {
        stopEphemeral(run, "the run ended");
        run.status = status;
        run.reason = masker.mask(reason);
        run.finished = clock.instant().toString();
        store.save(run);
        audit.record(run.actor, "run.end", run.id, status, Map.of("reason", run.reason));
        log.accept("run " + run.id + " " + status + ": " + run.reason);
        if (status.equals(RunRecord.FAILED)) {
            String sent = notifier.send(run, store.runDir(run.id));
            audit.record(run.actor, "notify", run.id, sent == null ? "sent" : "failed",
                    Map.of("to", spec.notification().reportsDir() == null ? "" : spec.notification().reportsDir().toString(),
                            "webhook", spec.notification().webhook() == null ? "" : spec.notification().webhook(),
                            "error", sent == null ? "" : sent));
        }
        return run;
    }

    private void skipAfter(RunRecord run, Stage failed, String reason) {
        boolean after = false;
        for (Stage s : spec.stages()) {
            if (after && run.stage(s.name()) == null) {
                StageRecord sk = new StageRecord(s.name(), s.environment());
                sk.status = RunRecord.SKIPPED;
                sk.reason = reason;
                run.stages.add(sk);
            }
            after |= s == failed;
        }
    }

    private StepRecord execute(RunRecord run, Stage stage, Step step) {
        StepRecord rec = new StepRecord();
        rec.name = step.name();
        rec.kind = step.kind();
        Instant start = clock.instant();
        rec.started = start.toString();
        try {
            switch (step) {
                case Step.Gate g -> gate(run, stage, g, rec, start);
                case Step.Run r -> command(run, stage, r, rec);
                case Step.Merge m -> merge(run, stage, m, rec);
                case Step.Attest a -> attest(run, stage, a, rec);
                case Step.Verify v -> verify(stage, v, rec);
                case Step.Validate v -> validate(run, stage, v, rec);
                case Step.Deploy d -> deploy(run, stage, d, rec);
                case Step.Approval a -> {
                    if (approved(run, stage, a)) {
                        rec.status = RunRecord.PASSED;
                        rec.message = "approved by " + approvers(run, stage.name());
                    } else {
                        rec.status = RunRecord.WAITING;
                        rec.message = a.count() + " approval" + (a.count() == 1 ? "" : "s") + " needed"
                                + (a.approvers().isEmpty() ? "" : " from " + String.join(", ", a.approvers()));
                    }
                }
            }
        } catch (InputException e) {
            rec.status = RunRecord.FAILED;
            rec.message = e.first().headline();
        } catch (RuntimeException | IOException e) {
            rec.status = RunRecord.FAILED;
            rec.message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        rec.message = rec.message == null ? null : masker.mask(rec.message);
        rec.millis = Duration.between(start, clock.instant()).toMillis();
        return rec;
    }

    private void gate(RunRecord run, Stage stage, Step.Gate g, StepRecord rec, Instant start) throws IOException {
        Path base = spec.baseDir();
        List<Path> targets = g.paths().isEmpty() ? List.of(base) : g.paths().stream().map(p -> base.resolve(p).normalize()).toList();
        for (Path t : targets) {
            if (!Files.exists(t)) {
                throw new IOException("no such path " + base.relativize(t) + " to scan");
            }
        }
        Environment env = stage.environment() == null ? null : spec.environments().get(stage.environment());
        ScanReport report = switch (g.scanner()) {
            case POLICY -> new PolicyScan(base, targets, ScanConfig.load(base.resolve(ScanConfig.FILE_NAME)), true,
                    env == null ? List.of() : env.rules(), env == null ? null : env.parameters(), true).run(clock, null);
            case SECRETS -> SecretsGate.scan(ScanConfig.load(base.resolve(ScanConfig.FILE_NAME)), targets, start);
            case SARIF -> SarifGate.read(base.resolve(g.sarif()), g.sarif(), g.failOn(), start);
        };
        decide(run, stage, g.name(), report, rec);
    }

    private void command(RunRecord run, Stage stage, Step.Run r, StepRecord rec) throws IOException {
        Path dir = store.runDir(run.id).resolve(stage.name());
        Files.createDirectories(dir);
        Path logFile = dir.resolve(r.name() + ".log");
        ProcessBuilder pb = process(run, stage, r.command(), r.secrets(), r.env());
        Process p = pb.start();
        p.getOutputStream().close();
        Thread copier = Thread.ofPlatform().name("gatehouse-step-log").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 Writer w = Files.newBufferedWriter(logFile)) {
                String line;
                while ((line = in.readLine()) != null) {
                    w.write(masker.mask(line));
                    w.write('\n');
                }
            } catch (IOException e) {
                // the process ended or the log could not be written: the exit code still decides
            }
        });
        boolean ended;
        try {
            ended = p.waitFor(r.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
            }
            copier.join();
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        rec.report = stage.name() + "/" + r.name() + ".log";
        if (!ended) {
            rec.status = RunRecord.FAILED;
            rec.message = "timed out after " + r.timeout().toSeconds() + " s; log: " + rec.report;
            return;
        }
        if (p.exitValue() != 0) {
            rec.status = RunRecord.FAILED;
            rec.message = "exit code " + p.exitValue() + "; last lines: " + tail(logFile);
            return;
        }
        for (String out : r.outputs()) {
            Path f = spec.baseDir().resolve(out).normalize();
            if (!Files.isRegularFile(f)) {
                rec.status = RunRecord.FAILED;
                rec.message = "declared output " + out + " was not produced";
                return;
            }
            rec.outputs.put(out, gatehouse.pipeline.attest.Digests.sha256File(f));
        }
        rec.status = RunRecord.PASSED;
        rec.message = rec.outputs.isEmpty() ? "exit code 0" : "exit code 0; " + rec.outputs.size() + " output"
                + (rec.outputs.size() == 1 ? "" : "s") + " hashed";
    }

    private void merge(RunRecord run, Stage stage, Step.Merge m, StepRecord rec) throws IOException {
        List<Path> paths = m.paths().stream().map(p -> spec.baseDir().resolve(p).normalize()).toList();
        var outcome = new gatehouse.pipeline.merge.SplitOwnershipMerge(clock).run(spec.merge(), paths, Set.of(spec.file().toAbsolutePath()));
        decide(run, stage, m.name(), outcome.report(), rec);
        if (outcome.report().errors().isEmpty() && spec.merge().output() != null && Files.isRegularFile(spec.merge().output())) {
            rec.outputs.put(spec.baseDir().relativize(spec.merge().output()).toString(),
                    gatehouse.pipeline.attest.Digests.sha256File(spec.merge().output()));
        }
    }

    private void attest(RunRecord run, Stage stage, Step.Attest a, StepRecord rec) throws IOException {
        var signer = gatehouse.pipeline.attest.Keys.signerFromEnvironment(processEnv, spec.baseDir());
        if (signer.isEmpty()) {
            throw new IOException("no signing key for the pipeline's identity: set " + gatehouse.pipeline.attest.Keys.ENV_KEY_FILE
                    + " (or " + gatehouse.pipeline.attest.Keys.ENV_KEY + ")");
        }
        Map<String, String> recorded = recordedOutputs(run);
        List<Path> subjects = new ArrayList<>();
        for (String sub : a.subjects()) {
            Path f = spec.baseDir().resolve(sub).normalize();
            if (!Files.exists(f)) {
                throw new IOException("subject " + sub + " does not exist");
            }
            String was = recorded.get(sub);
            if (was != null && Files.isRegularFile(f) && !was.equals(gatehouse.pipeline.attest.Digests.sha256File(f))) {
                rec.status = RunRecord.FAILED;
                rec.message = "subject " + sub + " changed since the step that made it: not signing it";
                return;
            }
            subjects.add(f);
        }
        var provenance = gatehouse.pipeline.attest.Provenance.builder(processEnv.getOrDefault("GATEHOUSE_BUILDER_ID",
                        gatehouse.pipeline.attest.Provenance.LOCAL_BUILDER_ID))
                .externalParameter("pipeline", spec.name()).externalParameter("stage", stage.name())
                .externalParameter("file", spec.baseDir().relativize(spec.file().toAbsolutePath()).toString())
                .internalParameter("actor", run.actor).invocationId(run.id).startedOn(Instant.parse(run.started))
                .finishedOn(clock.instant()).build();
        var envelope = gatehouse.pipeline.attest.Attestor.attest(subjects, provenance, signer.get(), clock);
        Path out = spec.baseDir().resolve(a.output()).normalize();
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        gatehouse.pipeline.attest.AttestationFile.write(out, envelope);
        rec.outputs.put(a.output(), gatehouse.pipeline.attest.Digests.sha256File(out));
        rec.status = RunRecord.PASSED;
        rec.message = "signed " + subjects.size() + " subject" + (subjects.size() == 1 ? "" : "s") + " into " + a.output();
    }

    private void verify(Stage stage, Step.Verify v, StepRecord rec) throws IOException {
        Environment env = stage.environment() == null ? null : spec.environments().get(stage.environment());
        List<Path> keyFiles = !v.keys().isEmpty() ? v.keys().stream().map(k -> spec.baseDir().resolve(k).normalize()).toList()
                : env == null ? List.of() : env.identity();
        if (keyFiles.isEmpty()) {
            throw new IOException("no key to verify against: give verify.keys or the environment's identity");
        }
        List<gatehouse.pipeline.attest.TrustedKey> trusted = new ArrayList<>();
        for (Path k : keyFiles) {
            trusted.add(gatehouse.pipeline.attest.Keys.publicKey(k));
        }
        var entries = gatehouse.pipeline.attest.AttestationFile.read(spec.baseDir().resolve(v.attestation()).normalize());
        if (entries.isEmpty()) {
            throw new IOException(v.attestation() + " holds no attestation");
        }
        Path[] artifacts = v.artifacts().stream().map(x -> spec.baseDir().resolve(x).normalize()).toArray(Path[]::new);
        var result = gatehouse.pipeline.attest.Verifier.verify(entries.get(0).envelope(), trusted, artifacts);
        if (result.verified()) {
            rec.status = RunRecord.PASSED;
            rec.message = "signature and " + artifacts.length + " digest" + (artifacts.length == 1 ? "" : "s") + " verified";
        } else {
            rec.status = RunRecord.FAILED;
            rec.message = String.join("; ", result.failures().stream().map(f -> f.message()).toList());
        }
    }

    /**
     * A scanning step's outcome from its report: written (JSON and SARIF) into the run, input errors fail it, else
     * the decision does — PASS passes, NEEDS_APPROVAL waits, FAIL fails.
     */
    private void decide(RunRecord run, Stage stage, String name, ScanReport report, StepRecord rec) throws IOException {
        writeReports(run, stage, name, report, rec);
        if (!report.errors().isEmpty()) {
            rec.status = RunRecord.FAILED;
            rec.message = report.errors().size() + " input error" + (report.errors().size() == 1 ? "" : "s") + ": "
                    + report.errors().get(0);
            return;
        }
        Decision d = report.decision();
        rec.status = switch (d.outcome()) {
            case PASS -> RunRecord.PASSED;
            case NEEDS_APPROVAL -> RunRecord.WAITING;
            case FAIL -> RunRecord.FAILED;
        };
        rec.message = d.outcome() + " — " + d.reason() + " (" + rec.findings + " finding" + (rec.findings == 1 ? "" : "s") + ")";
    }

    private void writeReports(RunRecord run, Stage stage, String name, ScanReport report, StepRecord rec) throws IOException {
        Path dir = store.runDir(run.id).resolve(stage.name());
        Files.createDirectories(dir);
        try (Writer w = Files.newBufferedWriter(dir.resolve(name + ".json"))) {
            new JsonReporter().write(report, w);
        }
        try (Writer w = Files.newBufferedWriter(dir.resolve(name + ".sarif"))) {
            new SarifReporter().write(report, w);
        }
        rec.report = stage.name() + "/" + name + ".json";
        rec.decision = report.decision().outcome().name();
        rec.findings = report.active().size();
        rec.risk = report.decision().totalRisk();
    }

    /** {@code sh -c command} in the pipeline's directory, seeing only the pipeline secrets it declares. */
    private ProcessBuilder process(RunRecord run, Stage stage, String command, List<String> secrets, Map<String, String> extra)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).directory(spec.baseDir().toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(processEnv);
        Set<String> secretVars = new LinkedHashSet<>();
        spec.secrets().values().stream().filter(s -> s.env() != null).forEach(s -> secretVars.add(s.env()));
        // no step may decrypt the secrets file itself, sign as the pipeline, seal the audit log or approve
        secretVars.addAll(List.of(gatehouse.pipeline.secrets.SecretsFile.ENV_KEY, gatehouse.pipeline.secrets.SecretsFile.ENV_KEY_FILE,
                gatehouse.pipeline.attest.Keys.ENV_KEY, gatehouse.pipeline.attest.Keys.ENV_KEY_FILE, "GATEHOUSE_AUDIT_KEY",
                "GATEHOUSE_APPROVER_KEY"));
        secretVars.forEach(env::remove); // a step sees only the secrets it declares
        for (String s : secrets) {
            String v = secretValue(s);
            if (v == null) {
                PipelineSpec.SecretSource src = spec.secrets().get(s);
                throw new IOException("secret " + s + " has no value: " + (src.env() != null ? "set " + src.env()
                        : fileSecretsProblem != null ? fileSecretsProblem
                        : "no entry " + src.fileKey() + " in " + spec.baseDir().relativize(spec.secretsFile())));
            }
            env.put(s, v);
        }
        env.putAll(extra);
        env.put("GATEHOUSE_RUN_ID", run.id);
        env.put("GATEHOUSE_STAGE", stage.name());
        // the JDK running the pipeline, so a step can use its tools (java, jwebserver, keytool) whatever JAVA_HOME says
        env.put("GATEHOUSE_JAVA_HOME", System.getProperty("java.home"));
        if (stage.environment() != null) {
            env.put("GATEHOUSE_ENVIRONMENT", stage.environment());
        }
        return pb;
    }

    private void deploy(RunRecord run, Stage stage, Step.Deploy d, StepRecord rec) throws IOException {
        Map<String, String> recorded = recordedOutputs(run);
        for (String a : d.artifacts()) {
            String was = recorded.get(a);
            Path f = spec.baseDir().resolve(a).normalize();
            if (was == null) {
                throw new IOException("artifact " + a + " was not made by this run: only outputs whose digests were recorded deploy");
            }
            if (!Files.isRegularFile(f) || !was.equals(gatehouse.pipeline.attest.Digests.sha256File(f))) {
                rec.status = RunRecord.FAILED;
                rec.message = "artifact " + a + " is not what was built (sha256 " + was.substring(0, 12) + "… recorded): not deploying it";
                return;
            }
        }
        Path dir = store.runDir(run.id).resolve(stage.name());
        Files.createDirectories(dir);
        Map<String, String> env = new LinkedHashMap<>(process(run, stage, d.command(), d.secrets(), d.env()).environment());
        var request = new gatehouse.pipeline.deploy.DeployDriver.Request(spec.baseDir(), d.command(), env, d.health(), d.timeout(),
                dir.resolve(d.name() + ".log"), d.teardown());
        gatehouse.pipeline.deploy.DeployDriver driver = d.driver().equals("local") ? new gatehouse.pipeline.deploy.LocalDriver()
                : new gatehouse.pipeline.deploy.CommandDriver();
        var deployment = driver.deploy(request);
        deployments.computeIfAbsent(stage.name(), k -> new ArrayList<>()).add(deployment);
        rec.report = stage.name() + "/" + d.name() + ".log";
        rec.status = RunRecord.PASSED;
        rec.message = "deployed: " + deployment.describe();
    }

    /** Tears down what this run deployed in a stage, newest first: what happened, or null when nothing was. */
    private String undeploy(String stage) {
        List<gatehouse.pipeline.deploy.DeployDriver.Deployment> ds = deployments.remove(stage);
        if (ds == null || ds.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = ds.size() - 1; i >= 0; i--) {
            String problem = ds.get(i).teardown();
            out.add(problem == null ? "undeployed " + ds.get(i).describe() : "UNDEPLOY FAILED: " + problem);
        }
        return String.join("; ", out);
    }

    private void validate(RunRecord run, Stage stage, Step.Validate v, StepRecord rec) throws IOException {
        List<String> problems = new ArrayList<>();
        Path dir = store.runDir(run.id).resolve(stage.name());
        Files.createDirectories(dir);
        if (v.liveCommand() != null) {
            ProcessBuilder pb = process(run, stage, v.liveCommand(), List.of(), Map.of()).redirectErrorStream(false)
                    .redirectError(dir.resolve(v.name() + ".live.err").toFile());
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(64 << 20);
            try {
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    problems.add("live command timed out");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            String json = new String(out, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(v.name() + ".live.json"), masker.mask(json));
            if (problems.isEmpty() && p.exitValue() != 0) {
                problems.add("live command exited " + p.exitValue() + " (stderr: " + stage.name() + "/" + v.name() + ".live.err)");
            } else if (problems.isEmpty()) {
                try {
                    problems.addAll(Validation.live("live state of " + stage.name() + "/" + v.name(), json,
                            v.liveRules().stream().map(x -> spec.baseDir().resolve(x).normalize()).toList()));
                } catch (InputException e) {
                    problems.add(e.first().headline());
                }
            }
        }
        for (Step.Probe probe : v.probes()) {
            String problem = Validation.probe(probe);
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (problems.isEmpty()) {
            rec.status = RunRecord.PASSED;
            rec.message = (v.liveCommand() == null ? "" : "live state passes its rules; ") + v.probes().size() + " probe"
                    + (v.probes().size() == 1 ? "" : "s") + " as expected";
            return;
        }
        rec.status = RunRecord.FAILED;
        rec.message = String.join("; ", problems);
        String undone = undeploy(stage.name());
        if (undone != null) {
            rec.message += "; " + undone;
        }
        if (v.teardown() != null) {
            ProcessBuilder pb = process(run, stage, v.teardown(), List.of(), Map.of())
                    .redirectOutput(dir.resolve(v.name() + ".teardown.log").toFile());
            Process p = pb.start();
            p.getOutputStream().close();
            try {
                boolean done = p.waitFor(30, TimeUnit.MINUTES);
                rec.message += done && p.exitValue() == 0 ? "; torn down" : "; TEARDOWN FAILED (log: " + stage.name() + "/"
                        + v.name() + ".teardown.log)";
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted during teardown");
            }
        }
    }

    /** Every output this run has hashed so far: path (relative to the pipeline directory) → SHA-256. */
    private static Map<String, String> recordedOutputs(RunRecord run) {
        Map<String, String> recorded = new LinkedHashMap<>();
        for (StageRecord s : run.stages) {
            for (StepRecord st : s.steps) {
                recorded.putAll(st.outputs);
            }
        }
        return recorded;
    }

    /** The first output whose file no longer has the digest recorded when it was made, as a reason; or null. */
    String changedOutputs(RunRecord run) {
        for (StageRecord s : run.stages) {
            for (StepRecord st : s.steps) {
                for (Map.Entry<String, String> o : st.outputs.entrySet()) {
                    Path f = spec.baseDir().resolve(o.getKey()).normalize();
                    String now;
                    try {
                        now = Files.isRegularFile(f) ? gatehouse.pipeline.attest.Digests.sha256File(f) : "missing";
                    } catch (IOException e) {
                        now = "unreadable";
                    }
                    if (!now.equals(o.getValue())) {
                        return "output " + o.getKey() + " of " + s.name + "/" + st.name + " changed since it was made: sha256 "
                                + o.getValue().substring(0, 12) + "… then, " + (now.length() == 64 ? now.substring(0, 12) + "…" : now) + " now";
                    }
                }
            }
        }
        return null;
    }

    private boolean approved(RunRecord run, Stage stage, Step step) {
        int needed = step instanceof Step.Approval a ? a.count() : 1;
        List<String> allowed = step instanceof Step.Approval a ? a.approvers() : List.of();
        Map<String, Path> keys = step instanceof Step.Approval a ? a.keys() : Map.of();
        long n = run.approvals.stream().filter(a -> a.stage.equals(stage.name()))
                .filter(a -> allowed.isEmpty() || allowed.stream().anyMatch(a.approver::equalsIgnoreCase))
                .filter(a -> keys.isEmpty() || signedBy(run, a, keys))
                .map(a -> a.approver.toLowerCase(java.util.Locale.ROOT)).distinct().count();
        return n >= needed;
    }

    /** Whether the approval carries a valid signature by the key configured for its approver. */
    private boolean signedBy(RunRecord run, ApprovalRecord a, Map<String, Path> keys) {
        if (a.signature == null) {
            return false;
        }
        Path keyFile = keyOf(keys, a.approver);
        if (keyFile == null) {
            return false;
        }
        try {
            var key = gatehouse.pipeline.attest.Keys.publicKey(keyFile);
            return gatehouse.pipeline.attest.Verifier.verifySignature(key.type(), key.publicKey(),
                    approvalText(run.id, a.stage, a.approver, a.time, a.comment), java.util.Base64.getDecoder().decode(a.signature));
        } catch (IllegalArgumentException e) {
            return false; // not base64: not a signature
        }
    }

    /** The key configured for an approver (names compare case-insensitively), or null. */
    private static Path keyOf(Map<String, Path> keys, String approver) {
        return keys.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(approver)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    private static Step.Approval approvalRule(Stage stage, StageRecord sr) {
        for (StepRecord st : sr.steps) {
            if (st.status.equals(RunRecord.WAITING)) {
                for (Step s : stage.steps()) {
                    if (s.name().equals(st.name) && s instanceof Step.Approval a) {
                        return a;
                    }
                }
            }
        }
        return null;
    }

    private static String approvers(RunRecord run, String stage) {
        return String.join(", ", run.approvals.stream().filter(a -> a.stage.equals(stage)).map(a -> a.approver).toList());
    }

    private static String waitingStage(RunRecord run) {
        return run.stages.stream().filter(s -> RunRecord.WAITING.equals(s.status)).map(s -> s.name).findFirst().orElse("?");
    }

    private String secretValue(String name) {
        if (name == null || !spec.secrets().containsKey(name)) {
            return null;
        }
        PipelineSpec.SecretSource s = spec.secrets().get(name);
        return s.env() != null ? processEnv.get(s.env()) : fileSecrets.get(s.fileKey());
    }

    private Map<String, String> loadFileSecrets() {
        if (spec.secrets().values().stream().noneMatch(s -> s.fileKey() != null)) {
            return Map.of();
        }
        try {
            byte[] key = gatehouse.pipeline.secrets.SecretsFile.key(processEnv);
            if (key == null) {
                fileSecretsProblem = "no key for " + spec.baseDir().relativize(spec.secretsFile()) + ": set "
                        + gatehouse.pipeline.secrets.SecretsFile.ENV_KEY + " or " + gatehouse.pipeline.secrets.SecretsFile.ENV_KEY_FILE;
                return Map.of();
            }
            return gatehouse.pipeline.secrets.SecretsFile.read(spec.secretsFile(), key);
        } catch (IOException e) {
            fileSecretsProblem = e.getMessage();
            return Map.of();
        }
    }

    private String author() {
        try {
            Process p = new ProcessBuilder("git", "log", "-1", "--format=%ae").directory(spec.baseDir().toFile())
                    .redirectErrorStream(false).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.getErrorStream().close();
            return p.waitFor() == 0 && !out.isEmpty() ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static Map<String, Object> details(StepRecord r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("message", r.message == null ? "" : r.message);
        if (r.decision != null) {
            d.put("decision", r.decision);
            d.put("findings", r.findings);
            d.put("risk", r.risk);
        }
        if (!r.outputs.isEmpty()) {
            d.put("outputs", r.outputs);
        }
        return d;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static String pad(String s) {
        return s.length() >= 12 ? s : s + " ".repeat(12 - s.length());
    }

}
