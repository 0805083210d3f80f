package gatehouse.monitor.action;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes one line per event: {@code TIME KIND SUBJECT: SUMMARY [key=KEY]}, with line breaks in the parts
 * flattened so that one event is always one line, and secrets masked. The sink is the caller's (stderr, a file,
 * a logger).
 */
public final class LogAction implements Action {
    private final String name;
    private final Consumer<String> sink;

    public LogAction(String name, Consumer<String> sink) {
        this.name = Objects.requireNonNull(name, "name");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "log";
    }

    @Override
    public String target() {
        return "log";
    }

    /** The line written for an event. */
    public static String line(ActionEvent e) {
        String s = e.time() + " " + e.kind() + " " + e.subject() + ": " + e.summary() + " [key=" + e.key() + "]";
        return Masking.patternsOnly().apply(s.replaceAll("[\\r\\n\\t]+", " "));
    }

    @Override
    public ActionResult execute(ActionEvent event) {
        long start = System.nanoTime();
        try {
            sink.accept(line(event));
            return new ActionResult(true, 1, "written", "", Duration.ofNanos(System.nanoTime() - start));
        } catch (RuntimeException e) {
            return new ActionResult(false, 1, "cannot write: " + e.getMessage(), "", Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
