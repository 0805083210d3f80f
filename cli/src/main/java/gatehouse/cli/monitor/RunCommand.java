package gatehouse.cli.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gatehouse.cli.Context;
import gatehouse.cli.ExitCode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.monitor.alarm.AlarmEngine;
import gatehouse.monitor.cis.CisPack;
import gatehouse.monitor.action.Dispatcher;
import gatehouse.monitor.kafka.KafkaEventSource;
import gatehouse.monitor.kafka.KafkaUrl;
import gatehouse.monitor.kafka.Partition;
import gatehouse.monitor.run.ActionFactory;
import gatehouse.monitor.run.AlarmActions;
import gatehouse.monitor.run.LogAction;
import gatehouse.monitor.run.MonitorConfig;
import gatehouse.monitor.run.MonitorRunner;
import gatehouse.store.Store;
import gatehouse.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.apache.kafka.common.KafkaException;

/**
 * {@code gatehouse monitor run}: events through metric filters into alarms, by event time, with state kept in the
 * store. Prints each transition (the {@code log} action) and a summary of every alarm's state. Exit 0 when it ran,
 * 2 on a bad option, configuration or input (bad input is reported with its file and position and the stream goes
 * on), 3 on an internal error.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs metric filters and CloudWatch-style alarms over CloudTrail events, by event time.",
                "State (alarm states, open periods, input position) is kept in the store: a restart continues where the last run stopped."},
        footer = {"", "Examples:",
                "  gatehouse monitor run --pack cis --input AWSLogs/ --flush",
                "  gatehouse monitor run --config alarms.yaml --input trail.json.gz --lateness 10m --format json",
                "  zcat *.json.gz | gatehouse monitor run --pack cis --input -",
                "  gatehouse monitor run --pack cis --input 'kafka://localhost:9092/cloudtrail?group=gatehouse-monitor'",
                "  gatehouse monitor run --pack cis --input AWSLogs/ --follow --poll-interval 10s",
                "  gatehouse monitor run --pack cis --input http://127.0.0.1:8514/events --http-token-file token.txt",
                "", "Configuration format, semantics and the CIS pack: docs/alarms.md"})
final class RunCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    static final class Source {
        @Option(names = "--config", paramLabel = "FILE", description = "Metric filters and alarms (YAML or JSON, docs/alarms.md)")
        String config;

        @Option(names = "--pack", paramLabel = "NAME", description = "A built-in pack: cis")
        String pack;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--input", paramLabel = "PATH", description = {"A CloudTrail file (gzip, JSON lines, EventBridge envelopes), a directory, or - for standard input; repeatable (default: -)",
            "or one kafka://HOST:PORT/TOPIC?group=NAME: run as a member of that consumer group (docs/kafka.md)",
            "or http://127.0.0.1:PORT/PATH: accept POSTed records there (loopback only by default; docs/alarms.md)"})
    List<String> inputs = new ArrayList<>();

    @Option(names = "--store", paramLabel = "URL",
            description = "jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB (default: $GATEHOUSE_STORE, else .gatehouse/gatehouse.db in the project root)")
    String store;

    @Option(names = "--lateness", paramLabel = "DUR", defaultValue = "5m",
            description = "How far behind the latest event time an event may arrive and still count: 300s, 5m, 1h, PT5M (default: ${DEFAULT-VALUE})")
    String lateness;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "text", description = "text or json (JSON lines) (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--state", paramLabel = "NAME", description = "Name the state is kept under (default: the configuration's name)")
    String scope;

    @Option(names = "--flush", description = "The input is complete: evaluate the periods still open at its end")
    boolean flush;

    @Option(names = "--reset", description = "Forget the stored state of this configuration first")
    boolean reset;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "100000",
            description = "Commit the state at least every N records (default: ${DEFAULT-VALUE}); also every second while events flow")
    int checkpointEvery;

    @Option(names = "--idle-stop", paramLabel = "DUR",
            description = "Kafka, --follow and HTTP inputs: stop cleanly (commit; with --flush, evaluate the open periods) once no input arrived for DUR, e.g. 30s (default: run until interrupted)")
    String idleStop;

    @picocli.CommandLine.Mixin
    LiveOptions live = new LiveOptions();

    @Override
    public Integer call() {
        PrintStream out = Context.out();
        PrintStream err = Context.err();
        try {
            boolean json = switch (format) {
                case "text" -> false;
                case "json" -> true;
                default -> throw usage("--format", "unknown format '" + format + "'", "use text or json");
            };
            Duration late = duration(lateness, "--lateness");
            KafkaUrl kafka = kafkaInput();
            Duration idle = idleStop == null ? null : duration(idleStop, "--idle-stop");
            if (kafka != null && live.follow) {
                throw usage("--follow", "--follow applies to directories and files, not to a Kafka input", "a Kafka run follows its topic by itself");
            }
            if (idle != null && kafka == null && !live.active(inputs)) {
                throw usage("--idle-stop", "--idle-stop applies to Kafka, --follow and HTTP inputs only", "a file input ends by itself");
            }
            if (checkpointEvery < 1) {
                throw usage("--checkpoint-every", "must be at least 1", "e.g. --checkpoint-every 100000");
            }
            Set<String> types = new HashSet<>(AlarmActions.TYPES);
            types.add("log");
            MonitorConfig config = config(types);
            List<String> in = inputs.isEmpty() || kafka != null ? List.of("-") : inputs.stream()
                    .map(i -> i.equals("-") || gatehouse.monitor.http.HttpEndpoint.isHttp(i) ? i : Context.resolve(i).toString()).toList();
            Store st = Store.open(Store.resolveUrl(store, System.getenv(), Store.projectRoot(Context.baseDir())), true);
            try (AlarmActions dispatched = new AlarmActions(st, System::getenv, Clock.systemUTC())) {
                Map<String, ActionFactory> actions = new HashMap<>(dispatched.factories());
                actions.put("log", LogAction.factory(out, json));
                return run(out, err, json, late, in, kafka, idle, st, config, actions, dispatched);
            }
        } catch (InputException e) {
            err.print(Diagnostic.renderAll(e.diagnostics()));
            return ExitCode.INPUT_ERROR.code;
        } catch (StoreException e) {
            err.println("gatehouse: error: " + e.getMessage());
            err.println(e.userError() ? "  hint: check --store or $GATEHOUSE_STORE" : "  hint: rerun with --debug for details");
            if (Context.debug()) {
                e.printStackTrace(err);
            }
            return e.userError() ? ExitCode.INPUT_ERROR.code : ExitCode.INTERNAL_ERROR.code;
        } catch (KafkaException e) {
            if (e.getCause() instanceof StoreException se) {
                // thrown by the processor inside a rebalance callback, which Kafka wraps
                err.println("gatehouse: error: " + se.getMessage());
                err.println("  hint: check --store or $GATEHOUSE_STORE");
                if (Context.debug()) {
                    e.printStackTrace(err);
                }
                return se.userError() ? ExitCode.INPUT_ERROR.code : ExitCode.INTERNAL_ERROR.code;
            }
            err.println("--input:1:1: error: cannot read " + inputs.get(0).replaceAll("\\?.*", "") + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getSimpleName()));
            err.println("  hint: check that the brokers are reachable, that the topic exists and that the group may read it");
            if (Context.debug()) {
                e.printStackTrace(err);
            }
            return ExitCode.INPUT_ERROR.code;
        }
    }

    private int run(PrintStream out, PrintStream err, boolean json, Duration late, List<String> in, KafkaUrl kafka,
                    Duration idle, Store st, MonitorConfig config, Map<String, ActionFactory> actions, AlarmActions dispatched) {
        MonitorRunner.Options options = new MonitorRunner.Options(scope == null ? config.name() : scope, late, flush, reset,
                checkpointEvery, Duration.ofSeconds(1));
        List<Diagnostic> problems = new ArrayList<>();
        boolean interactive = Context.interactive();
        long started = System.nanoTime();
        MonitorRunner runner = new MonitorRunner(config, st, options, actions, w -> {
            if (interactive) {
                err.print("\r\033[K");
            }
            err.println((w.origin() == null ? "gatehouse" : w.origin()) + ": warning: " + w.message());
        });
        if (kafka != null) {
            int code = runKafka(runner, kafka, idle, options.scope(), json, problems, out, err);
            reportSuppressed(err, dispatched);
            return code;
        }
        if (live.active(in)) {
            int code = live.run(runner, in, idle, options.scope(), json, out, err);
            reportSuppressed(err, dispatched);
            return code;
        }
        MonitorRunner.Summary s = runner.run(in, Context.in(), d -> {
            if (interactive) {
                err.print("\r\033[K");
            }
            problems.add(d);
            err.print(d.render());
        }, interactive ? (records, events, watermark) -> {
            double secs = (System.nanoTime() - started) / 1e9;
            err.printf(Locale.ROOT, "\r\033[K%,d records  %,.0f/s  watermark %s", records, records / Math.max(secs, 1e-9),
                    watermark == null ? "-" : watermark.toString());
        } : null);
        if (interactive) {
            err.print("\r\033[K");
        }
        report(out, err, json, s, options.scope(), null);
        reportSuppressed(err, dispatched);
        return problems.isEmpty() ? ExitCode.OK.code : ExitCode.INPUT_ERROR.code;
    }

    private MonitorConfig config(Set<String> actionTypes) {
        if (source.pack != null) {
            if (!source.pack.equals(CisPack.NAME)) {
                throw usage("--pack", "unknown pack '" + source.pack + "'", "the built-in pack is cis");
            }
            return CisPack.load(actionTypes);
        }
        Path p = Context.resolve(source.config);
        String text;
        try {
            text = Files.readString(p);
        } catch (NoSuchFileException e) {
            throw new InputException(Diagnostic.of("input_io_error", SourceSpan.at(source.config, 1, 1), "no such file",
                    "check the path of --config"));
        } catch (IOException e) {
            throw new InputException(Diagnostic.of("input_io_error", SourceSpan.at(source.config, 1, 1),
                    "cannot read: " + e.getMessage(), "check the path and its permissions"));
        }
        return MonitorConfig.parse(source.config, text, actionTypes);
    }

    /** The Kafka URL when the input is one, else null; a Kafka input cannot be mixed with others. */
    private KafkaUrl kafkaInput() {
        if (inputs.stream().noneMatch(KafkaUrl::isKafka)) {
            return null;
        }
        if (inputs.size() != 1) {
            throw usage("--input", "a Kafka input cannot be combined with other inputs",
                    "run one gatehouse monitor per input, or publish the files to the topic");
        }
        return KafkaUrl.forConsumer(inputs.get(0), "--input");
    }

    /**
     * Runs as a member of the URL's consumer group until {@code --idle-stop} or an interrupt (Ctrl-C, SIGTERM: a
     * shutdown hook asks the run to flush, commit and leave the group, and waits for it), then prints, per partition
     * held, the state of its alarms.
     */
    private int runKafka(MonitorRunner runner, KafkaUrl url, Duration idle, String scope, boolean json, List<Diagnostic> problems,
                         PrintStream out, PrintStream err) {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(() -> {
            runner.stop();
            try {
                done.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gatehouse-monitor-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        MonitorRunner.KafkaSummary k;
        try {
            k = runner.runKafka(url, Map.of(), Duration.ofSeconds(1), idle, d -> {
                problems.add(d);
                err.print(d.render());
            });
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and waits for the latch released above
            }
        }
        KafkaEventSource.Stats st = k.stats();
        if (json) {
            ObjectMapper m = new ObjectMapper();
            out.println(m.createObjectNode().put("type", "kafka").put("input", url.display()).put("records", st.records())
                    .put("events", st.events()).put("duplicates", st.duplicates()).put("redelivered", st.redelivered())
                    .put("unreadable", st.unreadable()).put("commits", st.commits()).toString());
        } else {
            out.printf(Locale.ROOT, "%s: %d records, %d events, %d repeated event ids dropped, %d already in the stored state,"
                    + " %d unreadable; %d commits%n", url.display(), st.records(), st.events(), st.duplicates(), st.redelivered(),
                    st.unreadable(), st.commits());
        }
        for (Map.Entry<Partition, MonitorRunner.Summary> e : k.partitions().entrySet()) {
            report(out, err, json, e.getValue(), scope + "@" + e.getKey().display(), e.getKey().display());
        }
        return problems.isEmpty() ? ExitCode.OK.code : ExitCode.INPUT_ERROR.code;
    }

    private static void reportSuppressed(PrintStream err, AlarmActions dispatched) {
        Dispatcher.Stats ds = dispatched.stats();
        if (ds.suppressed() > 0) {
            err.println("gatehouse: " + ds.suppressed() + " notifications suppressed (" + ds.duplicates() + " duplicate, "
                    + (ds.rateLimited() + ds.queueFull()) + " rate-limited); gatehouse audit log --action action.suppressed");
        }
    }

    /** {@code 300s}, {@code 5m}, {@code 1h}, {@code 2d}, {@code 500ms}, or ISO-8601 {@code PT5M}. */
    static Duration duration(String text, String flag) {
        Matcher m = DURATION.matcher(text.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            Duration d = Duration.parse(text.trim());
            if (!d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw usage(flag, "'" + text + "' is not a duration", "e.g. 300s, 5m, 1h or PT5M");
    }

    static InputException usage(String flag, String message, String hint) {
        return new InputException(Diagnostic.of("usage", SourceSpan.at(flag, 1, 1), message, hint));
    }

    /**
     * The end of a run over one state name (a file or live run, or one Kafka partition, {@code of} naming it, else
     * null): a warning per alarm whose stored state was dropped, then the summary, as text or one JSON line.
     */
    static void report(PrintStream out, PrintStream err, boolean json, MonitorRunner.Summary s, String scope, String of) {
        for (String a : s.resetAlarms()) {
            err.println("gatehouse: warning: alarm " + a + (of == null ? "" : " of " + of)
                    + " changed since its state was stored; it starts afresh");
        }
        if (json) {
            out.println(summaryJson(s, scope));
        } else {
            printSummary(out, s, scope);
        }
    }

    private static void printSummary(PrintStream out, MonitorRunner.Summary s, String scope) {
        out.println();
        out.printf(Locale.ROOT, "%d records read%s; state '%s': %d events, %d duplicates, %d late, %d without eventTime%n",
                s.records(), s.skipped() > 0 ? " (" + s.skipped() + " skipped: already processed)" : "", scope, s.events(),
                s.duplicates(), s.lateEvents(), s.untimed());
        out.println("watermark: " + (s.watermark() == null ? "none (no timed event yet)" : s.watermark()));
        out.println("transitions: " + s.transitionsThisRun() + " this run, " + s.transitions() + " in total");
        int width = s.alarms().stream().mapToInt(a -> a.definition().name().length()).max().orElse(5);
        for (AlarmEngine.Status a : s.alarms()) {
            out.printf(Locale.ROOT, "%-17s  %-" + width + "s  %s%n", a.state(), a.definition().name(), a.reason());
        }
    }

    private static String summaryJson(MonitorRunner.Summary s, String scope) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode().put("type", "summary").put("schemaVersion", 1).put("state", scope)
                .put("records", s.records()).put("skipped", s.skipped()).put("events", s.events())
                .put("duplicates", s.duplicates()).put("lateEvents", s.lateEvents()).put("untimed", s.untimed())
                .put("transitionsThisRun", s.transitionsThisRun()).put("transitions", s.transitions());
        if (s.watermark() == null) {
            o.putNull("watermark");
        } else {
            o.put("watermark", s.watermark().toString());
        }
        ArrayNode alarms = o.putArray("alarms");
        for (AlarmEngine.Status a : s.alarms()) {
            ObjectNode n = alarms.addObject().put("name", a.definition().name()).put("state", a.state().name())
                    .put("reason", a.reason()).put("transitions", a.transitions()).put("lateSamples", a.lateSamples())
                    .put("openPeriods", a.openPeriods());
            if (a.since() == null) {
                n.putNull("since");
            } else {
                n.put("since", a.since().toString());
            }
        }
        return o.toString();
    }
}
