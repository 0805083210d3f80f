package gatehouse.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.secrets.detect.Checksums;
import gatehouse.secrets.detect.Detector;
import gatehouse.secrets.rules.GitleaksConfig;
import gatehouse.secrets.scan.SecretsScanner;
import gatehouse.secrets.scan.SecretsScanner.Hit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets in real git repositories made in a temporary directory, driven by the real git executable. */
class GitScanTest {
    @TempDir
    Path dir;
    Path repo;

    static final String AWS = "AKIAZ3MSJV4WPQ7HLK2N";
    static final String SLACK = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
    static final String GH = Checksums.make("ghp_", "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0");
    static final String DB = "postgres://app:Xk9mP2vL5nQ8wR@db.internal:5432/app";

    final SecretsScanner scanner = new SecretsScanner(new Detector(GitleaksConfig.defaults()),
            new SecretsScanner.Options(1 << 20, 2, null));

    static String git(Path dir, String... args) throws IOException, InterruptedException {
        return TestGit.git(dir, args);
    }

    void commit(String path, String content, String message) throws Exception {
        Path f = repo.resolve(path);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        git(repo, "add", path);
        git(repo, "commit", "-q", "-m", message);
    }

    @BeforeEach
    void init() throws Exception {
        repo = Files.createDirectories(dir.resolve("repo"));
        git(repo, "init", "-q");
    }

    static List<String> rules(List<Hit> hits) {
        return hits.stream().map(h -> h.match().rule().id() + "@" + h.match().path() + ":" + h.match().line()).toList();
    }

    @Test
    void historyFindsPresentDeletedMessageOnlyAndOtherBranchSecretsOnceEach() throws Exception {
        commit("app/config.py", "import os\nAWS_KEY = \"" + AWS + "\"\n", "add config");
        commit("app/config.py", "import os\nAWS_KEY = \"" + AWS + "\"\nDEBUG = True\n", "debug flag");
        commit("app/config.py", "# header\nimport os\nAWS_KEY = \"" + AWS + "\"\nDEBUG = False\n", "more edits");
        commit("ci/deploy.yml", "steps:\n  - run: curl -H 'token: " + GH + "'\n", "deploy");
        git(repo, "rm", "-q", "ci/deploy.yml");
        git(repo, "commit", "-q", "-m", "remove deploy");
        git(repo, "commit", "-q", "--allow-empty", "-m", "rotate creds\n\nold db was " + DB);
        git(repo, "checkout", "-q", "-b", "feature");
        commit("notify.sh", "SLACK=\"" + SLACK + "\"\n", "notify");
        git(repo, "checkout", "-q", "main");
        Files.write(repo.resolve("blob.bin"), new byte[] {0, 1, 2, 'A', 'K', 'I', 'A'});
        git(repo, "add", "blob.bin");
        git(repo, "commit", "-q", "-m", "binary");

        SecretsScanner.Result r = scanner.scanHistory(repo, List.of());
        assertThat(r.errors()).isEmpty();
        assertThat(r.commits()).isEqualTo(8);
        assertThat(rules(r.hits())).containsExactlyInAnyOrder(
                "aws-access-token@app/config.py:2", "github-pat@ci/deploy.yml:2", "db-connection-url@commit message:3",
                "slack-bot-token@notify.sh:1");
        Hit aws = r.hits().stream().filter(h -> h.match().rule().id().equals("aws-access-token")).findFirst().orElseThrow();
        assertThat(aws.origin().commit()).isEqualTo(git(repo, "rev-list", "--max-parents=0", "HEAD"));
        assertThat(aws.origin().author()).isEqualTo("Dev One");
        Hit message = r.hits().stream().filter(h -> h.origin().kind().equals("message")).findFirst().orElseThrow();
        assertThat(message.origin().commit()).isEqualTo(git(repo, "rev-parse", "HEAD~1"));
    }

    @Test
    void aRangeReportsOnlyWhatItsCommitsIntroduced() throws Exception {
        commit("a.py", "KEY = \"" + AWS + "\"\n", "old secret");
        String base = git(repo, "rev-parse", "HEAD");
        commit("a.py", "KEY = \"" + AWS + "\"\nX = 1\n", "unrelated edit");
        commit("b.py", "SLACK = \"" + SLACK + "\"\n", "new secret");
        SecretsScanner.Result r = scanner.scanHistory(repo, List.of(base + "..HEAD"));
        assertThat(rules(r.hits())).containsExactly("slack-bot-token@b.py:1");
    }

    @Test
    void stagedScanSeesOnlyWhatTheCommitAdds() throws Exception {
        commit("a.py", "KEY = \"" + AWS + "\"\n", "old secret");
        Files.writeString(repo.resolve("a.py"), "KEY = \"" + AWS + "\"\nTOKEN = \"" + GH + "\"\n");
        Files.writeString(repo.resolve("unstaged.py"), "SLACK = \"" + SLACK + "\"\n");
        git(repo, "add", "a.py");
        SecretsScanner.Result r = scanner.scanStaged(repo);
        assertThat(rules(r.hits())).containsExactly("github-pat@a.py:2");
    }

