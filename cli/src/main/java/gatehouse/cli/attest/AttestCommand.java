package gatehouse.cli.attest;

import gatehouse.cli.Context;
import gatehouse.cli.ExitCode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.pipeline.attest.AttestationFile;
import gatehouse.pipeline.attest.Attestor;
import gatehouse.pipeline.attest.Envelope;
import gatehouse.pipeline.attest.Keys;
import gatehouse.pipeline.attest.Provenance;
import gatehouse.pipeline.attest.ResourceDescriptor;
import gatehouse.pipeline.attest.Signer;
import gatehouse.pipeline.attest.Statement;
import gatehouse.pipeline.attest.Subject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse attest}: signs SLSA provenance for artifacts into a DSSE envelope, one JSON line. The key comes
 * from {@code --key} or the environment ({@code GATEHOUSE_SIGNING_KEY_FILE}, {@code GATEHOUSE_SIGNING_KEY}); it is
 * never printed, and neither is anything derived from it except the public key id.
 */
@Command(name = "attest", mixinStandardHelpOptions = true,
        description = {"Signs provenance for artifacts: an in-toto Statement v1 with a SLSA Provenance v1 predicate, in a "
                + "DSSE envelope, written as one JSON line. Prints each subject's digest.", ""},
        footer = {"", "Examples:",
                "  gatehouse attest --key release.key -o app.intoto.jsonl build/app.jar",
                "  GATEHOUSE_SIGNING_KEY=\"$KEY_PEM\" gatehouse attest --builder-id https://ci.example.com/runner \\",
                "      --param ref=refs/heads/main --param commit=$SHA -o dist.intoto.jsonl dist/",
                "", "The key: --key FILE, else $GATEHOUSE_SIGNING_KEY_FILE (a path), else $GATEHOUSE_SIGNING_KEY (the PEM).",
                "A directory is attested by the digest of its manifest (see docs/attestations.md).",
                "Exit codes: 0 written, 2 bad flags, missing artifact or unusable key."})
public final class AttestCommand implements Callable<Integer> {
    @Option(names = "--key", paramLabel = "FILE", description = "PKCS#8 PEM private key (Ed25519 or ECDSA P-256)")
    String key;

    @Option(names = "--builder-id", paramLabel = "URI", description = "Who built it (absolute URI); default "
            + Provenance.LOCAL_BUILDER_ID)
    String builderId = Provenance.LOCAL_BUILDER_ID;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "An external parameter of the build (repeatable)")
    List<String> params = new ArrayList<>();

    @Option(names = "--dependency", paramLabel = "PATH", description = "A file or directory the build used, recorded with "
            + "its digest in resolvedDependencies (repeatable)")
    List<String> dependencies = new ArrayList<>();

    @Option(names = "--invocation-id", paramLabel = "ID", description = "The build's run id (default: a random UUID)")
    String invocationId;

    @Option(names = "--started-on", paramLabel = "TIME", description = "When the build started, RFC 3339 (default: now)")
    String startedOn;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", required = true,
            description = "The attestation file (.intoto.jsonl); '-' writes the envelope to stdout")
    String output;

    @Parameters(paramLabel = "ARTIFACT", arity = "1..*", description = "Files or directories to attest")
    List<String> artifacts = new ArrayList<>();

    @Override
    public Integer call() {
        PrintStream err = Context.err();
        boolean toStdout = output.equals("-");
        PrintStream report = toStdout ? err : Context.out();
        try {
            Provenance.Builder p = Provenance.builder(checkUri(builderId));
            Map<String, String> external = new LinkedHashMap<>();
            for (String kv : params) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    return usage("--param " + kv + " is not KEY=VALUE", "for example --param ref=refs/heads/main");
                }
                if (external.put(kv.substring(0, eq), kv.substring(eq + 1)) != null) {
                    return usage("--param " + kv.substring(0, eq) + " is given twice", "give each parameter once");
                }
            }
            external.forEach(p::externalParameter);
            for (String d : dependencies) {
                Path dp = Context.resolve(d);
                if (!Files.exists(dp)) {
                    throw new InputException(Diagnostic.of("attest_artifact_error", gatehouse.core.SourceSpan.at(d, 1, 1),
                            "no such dependency", "check the --dependency path"));
                }
                p.resolvedDependency(ResourceDescriptor.of(dp));
            }
            if (invocationId != null) {
                p.invocationId(invocationId);
            }
            if (startedOn != null) {
                Instant start;
                try {
                    start = Instant.parse(startedOn);
                } catch (DateTimeParseException e) {
                    return usage("--started-on " + startedOn + " is not an RFC 3339 time in UTC", "for example 2025-03-01T10:00:00Z");
                }
                if (start.isAfter(Instant.now())) {
                    return usage("--started-on " + startedOn + " is in the future", "give the time the build started");
                }
                p.startedOn(start);
            }
            Provenance provenance = p.build();
            Optional<Signer> signer = key != null ? Optional.of(Keys.signer(Context.resolve(key)))
                    : Keys.signerFromEnvironment(System.getenv(), Context.baseDir());
            if (signer.isEmpty()) {
                return usage("no signing key: give --key FILE, or set " + Keys.ENV_KEY_FILE + " or " + Keys.ENV_KEY,
                        "create one with: gatehouse keygen -o NAME");
            }
            List<Path> paths = artifacts.stream().map(Context::resolve).toList();
            Statement statement = Attestor.statement(paths, provenance, Clock.systemUTC());
            Envelope envelope = Attestor.sign(statement, signer.get());
            if (toStdout) {
                Context.out().println(envelope.toJson());
            } else {
                AttestationFile.write(Context.resolve(output), envelope);
            }
            for (Subject s : statement.subjects()) {
                report.println("sha256:" + s.sha256() + "  " + s.name());
            }
            report.println("signed " + statement.subjects().size() + (statement.subjects().size() == 1 ? " subject" : " subjects")
                    + " with " + signer.get().type().id() + " key " + Keys.shortId(signer.get().keyid())
                    + (toStdout ? "" : "; wrote " + output));
            return ExitCode.OK.code;
        } catch (InputException e) {
            err.print(Diagnostic.renderAll(e.diagnostics()));
            return ExitCode.INPUT_ERROR.code;
        } catch (IOException e) {
            err.println("gatehouse: attest: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            err.println("  hint: check that the artifacts are readable and the output directory exists");
            return ExitCode.INPUT_ERROR.code;
        }
    }

    private String checkUri(String uri) {
        if (!Provenance.isAbsoluteUri(uri)) {
            throw new InputException(Diagnostic.of("attest_usage_error", null, "--builder-id " + uri + " is not an absolute URI",
                    "for example https://ci.example.com/runners/linux-1"));
        }
        return uri;
    }

    private static int usage(String message, String hint) {
        Context.err().println("gatehouse: attest: " + message);
        Context.err().println("  hint: " + hint);
        return ExitCode.INPUT_ERROR.code;
    }
}
