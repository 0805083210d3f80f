package gatehouse.monitor.action;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program (no shell unless the argument list names one) with the event in its environment:
 * {@code GATEHOUSE_EVENT} (the JSON of {@link ActionEvent#toJson()}), {@code GATEHOUSE_EVENT_KIND},
 * {@code GATEHOUSE_EVENT_KEY}, {@code GATEHOUSE_EVENT_SUBJECT}, {@code GATEHOUSE_EVENT_SUMMARY}, and each
 * top-level scalar detail as {@code GATEHOUSE_<UPPER_SNAKE_KEY>} (detail {@code resourceId} becomes
 * {@code GATEHOUSE_RESOURCE_ID}). The process inherits the caller's environment plus the configured variables.
 *
 * <p>Success is exit code 0 within {@code timeout}; a process still running then is killed with its
 * descendants. Standard output and error are captured together (the first {@link #MAX_OUTPUT} bytes) and
 * masked: the values of the variables named secret, and credential-shaped tokens, never leave the action.
 */
public final class CommandAction implements Action {
    /** Bytes of output kept; the rest is read and dropped so the process never blocks on a full pipe. */
    public static final int MAX_OUTPUT = 16 * 1024;
    private final String name;
    private final List<String> argv;
    private final Map<String, String> env;
    private final Set<String> secretEnv;
    private final Path workDir;
    private final Duration timeout;

    /**
     * @param argv      the program and its arguments; not empty
     * @param env       extra environment variables (values may be secrets, see {@code secretEnv})
     * @param secretEnv names of variables in {@code env} whose values are masked in captured output
     * @param workDir   the working directory; null for the caller's
     */
    public CommandAction(String name, List<String> argv, Map<String, String> env, Set<String> secretEnv, Path workDir,
                         Duration timeout) {
        this.name = Objects.requireNonNull(name, "name");
        if (argv == null || argv.isEmpty() || argv.get(0).isBlank()) {
            throw new IllegalArgumentException("a command needs a program");
        }
        this.argv = List.copyOf(argv);
        this.env = Map.copyOf(env);
        this.secretEnv = Set.copyOf(secretEnv);
        this.workDir = workDir;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "command";
    }

    /** The program's file name: arguments may carry secrets, so they are not shown. */
    @Override
    public String target() {
        return Path.of(argv.get(0)).getFileName().toString();
    }

    /** The variables the event adds to the process environment. */
    public static Map<String, String> eventEnvironment(ActionEvent event) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("GATEHOUSE_EVENT", new String(WebhookAction.body(event), StandardCharsets.UTF_8));
        m.put("GATEHOUSE_EVENT_KIND", event.kind());
        m.put("GATEHOUSE_EVENT_KEY", event.key());
        m.put("GATEHOUSE_EVENT_SUBJECT", event.subject());
        m.put("GATEHOUSE_EVENT_SUMMARY", event.summary());
        event.details().forEach((k, v) -> {
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                m.putIfAbsent("GATEHOUSE_" + upperSnake(k), v.toString());
            }
        });
        return m;
    }

    /** {@code resourceId} → {@code RESOURCE_ID}, {@code aws-region} → {@code AWS_REGION}. */
    static String upperSnake(String key) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(key.charAt(i - 1))) {
                sb.append('_');
            }
            sb.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        return sb.toString();
    }

    @Override
    public ActionResult execute(ActionEvent event) {
        long start = System.nanoTime();
        List<String> secrets = new ArrayList<>();
        secretEnv.forEach(k -> secrets.add(env.get(k)));
        Masking mask = new Masking(secrets);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(nullFile()));
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        pb.environment().putAll(env);
        pb.environment().putAll(eventEnvironment(event));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new ActionResult(false, 1, "cannot start " + target() + ": " + mask.apply(e.getMessage()), "",
                    Duration.ofNanos(System.nanoTime() - start));
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> drain(p.getInputStream(), captured));
        String outcome;
        boolean ok;
        try {
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                ok = p.exitValue() == 0;
                outcome = "exit " + p.exitValue();
            } else {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                ok = false;
                outcome = "timed out after " + timeout.toMillis() + " ms";
            }
            reader.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            ok = false;
            outcome = "interrupted";
        }
        String output;
        synchronized (captured) {
            output = captured.toString(StandardCharsets.UTF_8);
        }
        return new ActionResult(ok, 1, outcome, mask.apply(output), Duration.ofNanos(System.nanoTime() - start));
    }

    private static File nullFile() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static void drain(InputStream in, ByteArrayOutputStream into) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (into) {
                    int room = MAX_OUTPUT - into.size();
                    if (room > 0) {
                        into.write(buf, 0, Math.min(room, n));
                    }
                }
            }
        } catch (IOException e) {
            // the process was killed: what was read so far is the output
        }
    }
}
