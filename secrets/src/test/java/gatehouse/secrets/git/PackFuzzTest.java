package gatehouse.secrets.git;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import gatehouse.secrets.git.CatFile.GitObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Jazzer target for the pack reader: a pack whose entries are fuzzed bytes (headers, deflated data, offset and
 * reference deltas pointing anywhere, themselves included), indexed under two names. Reading either must give an
 * object or an IOException — no other exception, no hang, no array sized from a hostile header. Under plain
 * {@code mvn test} it replays the seeds in {@code PackFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class PackFuzzTest {
    static final byte[] A = id(1);
    static final byte[] B = id(2);

    static byte[] id(int last) {
        byte[] id = new byte[20];
        id[19] = (byte) last;
        return id;
    }

    @FuzzTest(maxDuration = "30s")
    void aHostilePackReadsOrFailsCleanly(FuzzedDataProvider data) throws IOException {
        int second = data.consumeInt(0, 4096);
        byte[] body = data.consumeRemainingAsBytes();
        Path dir = Files.createTempDirectory("gatehouse-pack-fuzz");
        try {
            Path packDir = Files.createDirectories(dir.resolve("pack"));
            ByteArrayOutputStream pack = new ByteArrayOutputStream();
            pack.writeBytes(new byte[] {'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 2});
            pack.writeBytes(body);
            pack.writeBytes(new byte[20]);
            Files.write(packDir.resolve("pack-f.pack"), pack.toByteArray());
            Files.write(packDir.resolve("pack-f.idx"), index(12, 12L + Math.min(second, Math.max(0, body.length - 1))));
            try (ObjectReader reader = new ObjectReader(List.of(dir), 1 << 16)) {
                for (byte[] name : List.of(A, B)) {
                    try {
                        GitObject o = reader.read(hex(name), 1 << 16);
                        assertThat(o).isNotNull();
                        assertThat(o.content() == null || o.content().length == o.size()).isTrue();
                    } catch (IOException refused) {
                        assertThat(refused.getMessage()).isNotBlank();
                    }
                }
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A version 2 index of the two names, A at offset {@code a} and B at {@code b}. */
    static byte[] index(long a, long b) {
        ByteBuffer idx = ByteBuffer.allocate(8 + 1024 + 2 * 20 + 2 * 4 + 2 * 4 + 40);
        idx.putInt(0xff744f63).putInt(2);
        for (int i = 0; i < 256; i++) {
            idx.putInt(2); // both names begin with byte 0
        }
        idx.put(A).put(B);
        idx.putInt(0).putInt(0);
        idx.putInt((int) a).putInt((int) b);
        return idx.array();
    }

    static String hex(byte[] id) {
        StringBuilder sb = new StringBuilder();
        for (byte x : id) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }
}
