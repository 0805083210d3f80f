package gatehouse.audit;

import gatehouse.store.Store;
import java.util.Map;

/** A separate process appending to a store: {@code AppendMain URL ACTOR COUNT}. Used by the concurrency test. */
public final class AppendMain {
    private AppendMain() {}

    public static void main(String[] args) {
        Store store = Store.open(args[0], true);
        int n = Integer.parseInt(args[2]);
        try (AuditLog log = AuditLog.open(store)) {
            for (int i = 0; i < n; i++) {
                log.append(args[1], "step", "item-" + i, "ok", Map.of("i", i));
            }
        }
    }
}
