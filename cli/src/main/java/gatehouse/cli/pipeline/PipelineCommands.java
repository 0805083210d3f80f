package gatehouse.cli.pipeline;

import gatehouse.cli.Context;
import gatehouse.cli.ExitCode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.pipeline.model.PipelineLoader;
import gatehouse.pipeline.model.PipelineSpec;
import gatehouse.pipeline.model.Stage;
import gatehouse.pipeline.model.Step;
import gatehouse.pipeline.run.RunRecord;
import gatehouse.pipeline.run.RunStore;
import gatehouse.pipeline.run.Runner;
import gatehouse.audit.AuditKeys;
import gatehouse.audit.AuditLog;
import gatehouse.store.Store;
import gatehouse.store.StoreException;
import java.util.Map;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse run | plan | runs | show | approve}: the pipeline of {@code gatehouse.yml}. Runs and the audit
 * log are kept in the store ({@code --store URL}, else {@code $GATEHOUSE_STORE}, else the SQLite file
 * {@code .gatehouse/gatehouse.db} beside the pipeline file); the runs' logs and reports in {@code .gatehouse/runs/}.
 */
public final class PipelineCommands {
    private PipelineCommands() {}

    static final String EXIT_CODES = "Exit codes: 0 every stage passed, 1 a gate or step failed or the run waits for an "
            + "approval, 2 input error (pipeline file, missing path, unknown run or stage), 3 internal error.";

    /** Options every pipeline command shares. */
    abstract static class Base implements Callable<Integer> {
        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The pipeline file (default: ./gatehouse.yml)")
        String file;

        PipelineSpec spec() {
            String name = file == null ? PipelineLoader.FILE_NAME : file;
            return PipelineLoader.load(Context.resolve(name), name);
        }

        @Option(names = "--store", paramLabel = "URL",
                description = "Where runs and the audit log are kept: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB"
                        + " (default: $GATEHOUSE_STORE, else .gatehouse/gatehouse.db beside the pipeline file)")
        String storeUrl;

        String storeUrl(PipelineSpec spec) {
            return Store.resolveUrl(storeUrl, System.getenv(), spec.baseDir());
        }

        RunStore store(PipelineSpec spec) {
            return new RunStore(spec.baseDir().resolve(".gatehouse").resolve("runs"), storeUrl(spec));
        }

        private AuditLog audit;

        /**
         * The runner, recording every decision in the audit log of the same store as the runs (checkpoints signed
         * when $GATEHOUSE_AUDIT_KEY is set).
         */
        Runner runner(PipelineSpec spec) {
            Map<String, String> env = System.getenv();
            if (audit == null) {
                Store store = Store.open(storeUrl(spec), true);
                AuditKeys.Signer signer = AuditKeys.configuredSigner(null, env);
                audit = AuditLog.open(store, signer == null ? AuditLog.Options.defaults() : AuditLog.Options.defaults().withSigner(signer));
            }
            AuditLog log = audit;
            return new Runner(spec, store(spec), (actor, action, subject, result, details) -> log.append(actor, action, subject,
                    result, details), env, Clock.systemUTC(), line -> Context.err().println(line));
        }

        @Override
        public Integer call() {
            try {
                return executeGuarded();
            } finally {
                if (audit != null) {
                    audit.close();
                }
            }
        }

        private Integer executeGuarded() {
            try {
                return execute();
            } catch (InputException e) {
                Context.err().print(Diagnostic.renderAll(e.diagnostics()));
                return ExitCode.INPUT_ERROR.code;
            } catch (StoreException e) {
                Context.err().println("gatehouse: error: " + e.getMessage());
                Context.err().println(e.userError() ? "  hint: check --store or $GATEHOUSE_STORE"
                        : "  hint: rerun with --debug for details");
                if (Context.debug()) {
                    e.printStackTrace(Context.err());
                }
                return e.userError() ? ExitCode.INPUT_ERROR.code : ExitCode.INTERNAL_ERROR.code;
            } catch (IllegalArgumentException | IllegalStateException e) {
                Context.err().println("gatehouse: error: " + e.getMessage());
                return ExitCode.INPUT_ERROR.code;
            }
        }

        abstract int execute();

