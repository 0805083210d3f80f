package gatehouse.cli.monitor;

import gatehouse.cli.Context;
import gatehouse.cli.ExitCode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.monitor.ingest.EventSource;
import gatehouse.monitor.kafka.KafkaPublisher;
import gatehouse.monitor.kafka.KafkaUrl;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse monitor publish --to kafka://HOST:PORT/TOPIC FILE...}: puts CloudTrail records on a Kafka topic,
 * keyed by account, for {@code gatehouse monitor} instances to consume as a group (docs/kafka.md). Reads what
 * {@code gatehouse monitor} reads (CloudTrail log files, gzipped or not, folders in the S3 layout, JSON arrays, JSON
 * lines, EventBridge envelopes, {@code -} for standard input), one record at a time.
 *
 * <p>Exit 0 when every record was acknowledged; 2 for a bad URL or option, an input that could not be read (the
 * readable records are still published), or a topic that cannot be reached or written; 3 for a bug.
 */
@Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Publishes CloudTrail records to a Kafka topic, one Kafka record each, keyed by account id "
                + "(recipientAccountId), so that each account's events stay in order in one partition.",
        footer = {"", "Examples:",
                "  gatehouse monitor publish --to kafka://localhost:9092/cloudtrail AWSLogs/",
                "  gatehouse monitor publish --to kafka://b1:9092,b2:9092/org-trail 2026/11/30/*.json.gz",
                "  aws s3 cp s3://trail-bucket/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/30/f.json.gz - \\",
                "      | gatehouse monitor publish --to kafka://localhost:9092/cloudtrail -",
                "", "The topic must exist. Consume it with as many instances as needed: docs/kafka.md"})
final class PublishCommand implements Callable<Integer> {
    @Option(names = "--to", required = true, paramLabel = "URL",
            description = "The topic: kafka://HOST:PORT[,HOST:PORT...]/TOPIC")
    String to;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to wait for the brokers (and for each acknowledgement); default ${DEFAULT-VALUE}")
    int timeoutSeconds;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "CloudTrail files or folders; '-' reads standard input")
    List<String> files = new ArrayList<>();

    @Override
    public Integer call() {
        PrintStream out = Context.out();
        PrintStream err = Context.err();
        KafkaUrl url;
        try {
            url = KafkaUrl.forProducer(to, "--to");
            if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
                throw new InputException(Diagnostic.of("usage", SourceSpan.at("--timeout", 1, 1),
                        "timeout must be from 1 to 3600 seconds, not " + timeoutSeconds, "e.g. --timeout 30"));
            }
        } catch (InputException e) {
            err.print(Diagnostic.renderAll(e.diagnostics()));
            return ExitCode.INPUT_ERROR.code;
        }
        List<String> inputs = files.stream().map(f -> f.equals("-") ? f : Context.resolve(f).toString()).toList();
        List<Diagnostic> problems = new ArrayList<>();
        long started = System.nanoTime();
        KafkaPublisher.Result result;
        int fileCount;
        try (KafkaPublisher publisher = new KafkaPublisher(url, Map.of(), Duration.ofSeconds(timeoutSeconds));
                EventSource events = EventSource.of(inputs, Context.in(), d -> {
                    problems.add(d);
                    err.print(d.render());
                })) {
            while (events.hasNext()) {
                publisher.send(events.next());
            }
            result = publisher.finish();
            fileCount = events.fileCount();
        } catch (KafkaException e) {
            err.println("--to:1:1: error: cannot publish to " + url.display() + ": " + oneLine(e));
            err.println("  hint: check that the brokers are reachable and that topic '" + url.topic()
                    + "' exists (it is not created for you); --timeout sets how long to wait");
            if (Context.debug()) {
                e.printStackTrace(err);
            }
            return ExitCode.INPUT_ERROR.code;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf("published %d of %d records from %d input%s to %s in %.1f s%n", result.acknowledged(), result.sent(),
                fileCount, fileCount == 1 ? "" : "s", url.display(), seconds);
        long keyless = result.perAccount().getOrDefault("", 0L);
        out.printf("  %d account%s; %d of %d partitions received records%n", result.perAccount().size() - (keyless > 0 ? 1 : 0),
                result.perAccount().size() - (keyless > 0 ? 1 : 0) == 1 ? "" : "s", result.perPartition().size(), result.partitions());
        result.perPartition().forEach((p, n) -> out.printf("  partition %d: %d records%n", p, n));
        if (keyless > 0) {
            out.printf("  %d records had no account id and were spread over partitions without a key%n", keyless);
        }
        if (result.failed() > 0) {
            err.println("--to:1:1: error: " + result.failed() + " records could not be written to " + url.display() + ": "
                    + result.firstError());
            err.println("  hint: the brokers refused or did not acknowledge them in time; publish the input again "
                    + "(consumers drop repeated event ids)");
            return ExitCode.INPUT_ERROR.code;
        }
        return problems.isEmpty() ? ExitCode.OK.code : ExitCode.INPUT_ERROR.code;
    }

    /** The message of the innermost cause, which says what went wrong (the outer ones say what was being done). */
    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
