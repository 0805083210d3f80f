package gatehouse.secrets;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The real git executable for tests that build repositories in a temporary directory. */
public final class TestGit {
    private TestGit() {}

    /** Runs git in {@code dir} with a fixed identity and no signing; its output, stripped, or an IOException. */
    public static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Dev One", "-c", "user.email=dev@example.com",
                "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", "-c", "gc.auto=0"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("git " + String.join(" ", args) + ": " + out);
        }
        return out.strip();
    }

    /** The repository's pack files, in name order. */
    public static List<Path> packs(Path repo) throws IOException {
        try (Stream<Path> s = Files.list(repo.resolve(".git/objects/pack"))) {
            return s.filter(p -> p.toString().endsWith(".pack")).sorted().toList();
        }
    }

    /**
     * Flips the bits of one byte {@code into} bytes past the start of object {@code id}'s entry in the repository's
     * only pack, and returns that entry's offset.
     */
    public static long damage(Path repo, String id, int into) throws Exception {
        Path pack = packs(repo).get(0);
        long offset = -1;
        for (String line : git(repo, "verify-pack", "-v", pack.toString().replace(".pack", ".idx")).split("\n")) {
            if (line.startsWith(id)) {
                offset = Long.parseLong(line.trim().split("\\s+")[4]);
            }
        }
        if (offset < 0) {
            throw new IllegalStateException(id + " is not in " + pack);
        }
        pack.toFile().setWritable(true);
        try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
            f.seek(offset + into);
            int b = f.read();
            f.seek(offset + into);
            f.write(b ^ 0x5a);
        }
        return offset;
    }
}
