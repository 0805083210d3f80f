package gatehouse.core.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Runs independent work items on several threads and hands the results to one consumer in item order, so
 * output stays deterministic while the work is spread over the cores. At most a small window of results
 * is held at once, so memory does not grow with the number of items.
 */
public final class OrderedParallel {
    /** Worker stack size: evaluators and parsers recurse as deep as the documents they read. */
    private static final long STACK_BYTES = 16L << 20;

    private OrderedParallel() {}

    /**
     * The number of worker threads to use: the system property {@code gatehouse.threads}, else the
     * {@code GATEHOUSE_THREADS} environment variable, else the number of available processors.
     */
    public static int defaultThreads() {
        String v = System.getProperty("gatehouse.threads", System.getenv("GATEHOUSE_THREADS"));
        if (v != null) {
            try {
                return Math.max(1, Integer.parseInt(v.trim()));
            } catch (NumberFormatException e) {
                // fall through to the processor count
            }
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Applies {@code work} to every item and passes each result to {@code sink} in item order, on the
     * calling thread. {@code sink} returns false to stop: work not yet handed over is cancelled. A
     * {@link RuntimeException} or {@link Error} thrown by {@code work} is rethrown here when its item's turn
     * comes, after the results of all earlier items were consumed.
     */
    public static <T, R> void run(List<T> items, int threads, Function<? super T, ? extends R> work,
                                  Predicate<? super R> sink) {
        int n = items.size();
        if (threads <= 1 || n <= 1) {
            for (T item : items) {
                if (!sink.test(work.apply(item))) {
                    return;
                }
            }
            return;
        }
        AtomicInteger ids = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, n), r -> {
            Thread t = new Thread(null, r, "gatehouse-worker-" + ids.incrementAndGet(), STACK_BYTES);
            t.setDaemon(true);
            return t;
        });
        int window = Math.max(4, threads * 4);
        List<Future<? extends R>> futures = new ArrayList<>(n);
        try {
            int submitted = 0;
            for (; submitted < Math.min(window, n); submitted++) {
                T item = items.get(submitted);
                futures.add(pool.submit(() -> work.apply(item)));
            }
            for (int i = 0; i < n; i++) {
                R result = await(futures.get(i));
                futures.set(i, null); // let the result go once consumed
                if (submitted < n) {
                    T item = items.get(submitted++);
                    futures.add(pool.submit(() -> work.apply(item)));
                }
                if (!sink.test(result)) {
                    return;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static <R> R await(Future<? extends R> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    if (c instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(c);
                } catch (CancellationException e) {
                    throw new IllegalStateException("work was cancelled", e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
