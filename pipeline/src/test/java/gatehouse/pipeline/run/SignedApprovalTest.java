package gatehouse.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gatehouse.pipeline.attest.KeyType;
import gatehouse.pipeline.attest.Keys;
import gatehouse.pipeline.attest.Signer;
import gatehouse.pipeline.model.PipelineLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Approvals signed with each approver's own key: no server, and no editing of the run record, can forge one. */
class SignedApprovalTest {
    @TempDir
    Path dir;
    Runner runner;
    RunStore store;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(dir.resolve("keys"));
        for (String who : new String[] {"ann", "bob", "mallory"}) {
            KeyPair kp = Keys.generate(who.equals("bob") ? KeyType.ECDSA_P256 : KeyType.ED25519);
            Files.writeString(dir.resolve("keys/" + who + ".key"), Keys.privatePem(kp.getPrivate()));
            Files.writeString(dir.resolve("keys/" + who + ".pub"), Keys.publicPem(kp.getPublic()));
        }
        Files.writeString(dir.resolve("gatehouse.yml"), """
                version: 1
                stages:
                  - name: release
                    steps:
                      - approval: {count: 2, keys: {ann: keys/ann.pub, bob: keys/bob.pub}}
                      - run: touch released
                """);
        store = new RunStore(dir.resolve(".gatehouse/runs"));
        runner = new Runner(PipelineLoader.load(dir.resolve("gatehouse.yml")), store, (a, b, c, d, e) -> { },
                Map.of("PATH", System.getenv("PATH")), Clock.systemUTC(), line -> { });
    }

    Signer key(String who) {
        return Keys.signer(dir.resolve("keys/" + who + ".key"));
    }

    @Test
    void onlySignaturesByTheConfiguredKeysCount() throws IOException {
        String id = runner.run(null).id;
        assertThatThrownBy(() -> runner.approve(id, "release", "ann", null, null))
                .hasMessageContaining("needs an approval signed with the approver's own key");
        assertThatThrownBy(() -> runner.approve(id, "release", "ann", null, key("mallory")))
                .hasMessage("the key given is not ann's (keys/ann.pub)");
        assertThatThrownBy(() -> runner.approve(id, "release", "mallory", null, key("mallory")))
                .hasMessageContaining("mallory may not approve");
        runner.approve(id, "release", "ann", "looks right", key("ann"));
        assertThat(runner.resume(id, null).status).isEqualTo(RunRecord.WAITING);

        // someone with write access to the run record adds bob's approval with ann's signature: it does not count
        RunRecord r = store.load(id);
        RunRecord.ApprovalRecord forged = new RunRecord.ApprovalRecord("release", "bob", r.approvals.get(0).time, "looks right");
        forged.keyid = r.approvals.get(0).keyid;
        forged.signature = r.approvals.get(0).signature;
        r.approvals.add(forged);
        store.save(r);
        assertThat(runner.resume(id, null).status).isEqualTo(RunRecord.WAITING);
        assertThat(dir.resolve("released")).doesNotExist();

        // tampering with a signed approval's comment breaks its signature too
        r = store.load(id);
        r.approvals.removeIf(a -> a.approver.equals("bob"));
        store.save(r);
        runner.approve(id, "release", "bob", null, key("bob"));
        r = store.load(id);
        r.approvals.get(0).comment = "approved everything";
        store.save(r);
        assertThat(runner.resume(id, null).status).isEqualTo(RunRecord.WAITING);

        r = store.load(id);
        r.approvals.get(0).comment = "looks right";
        store.save(r);
        RunRecord done = runner.resume(id, null);
        assertThat(done.status).as(done.reason).isEqualTo(RunRecord.PASSED);
        assertThat(dir.resolve("released")).exists();
    }
}
