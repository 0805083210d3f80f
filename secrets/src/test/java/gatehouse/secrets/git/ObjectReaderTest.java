package gatehouse.secrets.git;

import static gatehouse.secrets.TestGit.damage;
import static gatehouse.secrets.TestGit.git;
import static gatehouse.secrets.TestGit.packs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gatehouse.secrets.git.CatFile.GitObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The object reader against git itself: every object of real repositories made here, in each layout git writes
 * (loose, packed with offset deltas, deep delta chains, reference deltas, index version 1, several packs with loose
 * objects beside them, an alternate object directory), must read back with the type, size and bytes
 * {@code git cat-file --batch} gives. Damaged data must be refused, never read as something else.
 */
class ObjectReaderTest {
    @TempDir
    Path dir;

    /**
     * A history of {@code commits} commits editing a few files as people do (lines inserted, changed and removed,
     * a file that grows past the reader's 64 KiB window, a binary file, an empty one), so that git's packs hold
     * deltas in both directions and objects larger than one read.
     */
    static Path history(Path dir, String name, int commits, long seed) throws Exception {
        Path repo = Files.createDirectories(dir.resolve(name));
        git(repo, "init", "-q");
        Random r = new Random(seed);
        List<List<String>> files = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                lines.add(line(r));
            }
            files.add(lines);
        }
        Files.write(repo.resolve("empty.txt"), new byte[0]);
        for (int c = 0; c < commits; c++) {
            for (int f = 0; f < files.size(); f++) {
                List<String> lines = files.get(f);
                int edits = 1 + r.nextInt(4);
                for (int e = 0; e < edits; e++) {
                    int at = r.nextInt(lines.size() + 1);
                    switch (r.nextInt(3)) {
                        case 0 -> lines.add(at, line(r));
                        case 1 -> { if (at < lines.size()) lines.set(at, line(r)); }
                        default -> { if (at < lines.size() && lines.size() > 5) lines.remove(at); }
                    }
                }
                if (f == 0) {
                    for (int k = 0; k < 60; k++) {
                        lines.add(line(r)); // grows past 64 KiB
                    }
                }
                Files.writeString(repo.resolve("file" + f + ".txt"), String.join("\n", lines) + "\n");
            }
            byte[] bin = new byte[2000 + r.nextInt(3000)];
            r.nextBytes(bin);
            Files.write(repo.resolve("data.bin"), bin);
            git(repo, "add", "-A");
            git(repo, "commit", "-q", "-m", "change " + c);
        }
        return repo;
    }

    private static String line(Random r) {
        StringBuilder sb = new StringBuilder();
        int words = 3 + r.nextInt(10);
        for (int w = 0; w < words; w++) {
            sb.append("word").append(r.nextInt(500)).append(' ');
        }
        return sb.toString();
    }

    /** Reads every object of the repository both ways; returns how many it compared. */
    static int assertSameAsGit(Path repo) throws Exception {
        Git g = new Git(repo);
        String[] ids = g.runText("cat-file", "--batch-all-objects", "--batch-check=%(objectname)").split("\n");
        assertThat(ids.length).isGreaterThan(3);
        try (ObjectReader reader = ObjectReader.open(g, 1 << 20); CatFile cat = new CatFile(g)) {
            assertThat(reader).as("a SHA-1 repository is read directly").isNotNull();
            for (String id : ids) {
                cat.request(id);
                cat.flush();
                GitObject want = cat.next(Long.MAX_VALUE);
                GitObject got = reader.read(id, Long.MAX_VALUE);
                assertThat(got).as(id).isNotNull();
                assertThat(got.type()).as(id).isEqualTo(want.type());
                assertThat(got.size()).as(id).isEqualTo(want.size());
                assertThat(Arrays.equals(got.content(), want.content())).as("content of " + id).isTrue();
            }
        }
        return ids.length;
    }

    @Test
    void looseObjectsReadAsGitReadsThem() throws Exception {
        Path repo = history(dir, "loose", 6, 1);
        assertThat(packs(repo)).isEmpty();
        assertSameAsGit(repo);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "repack -adq",                                                   // offset deltas, git's defaults
        "repack -adfq --depth=250 --window=250",                         // long delta chains
        "-c repack.useDeltaBaseOffset=false repack -adfq",               // reference deltas
        "-c pack.indexVersion=1 repack -adfq",                           // index version 1
        "-c pack.compression=0 repack -adfq",                            // stored, not compressed
    })
    void packedObjectsReadAsGitReadsThem(String repack) throws Exception {
        Path repo = history(dir, "packed", 40, 2);
        git(repo, repack.split(" "));
        assertThat(packs(repo)).hasSize(1);
        assertThat(Files.list(repo.resolve(".git/objects")).filter(p -> p.getFileName().toString().length() == 2))
                .as("no loose objects left").isEmpty();
        assertThat(assertSameAsGit(repo)).isGreaterThan(150);
    }

    @Test
    void severalPacksLooseObjectsAndAnAlternateTogether() throws Exception {
        Path origin = history(dir, "origin", 15, 3);
        git(origin, "repack", "-adq");
        Path clone = dir.resolve("clone");
        git(dir, "clone", "-q", "--shared", origin.toString(), clone.toString());
        assertThat(Files.readString(clone.resolve(".git/objects/info/alternates"))).contains("origin");
        for (int i = 0; i < 3; i++) {
            Files.writeString(clone.resolve("file0.txt"), "clone edit " + i + "\n", java.nio.file.StandardOpenOption.APPEND);
            git(clone, "commit", "-qam", "edit " + i);
            if (i < 2) {
                git(clone, "repack", "-q", "-l"); // a new pack of only what is local, beside the older ones
            }
        }
        assertThat(packs(clone)).hasSize(2);
        assertSameAsGit(clone);
    }

    @Test
    void aReaderOpenedFromASubdirectoryOrALinkedWorktreeFindsTheObjects() throws Exception {
        Path repo = history(dir, "sub", 3, 7);
        git(repo, "repack", "-adq");
        Path sub = Files.createDirectories(repo.resolve("deep/er"));
        Path linked = dir.resolve("linked");
        git(repo, "worktree", "add", "-q", linked.toString());
        String id = new Git(repo).runText("rev-parse", "HEAD:file1.txt").strip();
        String want = new Git(repo).runText("cat-file", "blob", id);
        for (Path from : List.of(sub, linked)) {
            Git.Info info = new Git(from).info();
            assertThat(info).isNotNull();
            assertThat(info.shallow()).isFalse();
            try (ObjectReader reader = ObjectReader.open(info, 1 << 20)) {
                assertThat(reader).as(from.toString()).isNotNull();
                assertThat(new String(reader.read(id, Long.MAX_VALUE).content(), StandardCharsets.UTF_8)).isEqualTo(want);
            }
        }
        assertThat(new Git(dir).info()).as("not a repository").isNull();
    }

    @Test
    void packsBeyondTheDirectLimitAreLeftToGit() throws Exception {
        Path repo = history(dir, "many", 1, 8);
        git(repo, "repack", "-adq");
        Path packDir = repo.resolve(".git/objects/pack");
        // many small packs, as a repository that fetched often and never repacked has
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < ObjectReader.MAX_PACKS + 5; i++) {
            Path f = repo.resolve("p" + i + ".txt");
            Files.writeString(f, "pack " + i + "\n");
            ids.add(git(repo, "hash-object", "-w", f.toString()));
        }
        for (int i = 0; i < ids.size(); i++) {
            Path list = dir.resolve("list");
            Files.writeString(list, ids.get(i) + "\n");
            Process p = new ProcessBuilder("git", "pack-objects", "-q", packDir.resolve("pack").toString())
                    .directory(repo.toFile()).redirectInput(list.toFile()).start();
            p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).isZero();
        }
        git(repo, "prune-packed");
        Git g = new Git(repo);
        int fromReader = 0;
        try (ObjectReader reader = ObjectReader.open(g, 1 << 20)) {
            for (String id : ids) {
                if (reader.read(id, 1 << 20) != null) {
                    fromReader++;
                }
            }
        }
        assertThat(fromReader).isLessThan(ids.size()).isGreaterThanOrEqualTo(ObjectReader.MAX_PACKS - 1);
        try (ObjectQueue q = new ObjectQueue(g)) {
            for (String id : ids) {
                q.request(id);
            }
            q.finishRequests();
            for (int i = 0; i < ids.size(); i++) {
                assertThat(new String(q.next(1 << 20).content(), StandardCharsets.UTF_8)).isEqualTo("pack " + i + "\n");
            }
            assertThat(q.fromGit()).isEqualTo(ids.size() - fromReader);
        }
    }

    @Test
    void anObjectOverTheSizeLimitComesWithoutItsContent() throws Exception {
        Path repo = history(dir, "big", 3, 4);
        git(repo, "repack", "-adq");
        Git g = new Git(repo);
        String big = g.runText("rev-parse", "HEAD:file0.txt").strip();
        String small = g.runText("rev-parse", "HEAD:empty.txt").strip();
        try (ObjectReader reader = ObjectReader.open(g, 1 << 20)) {
            GitObject o = reader.read(big, 1000);
            assertThat(o.content()).isNull();
            assertThat(o.size()).isEqualTo(Long.parseLong(g.runText("cat-file", "-s", big).strip()));
            assertThat(reader.read(small, 1000).content()).isEmpty();
            assertThat(reader.read("0123456789012345678901234567890123456789", 1000)).as("not here").isNull();
            assertThat(reader.read("not-an-id", 1000)).isNull();
        }
    }

    @Test
    void aDamagedObjectIsRefusedNotMisread() throws Exception {
        Path repo = history(dir, "damaged", 5, 5);
        git(repo, "-c", "pack.compression=9", "repack", "-adfq", "--depth=0"); // every object whole: one stream each
        Git g = new Git(repo);
        String id = g.runText("rev-parse", "HEAD:file0.txt").strip();
        long offset = damage(repo, id, 200); // inside the object's deflated data
        try (ObjectReader reader = ObjectReader.open(g, 1 << 20)) {
            assertThatThrownBy(() -> reader.read(id, Long.MAX_VALUE)).isInstanceOf(IOException.class)
                    .hasMessageContaining("object at offset " + offset + ": bad zlib stream");
        }
        // the queue falls back to git, which reports what it reports for such an object
        try (ObjectQueue q = new ObjectQueue(g)) {
            q.request(id);
            q.finishRequests();
            GitObject viaGit = q.next(Long.MAX_VALUE);
            assertThat(q.fromGit()).isEqualTo(1);
            assertThat(viaGit.type()).isIn("missing", "blob");
            assertThat(q.next(Long.MAX_VALUE)).isNull();
        }
    }

    @Test
    void aRepositoryWithSha256NamesIsLeftToGit() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("sha256"));
        try {
            git(repo, "init", "-q", "--object-format=sha256");
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("this git cannot make a SHA-256 repository: " + e.getMessage());
        }
        Files.writeString(repo.resolve("a.txt"), "hello\n");
        git(repo, "add", "a.txt");
        git(repo, "commit", "-q", "-m", "one");
        Git g = new Git(repo);
        assertThat(ObjectReader.open(g, 1 << 20)).isNull();
        try (ObjectQueue q = new ObjectQueue(g)) {
            assertThat(q.direct()).isFalse();
            String id = g.runText("rev-parse", "HEAD:a.txt").strip();
            q.request(id);
            q.finishRequests();
            assertThat(new String(q.next(100).content(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
        }
    }

    @Test
    void objectsMissingHereAreAnsweredByGitInRequestOrder() throws Exception {
        Path repo = history(dir, "mixed", 3, 6);
        Git g = new Git(repo);
        String a = g.runText("rev-parse", "HEAD:file1.txt").strip();
        String b = g.runText("rev-parse", "HEAD:file2.txt").strip();
        String gone = "1111111111111111111111111111111111111111";
        try (ObjectQueue q = new ObjectQueue(g)) {
            assertThat(q.direct()).isTrue();
            for (String id : List.of(a, gone, b)) {
                q.request(id);
            }
            q.finishRequests();
            assertThat(q.next(1 << 20).oid()).isEqualTo(a);
            GitObject missing = q.next(1 << 20);
            assertThat(missing.oid()).isEqualTo(gone);
            assertThat(missing.type()).isEqualTo("missing");
            assertThat(q.next(1 << 20).oid()).isEqualTo(b);
            assertThat(q.next(1 << 20)).isNull();
            assertThat(q.fromGit()).isEqualTo(1);
        }
    }
}
