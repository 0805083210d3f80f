package gatehouse.secrets.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The delta-base ring: whatever it answers is exactly what was put under that key, and it keeps the newest. */
class BaseCacheTest {
    @Property(tries = 300)
    void answersAreWhatWasPutAndTheNewestStay(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        Random r = new Random(seed);
        int capacity = 64 + r.nextInt(4096);
        ObjectReader.BaseCache cache = new ObjectReader.BaseCache(capacity);
        Map<Long, byte[]> put = new HashMap<>();
        long last = -1;
        for (int i = 0; i < 400; i++) {
            long offset = 12 + r.nextInt(300);
            byte[] data = new byte[r.nextInt(capacity / 3 + 1)];
            r.nextBytes(data);
            int before = cache.size();
            boolean had = cache.get(0, offset) != null;
            cache.put(0, offset, 3, data, 0, data.length);
            if (!had && data.length > 0 && data.length <= capacity / 4) {
                put.put(offset, data);
                last = offset;
                assertThat(cache.get(0, offset)).as("the newest is kept").isNotNull();
            } else if (had) {
                assertThat(cache.size()).isEqualTo(before);
            }
            for (Map.Entry<Long, byte[]> e : put.entrySet()) {
                ObjectReader.BaseCache.Slot s = cache.get(0, e.getKey());
                if (s != null) {
                    assertThat(s.type()).isEqualTo(3);
                    assertThat(Arrays.copyOfRange(cache.ring, s.at(), s.at() + s.length())).isEqualTo(e.getValue());
                }
            }
            if (last >= 0) {
                assertThat(cache.get(0, last)).isNotNull();
            }
        }
    }

    @Property(tries = 100)
    void itHoldsAtLeastWhatFitsInHalfTheRing(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        Random r = new Random(seed);
        int capacity = 4096;
        ObjectReader.BaseCache cache = new ObjectReader.BaseCache(capacity);
        long[] keys = new long[600];
        int[] sizes = new int[600];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = 12 + i;
            sizes[i] = 1 + r.nextInt(capacity / 4);
            cache.put(0, keys[i], 3, new byte[sizes[i]], 0, sizes[i]);
        }
        // the most recent entries adding up to half the ring are all still there (wasted tail at most a quarter)
        int total = 0;
        for (int i = keys.length - 1; i >= 0 && total + sizes[i] <= capacity / 2; i--) {
            total += sizes[i];
            assertThat(cache.get(0, keys[i])).as("entry %d of %d", i, keys.length).isNotNull();
        }
    }
}
