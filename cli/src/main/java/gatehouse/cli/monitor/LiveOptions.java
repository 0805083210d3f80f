package gatehouse.cli.monitor;

import gatehouse.cli.Context;
import gatehouse.cli.ExitCode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.monitor.http.HttpEndpoint;
import gatehouse.monitor.http.HttpIngest;
import gatehouse.monitor.ingest.DirectoryFollower;
import gatehouse.monitor.ingest.Feed;
import gatehouse.monitor.run.MonitorRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * The live inputs of {@code gatehouse monitor run}: {@code --follow} (directories polled for new files) and
 * {@code --input http://HOST:PORT/PATH} (an HTTP endpoint), with their options; a mixin of {@link RunCommand}.
 */
final class LiveOptions {
    /** The environment variable that may hold the HTTP input's shared secret. */
    static final String TOKEN_ENV = "GATEHOUSE_MONITOR_TOKEN";
    private static final Pattern SIZE = Pattern.compile("(\\d+)([kmg]?)", Pattern.CASE_INSENSITIVE);

    @Option(names = "--follow", description = "Keep running: read the directories (or files) given by --input, then every new or"
            + " grown file as it appears (polling), each once across restarts")
    boolean follow;

    @Option(names = "--poll-interval", paramLabel = "DUR", defaultValue = "5s",
            description = "--follow: how often to look for new files (default: ${DEFAULT-VALUE})")
    String pollInterval;

    @Option(names = "--settle", paramLabel = "DUR", defaultValue = "5s",
            description = "--follow: read a file once its modification time is DUR in the past (default: ${DEFAULT-VALUE})")
    String settle;

    @Option(names = "--http-token-file", paramLabel = "FILE",
            description = "HTTP input: the shared secret (default: $" + TOKEN_ENV + "); senders send Authorization: Bearer SECRET"
                    + " or X-Gatehouse-Signature: sha256=HMAC of the body")
    String tokenFile;

    @Option(names = "--http-allow-remote", description = "HTTP input: allow a non-loopback address (requires a secret)")
    boolean allowRemote;

    @Option(names = "--http-max-body", paramLabel = "SIZE", defaultValue = "64m",
            description = "HTTP input: largest request body, as sent and decompressed: 512k, 64m, 1g (default: ${DEFAULT-VALUE})")
    String maxBody;

    /** Whether the run is live: following, or an HTTP input among the inputs. */
    boolean active(List<String> inputs) {
        return follow || inputs.stream().anyMatch(HttpEndpoint::isHttp);
    }

    /**
     * Runs live until an interrupt (Ctrl-C, SIGTERM: a shutdown hook asks the run to stop and waits for it to commit)
     * or {@code idle}, then prints the summary.
     */
    int run(MonitorRunner runner, List<String> inputs, Duration idle, String scope, boolean json, PrintStream out,
            PrintStream err) {
        List<Feed> feeds = new ArrayList<>();
        List<HttpIngest> endpoints = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        for (String in : inputs) {
            if (HttpEndpoint.isHttp(in)) {
                endpoints.add(endpoint(in));
            } else if (in.equals("-")) {
                throw RunCommand.usage("--input", "standard input cannot be followed",
                        "give a directory or a file with --follow, or pipe into a run without --follow");
            } else {
                paths.add(Path.of(in));
            }
        }
        DirectoryFollower follower = null;
        if (!paths.isEmpty()) {
            if (!follow) {
                throw RunCommand.usage("--input", "a file input next to an HTTP input needs --follow",
                        "add --follow to watch it, or run the files separately");
            }
            follower = new DirectoryFollower(paths, positive(pollInterval, "--poll-interval"),
                    RunCommand.duration(settle, "--settle"));
            feeds.add(follower);
        } else if (follow) {
            throw RunCommand.usage("--follow", "--follow needs a directory or file --input",
                    "e.g. --input AWSLogs/ --follow");
        }
        feeds.addAll(endpoints);
        List<java.net.URI> urls = new ArrayList<>();
        for (HttpIngest h : endpoints) {
            try {
                urls.add(h.bind());
                err.println("gatehouse: listening on " + urls.getLast() + " (POST CloudTrail records; Ctrl-C to stop)");
            } catch (IOException e) {
                endpoints.forEach(HttpIngest::close);
                throw new InputException(Diagnostic.of("input_io_error", SourceSpan.at("--input", 1, 1),
                        "cannot listen on " + h.settings().endpoint().host() + ":" + h.settings().endpoint().port() + ": "
                                + e.getMessage(), "is another process on that port? pick another, or port 0 for any free one"));
            }
        }
        for (Path p : paths) {
            err.println("gatehouse: following " + p + " (every " + pollInterval + ", files settled for " + settle + ")");
        }

        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            runner.stop();
            try {
                done.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gatehouse-monitor-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        List<Diagnostic> problems = new ArrayList<>();
        try {
            MonitorRunner.Summary s = runner.runLive(feeds, idle, String.join("\n", inputs), d -> {
                synchronized (problems) {
                    problems.add(d);
                }
                err.print(d.render());
            });
            if (follower != null) {
                err.println("gatehouse: followed " + paths.size() + (paths.size() == 1 ? " path" : " paths") + ": "
                        + follower.filesRead() + " files read");
            }
            for (int i = 0; i < endpoints.size(); i++) {
                HttpIngest.Stats st = endpoints.get(i).stats();
                err.println("gatehouse: " + urls.get(i) + ": " + st.accepted() + " requests accepted (" + st.events()
                        + " events), " + st.refused() + " refused");
            }
            RunCommand.report(out, err, json, s, scope, null);
            out.flush();
            return problems.isEmpty() ? ExitCode.OK.code : ExitCode.INPUT_ERROR.code;
        } catch (UncheckedIOException e) {
            throw new InputException(Diagnostic.of("input_io_error", SourceSpan.at("--input", 1, 1),
                    "cannot start: " + e.getCause().getMessage(), "check the inputs"));
        } finally {
            // after the summary is printed: a shutdown hook waiting for this lets the process end only then
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and waits for the latch released above
            }
        }
    }

    private HttpIngest endpoint(String url) {
        HttpEndpoint e;
        try {
            e = HttpEndpoint.parse(url);
        } catch (IllegalArgumentException ex) {
            throw RunCommand.usage("--input", ex.getMessage(), "e.g. --input http://127.0.0.1:8514/events");
        }
        byte[] secret = secret();
        try {
            return new HttpIngest(new HttpIngest.Settings(e, allowRemote, secret, size(maxBody), 4));
        } catch (IllegalArgumentException ex) {
            throw RunCommand.usage(allowRemote ? "--http-token-file" : "--input", ex.getMessage(),
                    allowRemote ? "give --http-token-file FILE or $" + TOKEN_ENV
                            : "use 127.0.0.1 or [::1]; --http-allow-remote with --http-token-file accepts other senders");
        }
    }

    private byte[] secret() {
        String text;
        String from;
        if (tokenFile != null) {
            from = tokenFile;
            try {
                Path file = Context.resolve(tokenFile);
                text = Files.readString(file, StandardCharsets.UTF_8);
                if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                    var perms = Files.getPosixFilePermissions(file);
                    if (perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
                            || perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
                        Context.err().println("gatehouse: warning: " + tokenFile + " can be read by other users, who could then"
                                + " send events; chmod 600 it");
                    }
                }
            } catch (NoSuchFileException ex) {
                throw new InputException(Diagnostic.of("input_io_error", SourceSpan.at(tokenFile, 1, 1), "no such file",
                        "check the path of --http-token-file"));
            } catch (IOException ex) {
                throw new InputException(Diagnostic.of("input_io_error", SourceSpan.at(tokenFile, 1, 1),
                        "cannot read: " + ex.getMessage(), "check the path and its permissions"));
            }
        } else {
            from = "$" + TOKEN_ENV;
            text = System.getenv(TOKEN_ENV);
            if (text == null) {
                return null;
            }
        }
        String t = text.strip();
        if (t.isEmpty()) {
            throw RunCommand.usage(from, "the secret is empty", "put a long random string in it, e.g. openssl rand -hex 32");
        }
        if (t.length() < 16) {
            throw RunCommand.usage(from, "the secret is shorter than 16 characters", "use a long random string, e.g. openssl rand -hex 32");
        }
        return t.getBytes(StandardCharsets.UTF_8);
    }

    private static Duration positive(String text, String flag) {
        Duration d = RunCommand.duration(text, flag);
        if (d.isZero()) {
            throw RunCommand.usage(flag, "must be more than 0", "e.g. 5s");
        }
        return d;
    }

    /** {@code 512k}, {@code 64m}, {@code 1g} or a number of bytes. */
    static long size(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                default -> 0;
            };
            if (n > 0 && n <= (Long.MAX_VALUE >> shift)) {
                return n << shift;
            }
        }
        throw RunCommand.usage("--http-max-body", "'" + text + "' is not a size", "e.g. 512k, 64m or 1g");
    }
}
