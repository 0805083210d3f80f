package gatehouse.cli.attest;

import gatehouse.cli.Context;
import gatehouse.cli.ExitCode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.pipeline.attest.AttestationFile;
import gatehouse.pipeline.attest.Keys;
import gatehouse.pipeline.attest.TrustedKey;
import gatehouse.pipeline.attest.Verification;
import gatehouse.pipeline.attest.Verifier;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse verify}: checks an attestation's signature against trusted public keys and each artifact's
 * digest against its subject. Exit 0 verified, 1 verification failed (one line per reason), 2 input error.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verifies artifacts against a signed attestation: the DSSE signature must be from a trusted key, "
                + "the payload an in-toto statement, and each artifact's SHA-256 equal to its subject's.", ""},
        footer = {"", "Examples:",
                "  gatehouse verify --attestation app.intoto.jsonl --public-key release.pub build/app.jar",
                "  gatehouse verify --attestation dist.intoto.jsonl --public-key old.pub --public-key new.pub dist/",
                "", "Artifacts are matched to subjects by file name (a directory by NAME/).",
                "Exit codes: 0 verified, 1 verification failed, 2 bad flags, missing or malformed file, unusable key."})
public final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--attestation", paramLabel = "FILE", required = true, description = "The .intoto.jsonl file (one DSSE envelope)")
    String attestation;

    @Option(names = "--public-key", paramLabel = "FILE", required = true,
            description = "A trusted public key, PEM (repeatable; any one suffices)")
    List<String> publicKeys = new ArrayList<>();

    @Parameters(paramLabel = "ARTIFACT", arity = "1..*", description = "Files or directories to check")
    List<String> artifacts = new ArrayList<>();

    @Override
    public Integer call() {
        PrintStream out = Context.out();
        PrintStream err = Context.err();
        try {
            List<TrustedKey> trusted = new ArrayList<>();
            for (String k : publicKeys) {
                trusted.add(Keys.publicKey(Context.resolve(k)));
            }
            Path file = Context.resolve(attestation);
            List<AttestationFile.Entry> entries = AttestationFile.read(file);
            if (entries.size() > 1) {
                throw new InputException(Diagnostic.of("attest_envelope_error", SourceSpan.at(attestation, entries.get(1).line(), 1),
                        "the file holds " + entries.size() + " envelopes; verify expects one",
                        "split it into one file per envelope (gatehouse attest writes one)"));
            }
            List<Path> paths = new ArrayList<>();
            for (String a : artifacts) {
                Path p = Context.resolve(a);
                if (!Files.exists(p)) {
                    throw new InputException(Diagnostic.of("attest_artifact_error", SourceSpan.at(a, 1, 1), "no such artifact",
                            "check the path; artifacts are files or directories"));
                }
                paths.add(p);
            }
            AttestationFile.Entry entry = entries.get(0);
            Verification v = Verifier.verify(entry.envelope(), trusted, paths.toArray(Path[]::new));
            if (!v.verified()) {
                for (Verification.Failure f : v.failures()) {
                    err.println(attestation + ":" + entry.line() + ": verification failed: " + shown(f.message()));
                }
                err.println("gatehouse: verify: FAILED (" + v.failures().size() + (v.failures().size() == 1 ? " problem)" : " problems)"));
                return ExitCode.GATE_FAILED.code;
            }
            for (Verification.Match m : v.matched()) {
                out.println("verified " + m.subject().name() + "  " + m.subject().shortDigest());
            }
            TrustedKey by = v.signedBy().get(0);
            out.println("signed by trusted key " + by.shortId() + " (" + by.type().id() + ", " + by.source() + ")"
                    + v.statement().flatMap(s -> s.builderId()).map(b -> "; builder " + b).orElse("")
                    + "; predicate " + v.statement().orElseThrow().predicateType());
            return ExitCode.OK.code;
        } catch (InputException e) {
            err.print(Diagnostic.renderAll(e.diagnostics()));
            return ExitCode.INPUT_ERROR.code;
        }
    }

    /** Absolute paths from {@link Context#resolve} shown as the user typed them. */
    private String shown(String message) {
        String base = Context.baseDir().toString();
        if (base.isEmpty()) {
            return message;
        }
        return artifacts.stream().reduce(message, (m, a) -> m.replace(Context.resolve(a).toString(), a), (x, y) -> x);
    }

}