        static int exit(RunRecord run) {
            return run.status.equals(RunRecord.PASSED) ? ExitCode.OK.code : ExitCode.GATE_FAILED.code;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Runs the pipeline of gatehouse.yml: stages in order, gates decide, the first failure stops "
                    + "every later stage and the report goes to security; a gate that needs approval or an approval "
                    + "step pauses the run until 'gatehouse approve'.", "", EXIT_CODES},
            footer = {"", "Examples:", "  gatehouse run                       run ./gatehouse.yml",
                    "  gatehouse run --until build         stop after stage build",
                    "  gatehouse run --resume RUN-ID       continue a run that waited for approval"})
    public static final class Run extends Base {
        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The pipeline file (default: ./gatehouse.yml)")
        String positional;

        @Option(names = "--until", paramLabel = "STAGE", description = "Stop after this stage")
        String until;

        @Option(names = "--resume", paramLabel = "RUN", description = "Continue a paused run")
        String resume;

        @Override
        int execute() {
            if (positional != null) {
                file = positional;
            }
            PipelineSpec spec = spec();
            Runner runner = runner(spec);
            RunRecord run = resume != null ? runner.resume(resume, until) : runner.run(until);
            Context.out().println(run.id + " " + run.status + ": " + run.reason);
            return exit(run);
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = {"Shows what 'gatehouse run' would do and why, without running anything.", "", EXIT_CODES})
    public static final class Plan extends Base {
        @Override
        int execute() {
            PipelineSpec spec = spec();
            var out = Context.out();
            out.println("pipeline " + spec.name() + " (" + spec.file() + ")");
            String blocked = new Runner(spec, store(spec), (actor, action, subject, result, details) -> {
                throw new IllegalStateException("plan records nothing");
            }, System.getenv(), Clock.systemUTC(), line -> { }).preflightReason();
            for (Stage s : spec.stages()) {
                var env = s.environment() == null ? null : spec.environments().get(s.environment());
                out.println("stage " + s.name() + (env == null ? "" : "  [environment " + env.name()
                        + (env.production() ? ", production" : "") + (env.protectedEnv() ? ", protected" : "") + "]"));
                for (Step st : s.steps()) {
                    out.println("  " + st.name() + ": " + describe(st, spec, env));
                }
            }
            if (spec.notification().reportsDir() != null || spec.notification().webhook() != null) {
                out.println("on failure: reports to " + (spec.notification().reportsDir() == null ? "-" : spec.notification().reportsDir())
                        + (spec.notification().webhook() == null ? "" : ", webhook " + spec.notification().webhook()));
            }
            if (blocked != null) {
                out.println("BLOCKED: " + blocked);
                return ExitCode.GATE_FAILED.code;
            }
            return ExitCode.OK.code;
        }

        private static String describe(Step st, PipelineSpec spec, gatehouse.pipeline.model.Environment env) {
            return switch (st) {
                case Step.Gate g -> switch (g.scanner()) {
                    case POLICY -> "policy gate over " + (g.paths().isEmpty() ? "everything" : String.join(", ", g.paths()))
                            + " (built-in pack" + (env != null && !env.rules().isEmpty() ? " + " + env.name() + " rules" : "")
                            + (env != null && env.parameters() != null ? ", parameters " + spec.baseDir().relativize(env.parameters()) : "")
                            + "; risk decides pass / approval / fail)";
                    case SECRETS -> "secrets gate over " + (g.paths().isEmpty() ? "everything" : String.join(", ", g.paths()))
                            + " (any secret fails)";
                    case SARIF -> "SARIF gate on " + g.sarif() + " (fails at level " + g.failOn() + " or above)";
                };
                case Step.Run r -> "run `" + r.command() + "`" + (r.secrets().isEmpty() ? "" : " with secrets " + String.join(", ", r.secrets()))
                        + (r.outputs().isEmpty() ? "" : ", hashes " + String.join(", ", r.outputs()));
                case Step.Merge m -> "split-ownership merge of " + (m.paths().isEmpty() ? "every fragment" : String.join(", ", m.paths()))
                        + " (owners " + String.join(" > ", spec.merge().owners().stream().map(o -> o.name()).toList())
                        + "; a lower owner altering a higher one's element fails)";
                case Step.Attest a -> "sign " + String.join(", ", a.subjects()) + " with the pipeline's key into " + a.output();
                case Step.Verify v -> "verify " + v.attestation() + " (signature by " + (v.keys().isEmpty() ? "the environment's identity"
                        : String.join(", ", v.keys())) + ", digests of " + String.join(", ", v.artifacts()) + ")";
                case Step.Validate v -> "validate the deployment: " + String.join(", ", java.util.stream.Stream.concat(
                        v.liveCommand() == null ? java.util.stream.Stream.<String>empty()
                                : java.util.stream.Stream.of("live state of `" + v.liveCommand() + "` against " + String.join(", ", v.liveRules())),
                        v.probes().stream().map(pr -> pr.kind() + " " + pr.target())).toList())
                        + (v.teardown() == null ? "" : "; on failure: `" + v.teardown() + "`");
                case Step.Deploy d -> "deploy with the " + d.driver() + " driver: `" + d.command() + "`"
                        + (d.artifacts().isEmpty() ? "" : " (artifacts " + String.join(", ", d.artifacts()) + " checked by digest)")
                        + (d.health() == null ? "" : ", healthy at " + d.health());
                case Step.Approval a -> "waits for " + a.count() + (a.keys().isEmpty() ? "" : " signed") + " approval"
                        + (a.count() == 1 ? "" : "s") + (a.approvers().isEmpty() ? "" : " from " + String.join(", ", a.approvers()))
                        + " (not the change's author)";
            };
        }
    }

