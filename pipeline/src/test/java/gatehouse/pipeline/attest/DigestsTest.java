package gatehouse.pipeline.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import gatehouse.core.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File and directory digests: known values, the documented manifest, and what does and does not change it. */
class DigestsTest {
    @TempDir
    Path dir;

    @Test
    void fileDigestIsPlainSha256() throws IOException {
        Path f = Files.writeString(dir.resolve("hello.txt"), "hello");
        assertThat(Digests.sha256File(f)).isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assertThat(Digests.sha256File(Files.write(dir.resolve("empty"), new byte[0])))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    /** A tree with nested files, an executable, a link, an empty directory and names that sort differently by bytes. */
    Path tree() throws IOException {
        Path root = Files.createDirectories(dir.resolve("site"));
        Files.writeString(root.resolve("index.html"), "<h1>hi</h1>\n");
        Files.writeString(Files.createDirectories(root.resolve("assets")).resolve("app.js"), "console.log(1)\n");
        Path run = Files.writeString(root.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(root.resolve("B.txt"), "upper\n");
        Files.writeString(root.resolve("\u00e4.txt"), "umlaut\n");
        Files.createSymbolicLink(root.resolve("latest"), Path.of("index.html"));
        Files.createDirectories(root.resolve("empty"));
        return root;
    }

    @Test
    void manifestIsTheDocumentedText() throws IOException {
        Path root = tree();
        String m = Digests.manifest(root);
        assertThat(m).isEqualTo(String.join("", // sorted by UTF-8 bytes: uppercase, lowercase, then non-ASCII
                "100644 " + Digests.sha256("upper\n".getBytes(StandardCharsets.UTF_8)) + " B.txt\n",
                "100644 " + Digests.sha256("console.log(1)\n".getBytes(StandardCharsets.UTF_8)) + " assets/app.js\n",
                "100644 " + Digests.sha256("<h1>hi</h1>\n".getBytes(StandardCharsets.UTF_8)) + " index.html\n",
                "120000 " + Digests.sha256("index.html".getBytes(StandardCharsets.UTF_8)) + " latest\n",
                "100755 " + Digests.sha256("#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8)) + " run.sh\n",
                "100644 " + Digests.sha256("umlaut\n".getBytes(StandardCharsets.UTF_8)) + " \u00e4.txt\n"));
        assertThat(Digests.sha256Of(root)).isEqualTo(Digests.sha256(m.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theDocumentedShellRecipeGivesTheSameDigest() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")) && onPath("sha256sum"), "needs sh and coreutils");
        Path root = tree();
        // the recipe from docs/attestations.md, verbatim
        String recipe = """
                cd "$1" && find . \\( -type f -o -type l \\) | sed 's|^\\./||' | LC_ALL=C sort | while IFS= read -r p; do
                  if [ -L "$p" ]; then m=120000; h=$(printf %s "$(readlink "$p")" | sha256sum | cut -d' ' -f1)
                  else if [ -n "$(find "$p" -perm -u+x)" ]; then m=100755; else m=100644; fi; h=$(sha256sum < "$p" | cut -d' ' -f1); fi
                  printf '%s %s %s\\n' "$m" "$h" "$p"
                done | sha256sum | cut -d' ' -f1
                """;
        Process p = new ProcessBuilder("sh", "-c", recipe, "sh", root.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo(Digests.sha256Of(root));
    }

    @Test
    void contentModeAndLinkTargetChangeTheDigestButLinkedContentDoesNot() throws IOException {
        Path root = tree();
        String before = Digests.sha256Of(root);
        // a link is recorded, not followed: what it points at is hashed under its own name only
        Files.createSymbolicLink(dir.resolve("outside"), Path.of("/etc/hostname"));
        Files.delete(root.resolve("latest"));
        Files.createSymbolicLink(root.resolve("latest"), Path.of("index.html"));
        assertThat(Digests.sha256Of(root)).isEqualTo(before);

        Files.setPosixFilePermissions(root.resolve("run.sh"), PosixFilePermissions.fromString("rw-r--r--"));
        String modeChanged = Digests.sha256Of(root);
        assertThat(modeChanged).isNotEqualTo(before);

        Files.setPosixFilePermissions(root.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(Digests.sha256Of(root)).isEqualTo(before);
        Files.delete(root.resolve("latest"));
        Files.createSymbolicLink(root.resolve("latest"), Path.of("B.txt"));
        assertThat(Digests.sha256Of(root)).isNotEqualTo(before);

        Files.delete(root.resolve("latest"));
        Files.createSymbolicLink(root.resolve("latest"), Path.of("index.html"));
        Files.writeString(root.resolve("assets/app.js"), "console.log(2)\n");
        assertThat(Digests.sha256Of(root)).isNotEqualTo(before);
    }

    @Test
    void emptyDirectoriesDoNotCountAndRenamesDo() throws IOException {
        Path root = tree();
        String before = Digests.sha256Of(root);
        Files.createDirectories(root.resolve("more/empty"));
        assertThat(Digests.sha256Of(root)).isEqualTo(before);
        Files.move(root.resolve("B.txt"), root.resolve("C.txt"));
        assertThat(Digests.sha256Of(root)).isNotEqualTo(before);
    }

    @Test
    void aLinkToADirectoryIsRecordedNotWalked() throws IOException {
        Path root = tree();
        Files.createSymbolicLink(root.resolve("assets-link"), Path.of("assets"));
        assertThat(Digests.manifest(root)).contains(" assets-link\n").doesNotContain("assets-link/");
    }

    @Test
    void specialFilesAndLineBreaksInNamesAreInputErrors() throws Exception {
        assumeTrue(onPath("mkfifo"), "needs mkfifo");
        Path root = Files.createDirectories(dir.resolve("odd"));
        Process p = new ProcessBuilder("mkfifo", root.resolve("pipe").toString()).start();
        assertThat(p.waitFor()).isZero();
        assertThatThrownBy(() -> Digests.manifest(root)).isInstanceOf(InputException.class)
                .hasMessageContaining("special file").hasMessageContaining("pipe:1:1");

        Path other = Files.createDirectories(dir.resolve("nl"));
        Files.writeString(other.resolve("a\nb"), "x");
        assertThatThrownBy(() -> Digests.manifest(other)).isInstanceOf(InputException.class).hasMessageContaining("line break");
    }

    @Test
    void subjectNamesAreFileNamesAndDirectoriesEndWithASlash() throws IOException {
        Path root = tree();
        assertThat(Subject.of(root).name()).isEqualTo("site/");
        assertThat(Subject.of(root.resolve("index.html")).name()).isEqualTo("index.html");
        assertThat(Subject.nameOf(root.resolve("assets/.."))).isEqualTo("site/");
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
