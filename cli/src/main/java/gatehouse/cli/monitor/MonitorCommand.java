package gatehouse.cli.monitor;

import gatehouse.cli.Context;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gatehouse monitor}: detective controls over an event stream (docs/filter-patterns.md). */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = "Detective controls over an event stream: CloudWatch Logs filter patterns, metric filters and alarms, Kafka.",
        subcommands = {TestPatternCommand.class, RunCommand.class, PublishCommand.class})
public final class MonitorCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(Context.out());
    }
}
