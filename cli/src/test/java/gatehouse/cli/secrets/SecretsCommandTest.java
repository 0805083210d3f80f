package gatehouse.cli.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.cli.Cli;
import gatehouse.secrets.detect.Checksums;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse secrets} and {@code gatehouse hooks} end to end on a real git repository made in a temporary
 * directory: exit codes, every report format, and the one promise that matters most — no secret ever appears in
 * clear in anything Gatehouse writes.
 */
class SecretsCommandTest {
    @TempDir
    Path dir;
    Path repo;

    static final String AWS_ID = "AKIAZ3MSJV4WPQ7HLK2N";
    static final String AWS_SECRET = "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";
    static final String GH = Checksums.make("ghp_", "Zq4Wm8Rt2Yp6Ux1Ks5Nv9Bc3Hj7Lf0");
    static final String SLACK = "xoxb-482915736051-2859174630512-Qm7Rw2Tz9Kx4Vb8Np3Lc6Hd1";
    static final String DB_PW = "Vh7qK2mX9pL4wZ8n";
    static final List<String> SECRETS = List.of(AWS_ID, AWS_SECRET, GH, SLACK, DB_PW);

    record Run(int code, String out, String err) {}

    Run cli(Path cwd, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), cwd);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String git(Path cwd, String... args) throws IOException, InterruptedException {
        return gatehouse.secrets.TestGit.git(cwd, args);
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

    /** A history with a secret still present, one deleted later, and one only in a commit message. */
    void plantHistory() throws Exception {
        commit("README.md", "# service\n", "initial");
        commit("app/settings.py", "AWS_ACCESS_KEY_ID = \"" + AWS_ID + "\"\naws_secret_access_key = \"" + AWS_SECRET + "\"\n",
                "settings");
        commit("ci/deploy.sh", "#!/bin/sh\ncurl -H \"Authorization: token " + GH + "\" https://api.github.com/user\n", "deploy");
        Files.delete(repo.resolve("ci/deploy.sh"));
        git(repo, "commit", "-q", "-am", "remove deploy script");
        commit("docs/notes.md", "nothing here\n", "notes\n\nthe bot token is " + SLACK + "\n");
        commit("app/db.yml", "url: postgres://app:" + DB_PW + "@db.internal:5432/app\n", "db");
    }

    @Test
    void historyScanFindsEverySecretAndNoFormatEverPrintsOne() throws Exception {
        plantHistory();
        Run r = cli(repo, "secrets", "scan", "--history", "-f", "text", "-o", "-", "-f", "json", "-o", "out.json", "-f", "sarif", "-o",
                "out.sarif", "-f", "junit", "-o", "out.xml", "-f", "html", "-o", "out.html");
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("aws-access-token", "aws-secret-access-key", "github-pat", "slack-bot-token",
                "app/settings.py", "ci/deploy.sh", ":message", "decision: FAIL");
        String json = Files.readString(repo.resolve("out.json"));
        assertThat(json).contains("\"verified-format\"", "\"commit\"", "\"author\"", "Dev One");
        List<String> outputs = new ArrayList<>(List.of(r.out(), r.err(), json));
        for (String f : List.of("out.sarif", "out.xml", "out.html")) {
            outputs.add(Files.readString(repo.resolve(f)));
        }
        assertThat(outputs.get(3)).contains("\"version\" : \"2.1.0\"", "github-pat");
        assertThat(outputs.get(4)).contains("<testsuite", "<failure");
        assertThat(outputs.get(5)).contains("<html", "slack-bot-token");
        for (String o : outputs) {
            for (String s : SECRETS) {
                assertThat(o).doesNotContain(s);
            }
        }
    }

    @Test
    void treeScanSeesOnlyWhatIsThereAndRespectsGitignore() throws Exception {
        plantHistory();
        Files.writeString(repo.resolve(".gitignore"), "local/\n");
        Files.createDirectories(repo.resolve("local"));
        Files.writeString(repo.resolve("local/creds.env"), "SLACK_TOKEN=" + SLACK + "\n");
        Run r = cli(repo, "secrets", "scan", "-f", "json");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("app/settings.py", "app/db.yml").doesNotContain("ci/deploy.sh", "local/creds.env");
        Run all = cli(repo, "secrets", "scan", "--all", "-f", "json");
        assertThat(all.out()).contains("local/creds.env").doesNotContain(SLACK);
    }

    @Test
    void aCleanRepositoryPassesAndABaselineSilencesKnownFindings() throws Exception {
        commit("src/main.py", "import os\npassword = os.environ[\"DB_PASSWORD\"]\nkey = \"AKIAIOSFODNN7EXAMPLE\"\n", "clean");
        assertThat(cli(repo, "secrets", "scan", "--history").code()).isZero();

        plantHistory();
        Run base = cli(repo, "secrets", "baseline", "--history", "-o", ".gatehouse/secrets-baseline.json");
        assertThat(base.code()).as(base.err()).isZero();
        String baseline = Files.readString(repo.resolve(".gatehouse/secrets-baseline.json"));
        SECRETS.forEach(s -> assertThat(baseline).doesNotContain(s));
        assertThat(cli(repo, "secrets", "scan", "--history", "--baseline", ".gatehouse/secrets-baseline.json").code()).isZero();

        commit("app/new.env", "STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc9Rk2Xw\n", "stripe");
        Run r = cli(repo, "secrets", "scan", "--history", "--baseline", ".gatehouse/secrets-baseline.json");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("app/new.env").doesNotContain("app/settings.py", "sk_live_4eC39HqLyjWDarjtT1zdp7dc9Rk2Xw");
    }

    @Test
    void rangeScansOnlyThePullRequestsCommits() throws Exception {
        plantHistory();
        String base = git(repo, "rev-parse", "HEAD");
        commit("svc/hook.js", "const url = 'https://hooks.slack.com/services/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';\n", "hook");
        Run r = cli(repo, "secrets", "scan", "--since", base, "-f", "json");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("svc/hook.js", "slack-webhook").doesNotContain("app/settings.py");
    }

    @Test
    void badInputIsOneLineWithAHintAndExitTwo() throws Exception {
        Run missing = cli(dir, "secrets", "scan", "no/such/dir");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no/such/dir").doesNotContain("Exception", "\tat ");

        Files.writeString(dir.resolve("bad.toml"), "title = \"x\"\n[[rules]]\nid = \"a\"\nregex = '''(unclosed'''\n");
        Run badRegex = cli(dir, "secrets", "scan", "-c", "bad.toml", dir.toString());
        assertThat(badRegex.code()).isEqualTo(2);
        assertThat(badRegex.err()).contains("bad.toml:4:").contains("hint").doesNotContain("\tat ");

        Files.writeString(dir.resolve("broken.toml"), "[[rules]\nid = 'x'\n");
        Run broken = cli(dir, "secrets", "scan", "-c", "broken.toml", dir.toString());
        assertThat(broken.code()).isEqualTo(2);
        assertThat(broken.err()).contains("broken.toml:1:");

        Run notRepo = cli(dir, "secrets", "scan", "--history", dir.toString());
        assertThat(notRepo.code()).isEqualTo(2);
        assertThat(notRepo.err()).contains("git");
    }

    @Test
    void stdinIsScannedAndRedacted() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(new String[] {"secrets", "scan", "--stdin"},
                new ByteArrayInputStream(("export GITHUB_TOKEN=" + GH + "\n").getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), dir);
        assertThat(code).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("github-pat", GH.substring(0, 4)).doesNotContain(GH);
    }

    @Test
    void preCommitHookBlocksAStagedSecretAndSaysHowToAllowIt() throws Exception {
        commit("README.md", "# app\n", "initial");
        Files.writeString(repo.resolve("config.env"), "SLACK_BOT_TOKEN=" + SLACK + "\n");
        git(repo, "add", "config.env");
        Run r = cli(repo, "hooks", "run", "pre-commit");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("commit blocked", "config.env:1:", "slack-bot-token", "gatehouse:allow",
                "gatehouse secrets baseline").doesNotContain(SLACK);

        Files.writeString(repo.resolve("config.env"), "SLACK_BOT_TOKEN=" + SLACK + "  # gatehouse:allow\n");
        git(repo, "add", "config.env");
        assertThat(cli(repo, "hooks", "run", "pre-commit").code()).isZero();
    }

    @Test
    void commitMsgHookBlocksASecretInTheMessage() throws Exception {
        Files.writeString(dir.resolve("MSG"), "fix deploy\n\nuse " + GH + " for now\n# " + AWS_ID + " in a comment line is dropped by git\n");
        Run r = cli(repo, "hooks", "run", "commit-msg", dir.resolve("MSG").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("commit message", "github-pat").doesNotContain(GH).doesNotContain("aws-access-token");
    }

    @Test
    void installChainsAnExistingHookAndTheRealCommitRunsBoth() throws Exception {
        commit("README.md", "# app\n", "initial");
        Path hooks = repo.resolve(".git/hooks");
        Files.createDirectories(hooks);
        Path mine = hooks.resolve("pre-commit");
        Files.writeString(mine, "#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/mine.log\"\n");
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwxr-xr-x"));
        // the launcher the hooks exec: a stand-in that records its arguments and refuses, as a found secret would
        Path launcher = dir.resolve("fake-gatehouse");
        Files.writeString(launcher, "#!/bin/sh\necho \"$@\" >> \"" + dir.resolve("launcher.log") + "\"\nexit 1\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        String before = System.getProperty("gatehouse.launcher");
        System.setProperty("gatehouse.launcher", launcher.toString());
        try {
            Run in = cli(repo, "hooks", "install");
            assertThat(in.code()).as(in.err()).isZero();
            assertThat(in.err()).contains("kept your existing pre-commit hook");
        } finally {
            if (before == null) {
                System.clearProperty("gatehouse.launcher");
            } else {
                System.setProperty("gatehouse.launcher", before);
            }
        }
        assertThat(hooks.resolve("pre-commit.gatehouse-chained")).exists();
        try (Stream<Path> s = Files.list(hooks)) {
            assertThat(s.map(p -> p.getFileName().toString())).contains("pre-commit", "commit-msg", "pre-push");
        }

        Files.writeString(repo.resolve("a.txt"), "a\n");
        git(repo, "add", "a.txt");
        Process p = new ProcessBuilder("git", "-c", "user.name=Dev", "-c", "user.email=d@example.com", "commit", "-q", "-m", "a")
                .directory(repo.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).as("the launcher refused, so the commit must fail").isNotZero();
        assertThat(Files.readString(repo.resolve(".git/mine.log"))).contains("ran");
        assertThat(Files.readString(dir.resolve("launcher.log"))).contains("hooks run pre-commit");

        Run un = cli(repo, "hooks", "uninstall");
        assertThat(un.code()).isZero();
        assertThat(Files.readString(mine)).contains("mine.log").doesNotContain("gatehouse");
        assertThat(hooks.resolve("commit-msg")).doesNotExist();
        git(repo, "commit", "-q", "-m", "a");
    }

    @Test
    void hooksOutsideARepositoryAreAnInputError() {
        Run r = cli(dir, "hooks", "install");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("not inside a git repository", "hint");
    }
}
