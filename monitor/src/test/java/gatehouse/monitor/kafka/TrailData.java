package gatehouse.monitor.kafka;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gatehouse.monitor.ingest.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Deterministic CloudTrail-like records for the Kafka tests: interleaved accounts, a per-account sequence. */
final class TrailData {
    private TrailData() {}

    static String account(int i) {
        return String.format("1111%08d", i);
    }

    /** {@code perAccount} records for each of {@code accounts} accounts, interleaved pseudo-randomly by {@code seed}. */
    static List<Event> generate(int accounts, int perAccount, long seed) {
        Random rnd = new Random(seed);
        int[] next = new int[accounts];
        List<Event> out = new ArrayList<>();
        Instant t0 = Instant.parse("2026-11-30T00:00:00Z");
        int left = accounts * perAccount;
        while (left > 0) {
            int a = rnd.nextInt(accounts);
            if (next[a] == perAccount) {
                continue;
            }
            int seq = next[a]++;
            left--;
            ObjectNode r = JsonNodeFactory.instance.objectNode();
            r.put("eventVersion", "1.09");
            r.put("eventID", "evt-" + account(a) + "-" + seq);
            r.put("eventTime", t0.plusSeconds(out.size()).toString());
            r.put("eventSource", "s3.amazonaws.com");
            r.put("eventName", seq % 7 == 0 ? "PutBucketPolicy" : "GetObject");
            r.put("awsRegion", "eu-west-1");
            r.put("recipientAccountId", account(a));
            r.putObject("userIdentity").put("type", "IAMUser").put("accountId", account(a));
            r.put("sequence", seq);
            out.add(new Event(r, "generated:" + (out.size() + 1), r.get("eventID").textValue(),
                    Instant.parse(r.get("eventTime").textValue())));
        }
        return out;
    }

    /** Distinct event ids per account: what an exactly-once count must come to. */
    static Map<String, Long> expectedCounts(List<Event> events) {
        Map<String, java.util.Set<String>> ids = new TreeMap<>();
        for (Event e : events) {
            ids.computeIfAbsent(e.record().get("recipientAccountId").textValue(), k -> new java.util.HashSet<>()).add(e.eventId());
        }
        Map<String, Long> m = new TreeMap<>();
        ids.forEach((k, v) -> m.put(k, (long) v.size()));
        return m;
    }
}