    @Command(name = "runs", mixinStandardHelpOptions = true,
            description = "Lists the pipeline's runs (those of its name in the store), newest first.")
    public static final class Runs extends Base {
        @Override
        int execute() {
            PipelineSpec spec = spec();
            for (RunRecord r : store(spec).list(spec.name())) {
                Context.out().printf("%-24s %-8s %-20s %s%n", r.id, r.status, r.started, r.reason == null ? "" : r.reason);
            }
            return ExitCode.OK.code;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one run: stages, steps, decisions, approvals.")
    public static final class Show extends Base {
        @Parameters(paramLabel = "RUN", description = "The run id")
        String id;

        @Override
        int execute() {
            PipelineSpec spec = spec();
            RunStore runs = store(spec);
            RunRecord r = runs.load(id);
            if (r == null) {
                throw new IllegalArgumentException("no run " + id + " (gatehouse runs lists them)");
            }
            var out = Context.out();
            out.println("run " + r.id + "  " + r.status + "  " + r.pipeline + "  by " + r.actor
                    + (r.author == null ? "" : "  change by " + r.author));
            out.println("started " + r.started + (r.finished == null ? "" : ", finished " + r.finished));
            for (RunRecord.StageRecord s : r.stages) {
                out.println("stage " + s.name + "  " + s.status + (s.reason == null ? "" : "  (" + s.reason + ")"));
                for (RunRecord.StepRecord st : s.steps) {
                    out.printf("  %-12s %-8s %s%n", st.name, st.status, st.message == null ? "" : st.message);
                    st.outputs.forEach((k, v) -> out.println("      " + k + "  sha256:" + v));
                    if (st.report != null) {
                        out.println("      report: " + runs.runDir(r.id).resolve(st.report));
                    }
                }
            }
            for (RunRecord.ApprovalRecord a : r.approvals) {
                out.println("approved " + a.stage + " by " + a.approver + " at " + a.time + (a.comment == null ? "" : ": " + a.comment));
            }
            out.println(r.reason == null ? "" : r.reason);
            return exit(r);
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = {"Approves a stage a run waits on; 'gatehouse run --resume RUN' then continues it.",
                    "The approver may not be the change's author and approves a stage once."})
    public static final class Approve extends Base {
        @Parameters(index = "0", paramLabel = "RUN", description = "The run id")
        String id;

        @Parameters(index = "1", paramLabel = "STAGE", description = "The stage to approve")
        String stage;

        @Option(names = "--as", paramLabel = "NAME", description = "Who approves (default: GATEHOUSE_ACTOR or the local user)")
        String as;

        @Option(names = {"-m", "--comment"}, paramLabel = "TEXT", description = "Why")
        String comment;

        @Option(names = "--key", paramLabel = "FILE",
                description = "Your private key (PEM), for stages whose approvals must be signed (default: $GATEHOUSE_APPROVER_KEY)")
        String key;

        @Override
        int execute() {
            PipelineSpec spec = spec();
            Runner runner = runner(spec);
            String who = as != null ? as : runner.actor();
            String keyFile = key != null ? key : System.getenv("GATEHOUSE_APPROVER_KEY");
            gatehouse.pipeline.attest.Signer signer = keyFile == null ? null
                    : gatehouse.pipeline.attest.Keys.signer(Context.resolve(keyFile));
            RunRecord r = runner.approve(id, stage, who, comment, signer);
            long n = r.approvals.stream().filter(a -> a.stage.equals(stage)).count();
            Context.out().println(who + " approved stage " + stage + " of run " + id + " (" + n + " approval" + (n == 1 ? "" : "s")
                    + "); continue with: gatehouse run --resume " + id);
            return ExitCode.OK.code;
        }
    }

}