    @Test
    void stagedScanWorksBeforeTheFirstCommit() throws Exception {
        Files.writeString(repo.resolve("first.py"), "KEY = \"" + AWS + "\"\n");
        git(repo, "add", "first.py");
        assertThat(rules(scanner.scanStaged(repo).hits())).containsExactly("aws-access-token@first.py:1");
    }

    @Test
    void emptyShallowDetachedAndCorruptRepositoriesAreHandled() throws Exception {
        SecretsScanner.Result empty = scanner.scanHistory(repo, List.of());
        assertThat(empty.hits()).isEmpty();
        assertThat(empty.notes()).anyMatch(n -> n.contains("no commits"));

        commit("a.py", "KEY = \"" + AWS + "\"\n", "one");
        commit("b.py", "SLACK = \"" + SLACK + "\"\n", "two");
        git(repo, "checkout", "-q", "--detach", "HEAD~1");
        assertThat(rules(scanner.scanHistory(repo, List.of()).hits())).hasSize(2);

        Path shallow = dir.resolve("shallow");
        git(dir, "clone", "-q", "--depth", "1", "file://" + repo.toAbsolutePath(), shallow.toString());
        SecretsScanner.Result sh = scanner.scanHistory(shallow, List.of());
        assertThat(sh.notes()).anyMatch(n -> n.contains("shallow"));
        assertThat(sh.errors()).isEmpty();

        // corrupt: remove the loose object of a.py's blob; the rest of the scan goes on
        String blob = git(repo, "rev-parse", "HEAD:a.py");
        Path obj = repo.resolve(".git/objects/" + blob.substring(0, 2) + "/" + blob.substring(2));
        Files.delete(obj);
        SecretsScanner.Result broken = scanner.scanHistory(repo, List.of());
        assertThat(broken.errors()).anyMatch(e -> e.contains("a.py") && e.contains("missing or corrupt"));
        assertThat(rules(broken.hits())).containsExactly("slack-bot-token@b.py:1");
    }


    @Test
    void aDamagedObjectInAPackIsReportedAndTheRestIsScanned() throws Exception {
        commit("a.py", "KEY = \"" + AWS + "\"\n" + "# padding line to give the deflated data some length\n".repeat(40), "one");
        commit("b.py", "SLACK = \"" + SLACK + "\"\n", "two");
        git(repo, "repack", "-adfq", "--depth=0");
        TestGit.damage(repo, git(repo, "rev-parse", "HEAD:a.py"), 40);
        SecretsScanner.Result broken = scanner.scanHistory(repo, List.of());
        assertThat(broken.errors()).anyMatch(e -> e.contains("a.py") && e.contains("missing or corrupt"));
        assertThat(rules(broken.hits())).containsExactly("slack-bot-token@b.py:1");
    }
    @Test
    void treeScanRespectsGitignoreSkipsBinariesAndHugeFilesAndReadsInvalidUtf8() throws Exception {
        Files.writeString(repo.resolve(".gitignore"), "build/\n");
        Files.createDirectories(repo.resolve("build"));
        Files.writeString(repo.resolve("build/out.txt"), "KEY = \"" + AWS + "\"\n");
        Files.write(repo.resolve("latin1.txt"), ("caf\u00e9 = 1\nKEY = \"" + AWS + "\"\n").getBytes(StandardCharsets.ISO_8859_1));
        Files.write(repo.resolve("image.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 'A', 'K', 'I', 'A'});
        Files.writeString(repo.resolve("huge.log"), "x".repeat(2 << 20));
        SecretsScanner.Result r = scanner.scanTree(repo, false);
        assertThat(rules(r.hits())).containsExactly("aws-access-token@latin1.txt:2");
        assertThat(r.notes()).anyMatch(n -> n.startsWith("huge.log: skipped"));
        SecretsScanner.Result all = scanner.scanTree(repo, true);
        assertThat(rules(all.hits())).contains("aws-access-token@build/out.txt:1");
        try (Stream<String> s = all.scanned().stream()) {
            assertThat(s.noneMatch(f -> f.startsWith(".git/"))).isTrue();
        }
    }

    @Test
    void commitMessageFilesIgnoreCommentsAndTheScissors() throws Exception {
        Path msg = dir.resolve("COMMIT_EDITMSG");
        Files.writeString(msg, "fix login\n# token: " + SLACK + "\n# ------------------------ >8 ------------------------\n"
                + "diff --git a/x b/x\n+KEY = \"" + AWS + "\"\n");
        assertThat(scanner.scanMessageFile(msg).hits()).isEmpty();
        Files.writeString(msg, "fix login\n\nused " + SLACK + " to test\n");
        assertThat(rules(scanner.scanMessageFile(msg).hits())).containsExactly("slack-bot-token@COMMIT_EDITMSG:3");
    }
}
