package gatehouse.secrets.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Git's delta format as {@link ObjectReader.Delta} applies it: exact on every valid delta, IOException on any other. */
class DeltaTest {
    static void varint(ByteArrayOutputStream out, long v) {
        do {
            int b = (int) (v & 0x7f);
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
    }

    /** A copy instruction: only the non-zero bytes of offset and size are written, a size of 0x10000 as none. */
    static void copy(ByteArrayOutputStream out, int offset, int size) {
        int cmd = 0x80;
        ByteArrayOutputStream args = new ByteArrayOutputStream();
        for (int k = 0; k < 4; k++) {
            int b = (offset >>> (8 * k)) & 0xff;
            if (b != 0) {
                cmd |= 1 << k;
                args.write(b);
            }
        }
        int s = size == 0x10000 ? 0 : size;
        for (int k = 0; k < 3; k++) {
            int b = (s >>> (8 * k)) & 0xff;
            if (b != 0) {
                cmd |= 0x10 << k;
                args.write(b);
            }
        }
        out.write(cmd);
        out.writeBytes(args.toByteArray());
    }

    @Property(tries = 500)
    void aDeltaOfRandomCopiesAndInsertsRebuildsItsTarget(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) throws IOException {
        Random r = new Random(seed);
        byte[] base = new byte[r.nextInt(3) == 0 ? 70_000 + r.nextInt(10_000) : r.nextInt(2000)];
        r.nextBytes(base);
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        ByteArrayOutputStream ops = new ByteArrayOutputStream();
        int n = r.nextInt(30);
        for (int i = 0; i < n; i++) {
            if (base.length > 0 && r.nextBoolean()) {
                int size = base.length >= 0x10000 && r.nextInt(4) == 0 ? 0x10000 : 1 + r.nextInt(Math.min(base.length, 0xffff));
                int offset = r.nextInt(base.length - size + 1);
                copy(ops, offset, size);
                target.write(base, offset, size);
            } else {
                byte[] ins = new byte[1 + r.nextInt(127)];
                r.nextBytes(ins);
                ops.write(ins.length);
                ops.writeBytes(ins);
                target.writeBytes(ins);
            }
        }
        ByteArrayOutputStream delta = new ByteArrayOutputStream();
        varint(delta, base.length);
        varint(delta, target.size());
        delta.writeBytes(ops.toByteArray());
        assertThat(ObjectReader.Delta.apply(base, delta.toByteArray())).isEqualTo(target.toByteArray());
    }

    @Property(tries = 2000)
    void anyBytesEitherApplyOrFailWithAnIOException(@ForAll @Size(max = 64) byte[] delta, @ForAll @Size(max = 64) byte[] base) {
        try {
            byte[] out = ObjectReader.Delta.apply(base, delta);
            assertThat(out).isNotNull();
        } catch (IOException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    static byte[] delta(int baseSize, int size, int... ops) {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        varint(d, baseSize);
        varint(d, size);
        for (int op : ops) {
            d.write(op);
        }
        return d.toByteArray();
    }

    @Test
    void malformedDeltasAreRefusedWithTheReason() {
        byte[] base = "0123456789".getBytes();
        assertThatThrownBy(() -> ObjectReader.Delta.apply(base, delta(9, 1, 1, 'x')))
                .isInstanceOf(IOException.class).hasMessageContaining("base is 10 bytes");
        assertThatThrownBy(() -> ObjectReader.Delta.apply(base, delta(10, 1, 0)))
                .isInstanceOf(IOException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> ObjectReader.Delta.apply(base, delta(10, 4, 0x91, 8, 4)))   // copy 4 from 8
                .isInstanceOf(IOException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> ObjectReader.Delta.apply(base, delta(10, 3, 2, 'a', 'b')))
                .isInstanceOf(IOException.class).hasMessageContaining("header says 3");
        assertThatThrownBy(() -> ObjectReader.Delta.apply(base, delta(10, 2, 5, 'a', 'b')))
                .isInstanceOf(IOException.class).hasMessageContaining("past its end");
        assertThatThrownBy(() -> ObjectReader.Delta.apply(base, delta(10, 2, 0x91, 1)))      // offset byte, no size byte
                .isInstanceOf(IOException.class);
    }

    @Test
    void copiesOfExactly64KiBAreWrittenWithNoSizeBytes() throws IOException {
        byte[] base = new byte[0x10000 + 5];
        new Random(1).nextBytes(base);
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        varint(d, base.length);
        varint(d, 0x10000);
        d.write(0x80 | 0x01);
        d.write(5);
        byte[] out = ObjectReader.Delta.apply(base, d.toByteArray());
        assertThat(out).hasSize(0x10000);
        assertThat(out[0]).isEqualTo(base[5]);
        assertThat(out[0xffff]).isEqualTo(base[0x10004]);
    }
}
