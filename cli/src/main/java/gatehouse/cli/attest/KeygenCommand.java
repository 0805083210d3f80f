package gatehouse.cli.attest;

import gatehouse.cli.Context;
import gatehouse.cli.ExitCode;
import gatehouse.pipeline.attest.KeyType;
import gatehouse.pipeline.attest.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gatehouse keygen}: a signing key pair for attestations. The private key file is created with mode 0600
 * from the start (never briefly readable by others), and an existing key is never overwritten without
 * {@code --force}, since that would silently invalidate every attestation made with it.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Generates a signing key pair for attestations: NAME.key (PKCS#8 PEM, mode 0600) and NAME.pub "
                + "(X.509 SubjectPublicKeyInfo PEM), and prints the key id.", ""},
        footer = {"", "Examples:", "  gatehouse keygen -o release            # Ed25519: release.key, release.pub",
                "  gatehouse keygen --type ecdsa-p256 -o ci-signing",
                "", "Keep NAME.key secret (a CI secret: GATEHOUSE_SIGNING_KEY); give NAME.pub to verifiers.",
                "Exit codes: 0 written, 2 bad flags or the files exist or cannot be written."})
public final class KeygenCommand implements Callable<Integer> {
    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "ed25519",
            description = "ed25519 (default) or ecdsa-p256")
    String type;

    @Option(names = {"-o", "--output"}, paramLabel = "NAME", required = true,
            description = "Writes NAME.key and NAME.pub (a trailing .key or .pub is dropped)")
    String name;

    @Option(names = "--force", description = "Overwrite existing NAME.key and NAME.pub")
    boolean force;

    @Override
    public Integer call() {
        KeyType keyType;
        try {
            keyType = KeyType.parse(type);
        } catch (IllegalArgumentException e) {
            Context.err().println("gatehouse: keygen: " + e.getMessage());
            Context.err().println("  hint: --type ed25519 or --type ecdsa-p256");
            return ExitCode.INPUT_ERROR.code;
        }
        String base = name.endsWith(".key") || name.endsWith(".pub") ? name.substring(0, name.length() - 4) : name;
        Path key = Context.resolve(base + ".key");
        Path pub = Context.resolve(base + ".pub");
        try {
            if (!force) {
                for (Path p : new Path[] {key, pub}) {
                    if (Files.exists(p)) {
                        Context.err().println(p + ":1:1: error: already exists; a new key would invalidate what the old one signed");
                        Context.err().println("  hint: choose another name, or pass --force to replace it");
                        return ExitCode.INPUT_ERROR.code;
                    }
                }
            }
            KeyPair kp = Keys.generate(keyType);
            Files.deleteIfExists(key);
            try {
                Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(key);
            }
            Files.writeString(key, Keys.privatePem(kp.getPrivate()), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
            Files.writeString(pub, Keys.publicPem(kp.getPublic()), StandardCharsets.US_ASCII);
            Context.out().println("wrote " + key + " (private, " + keyType.id() + ", mode 0600) and " + pub);
            Context.out().println("keyid " + Keys.keyid(kp.getPublic()));
            return ExitCode.OK.code;
        } catch (FileAlreadyExistsException e) {
            Context.err().println(key + ":1:1: error: already exists");
            Context.err().println("  hint: choose another name, or pass --force to replace it");
            return ExitCode.INPUT_ERROR.code;
        } catch (IOException e) {
            Context.err().println("gatehouse: keygen: cannot write " + base + ".key/.pub: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
            Context.err().println("  hint: check that the directory exists and is writable");
            return ExitCode.INPUT_ERROR.code;
        }
    }
}
