package gatehouse.cli.pipeline;

import gatehouse.cli.Context;
import gatehouse.cli.ExitCode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.pipeline.model.PipelineLoader;
import gatehouse.pipeline.model.PipelineSpec;
import gatehouse.pipeline.secrets.SecretsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse secrets-file}: the pipeline's encrypted secrets (AES-256-GCM, key from
 * {@code GATEHOUSE_SECRETS_KEY} or {@code GATEHOUSE_SECRETS_KEY_FILE}). Values are read from standard input and
 * never printed; {@code list} shows names only.
 */
@Command(name = "secrets-file", mixinStandardHelpOptions = true,
        description = "Keeps pipeline secrets encrypted in the repository (AES-256-GCM); the key stays outside it.",
        subcommands = {SecretsFileCommand.Keygen.class, SecretsFileCommand.Set.class, SecretsFileCommand.Remove.class,
                SecretsFileCommand.List.class},
        footer = {"", "Example:", "  export GATEHOUSE_SECRETS_KEY=$(gatehouse secrets-file keygen)",
                "  printf %s \"$DB_PASSWORD\" | gatehouse secrets-file set db_password",
                "  # gatehouse.yml:  secrets: {DB_PASSWORD: {file: db_password}}"})
public final class SecretsFileCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(Context.out());
    }

    abstract static class Base implements Callable<Integer> {
        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The pipeline file (default: ./gatehouse.yml)")
        String file;

        PipelineSpec spec() {
            String name = file == null ? PipelineLoader.FILE_NAME : file;
            return PipelineLoader.load(Context.resolve(name), name);
        }

        static byte[] key() throws IOException {
            byte[] k = SecretsFile.key(System.getenv());
            if (k == null) {
                throw new IOException("no key: set " + SecretsFile.ENV_KEY + " or " + SecretsFile.ENV_KEY_FILE
                        + " (make one with: gatehouse secrets-file keygen)");
            }
            return k;
        }

        @Override
        public Integer call() {
            try {
                return execute();
            } catch (InputException e) {
                Context.err().print(Diagnostic.renderAll(e.diagnostics()));
                return ExitCode.INPUT_ERROR.code;
            } catch (IOException e) {
                Context.err().println("gatehouse: error: " + e.getMessage());
                return ExitCode.INPUT_ERROR.code;
            }
        }

        abstract int execute() throws IOException;

        /** Reads the file, lets {@code change} edit the secrets, writes them back under a fresh nonce. */
        static void edit(PipelineSpec spec, byte[] key, Edit change) throws IOException {
            Map<String, String> all = SecretsFile.read(spec.secretsFile(), key);
            change.apply(all);
            SecretsFile.write(spec.secretsFile(), key, all);
        }

        @FunctionalInterface
        interface Edit {
            void apply(Map<String, String> secrets) throws IOException;
        }
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true, description = "Prints a new random key (base64).")
    static final class Keygen extends Base {
        @Override
        int execute() {
            Context.out().println(SecretsFile.newKey());
            return ExitCode.OK.code;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Sets NAME to the value read from standard input.")
    static final class Set extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int execute() throws IOException {
            PipelineSpec spec = spec();
            byte[] key = key();
            String value = new String(Context.in().readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
            if (value.isEmpty()) {
                throw new IOException("no value on standard input for " + name);
            }
            edit(spec, key, all -> all.put(name, value));
            Context.err().println("set " + name + " in " + spec.baseDir().relativize(spec.secretsFile()));
            return ExitCode.OK.code;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes NAME.")
    static final class Remove extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int execute() throws IOException {
            PipelineSpec spec = spec();
            byte[] key = key();
            edit(spec, key, all -> {
                if (all.remove(name) == null) {
                    throw new IOException("no secret " + name + " in " + spec.baseDir().relativize(spec.secretsFile()));
                }
            });
            return ExitCode.OK.code;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the names (never the values).")
    static final class List extends Base {
        @Override
        int execute() throws IOException {
            PipelineSpec spec = spec();
            SecretsFile.read(spec.secretsFile(), key()).keySet().forEach(Context.out()::println);
            return ExitCode.OK.code;
        }
    }
}
