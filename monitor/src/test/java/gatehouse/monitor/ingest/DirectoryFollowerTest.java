package gatehouse.monitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.core.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a scan of a real directory tree picks, in which order, and what it skips, with and without reused listings. */
class DirectoryFollowerTest {
    static final FileTime OLD = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));

    @TempDir
    Path dir;

    final Map<String, FileMark> marks = new HashMap<>();
    final List<String> warnings = new ArrayList<>();

    final Feed.Sink sink = new Feed.Sink() {
        @Override
        public CompletableFuture<Batch.Result> submit(Batch batch) {
            return new CompletableFuture<>();
        }

        @Override
        public Map<String, FileMark> files() {
            return marks;
        }

        @Override
        public void warn(String origin, String message) {
            warnings.add(origin + ": " + message);
        }

        @Override
        public void error(Diagnostic diagnostic) {
            warnings.add(diagnostic.headline());
        }
    };

    DirectoryFollower follower(Duration settle) {
        DirectoryFollower f = new DirectoryFollower(List.of(dir), Duration.ofHours(1), settle);
        f.start(sink);
        f.close(); // no background thread: the test scans by hand
        return f;
    }

    Path file(String rel, FileTime time) throws Exception {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "{}\n");
        Files.setLastModifiedTime(p, time);
        return p;
    }

    static List<String> names(List<Batch> batches) {
        return batches.stream().map(b -> Path.of(b.name()).getFileName().toString()).toList();
    }

    /** What the run reports back: each file read to its end, as it was when found. */
    static void read(DirectoryFollower follower, List<Batch> batches) {
        for (Batch b : batches) {
            FileMark f = b.file();
            follower.recorded(new FileMark(f.path(), f.size(), f.mtimeMs(), 1, FileMark.Status.DONE));
        }
    }

    @Test
    void picksSettledFilesInDeliveryOrderAndSkipsTemporaryHiddenAndDigests() throws Exception {
        file("AWSLogs/1/CloudTrail/r/2026/12/03/1_CloudTrail_r_20261203T0005Z_a.json.gz", OLD);
        file("AWSLogs/1/CloudTrail/r/2026/12/02/1_CloudTrail_r_20261202T2355Z_b.json.gz", OLD);
        file("AWSLogs/1/CloudTrail/r/2026/12/02/1_CloudTrail_r_20261202T2350Z_c.json.gz.tmp", OLD);
        file("AWSLogs/1/CloudTrail/r/2026/12/02/.1_CloudTrail_r_20261202T2351Z_d.json.gz", OLD);
        file("AWSLogs/1/CloudTrail/r/2026/12/02/x.part", OLD);
        file("AWSLogs/1/CloudTrail-Digest/r/2026/12/02/1_CloudTrail-Digest_r_20261202T2355Z_e.json.gz", OLD);
        file("AWSLogs/.cache/f.json", OLD);
        file("AWSLogs/1/CloudTrail/r/2026/12/02/1_CloudTrail_r_20261202T2359Z_g.json.gz", FileTime.from(Instant.now()));
        DirectoryFollower f = follower(Duration.ofSeconds(30));
        List<Batch> first = f.scan(sink);
        assertThat(names(first)).containsExactly("1_CloudTrail_r_20261202T2355Z_b.json.gz", "1_CloudTrail_r_20261203T0005Z_a.json.gz");
        read(f, first);
        assertThat(f.scan(sink)).as("read already, and g not settled").isEmpty();
    }

    @Test
    void reusedListingsStillSeeNewGrownAndSettlingFiles() throws Exception {
        Path a = file("logs/2026/12/02/a.json", OLD);
        Path day = a.getParent();
        Files.setLastModifiedTime(day, OLD);
        DirectoryFollower f = follower(Duration.ofSeconds(30));
        read(f, f.scan(sink));
        assertThat(f.scan(sink)).isEmpty();
        // a new file in the same (now changed) folder, a new folder, and an old file that grew
        file("logs/2026/12/02/b.json", OLD);
        file("logs/2026/12/03/c.json", OLD);
        Files.writeString(a, "{}\n{}\n");
        Files.setLastModifiedTime(a, OLD);
        List<Batch> changed = f.scan(sink);
        assertThat(names(changed)).containsExactlyInAnyOrder("b.json", "c.json", "a.json");
        assertThat(changed).filteredOn(b -> b.name().endsWith("a.json")).singleElement()
                .satisfies(b -> assertThat(b.skip()).as("read on after the record already read").isEqualTo(1));
        read(f, changed);
        // a file not yet settled, in a folder whose listing is reused, is watched until it settles
        Path d = file("logs/2026/12/03/d.json", FileTime.from(Instant.now()));
        Files.setLastModifiedTime(d.getParent(), OLD);
        assertThat(f.scan(sink)).isEmpty();
        assertThat(f.scan(sink)).isEmpty();
        Files.setLastModifiedTime(d, OLD);
        assertThat(names(f.scan(sink))).containsExactly("d.json");
    }

    @Test
    void overlappingRootsFindAFileOnce() throws Exception {
        file("logs/2026/12/02/a.json", OLD);
        DirectoryFollower f = new DirectoryFollower(List.of(dir.resolve("logs"), dir.resolve("logs/2026"),
                dir.resolve("logs/2026/12/02/a.json")), Duration.ofHours(1), Duration.ZERO);
        f.start(sink);
        f.close();
        assertThat(names(f.scan(sink))).containsExactly("a.json");
    }

    @Test
    void aFileThatShrankIsReadFromItsStart() throws Exception {
        Path a = file("logs/app.jsonl", OLD);
        Files.writeString(a, "{}\n{}\n{}\n");
        Files.setLastModifiedTime(a, OLD);
        DirectoryFollower f = follower(Duration.ZERO);
        read(f, f.scan(sink));
        Files.writeString(a, "{}\n");
        Files.setLastModifiedTime(a, FileTime.from(Instant.parse("2026-02-01T00:00:00Z")));
        assertThat(f.scan(sink)).singleElement().satisfies(b -> assertThat(b.skip()).isZero());
        assertThat(warnings).singleElement().asString().contains("is smaller than when it was read");
    }

    @Test
    void aMissingRootIsWaitedFor() throws Exception {
        DirectoryFollower f = new DirectoryFollower(List.of(dir.resolve("later")), Duration.ofHours(1), Duration.ZERO);
        f.start(sink);
        f.close();
        assertThat(f.scan(sink)).isEmpty();
        assertThat(f.scan(sink)).isEmpty();
        assertThat(warnings).singleElement().asString().contains("does not exist (yet)");
        file("later/a.json", OLD);
        assertThat(names(f.scan(sink))).containsExactly("a.json");
    }
}
