package gatehouse.monitor.action;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Hands events to actions without letting a storm through and without blocking the caller.
 *
 * <p>For each event and each action, in this order:
 * <ol>
 *   <li><b>de-duplication</b>: an event whose key this action already took within {@code dedupeWindow} is
 *       dropped as a duplicate (the window restarts only when an event is taken, so a steady repeat yields one
 *       notification per window);</li>
 *   <li><b>rate limit</b>: a token bucket per action ({@code burst} tokens, refilled at {@code perSecond}); no
 *       token, the event is dropped as rate-limited;</li>
 *   <li><b>queue</b>: the execution is queued for a small worker pool; a full queue drops it (queue-full).</li>
 * </ol>
 * {@link #dispatch} returns at once with what happened to each action; executions run on the workers, each
 * audited through {@link ActionAudit}. {@link #stats()} counts every outcome; {@link #close()} waits for queued
 * executions (up to a bound), then audits one summary of what was suppressed.
 *
 * <p>Thread-safe. Time for the window and the buckets comes from the given clock (processing time).
 */
public final class Dispatcher implements AutoCloseable {
    /** What happened to an event for one action. */
    public enum Disposition { QUEUED, DUPLICATE, RATE_LIMITED, QUEUE_FULL }

    /**
     * @param dedupeWindow same key within this is a duplicate; zero disables de-duplication
     * @param burst        token-bucket capacity per action (≥ 1)
     * @param perSecond    refill rate per action (tokens per second, &gt; 0)
     * @param workers      executions that may run at once
     * @param queue        executions that may wait
     * @param drain        how long {@link #close()} waits for queued executions
     */
    public record Limits(Duration dedupeWindow, int burst, double perSecond, int workers, int queue, Duration drain) {
        public Limits {
            if (burst < 1 || !(perSecond > 0) || workers < 1 || queue < 1) {
                throw new IllegalArgumentException("burst, perSecond, workers and queue must be positive");
            }
            Objects.requireNonNull(dedupeWindow, "dedupeWindow");
            Objects.requireNonNull(drain, "drain");
        }

        /** 5-minute window, bursts of 10 then one per 6 s per action, 4 workers, 1000 queued, 30 s drain. */
        public static Limits defaults() {
            return new Limits(Duration.ofMinutes(5), 10, 1.0 / 6, 4, 1000, Duration.ofSeconds(30));
        }
    }

    /**
     * Counts since the dispatcher was made.
     *
     * @param received    events given to {@link #dispatch} times actions (one per event and action)
     * @param executed    executions finished (ok or not)
     * @param failed      executions that reported failure
     */
    public record Stats(long received, long executed, long failed, long duplicates, long rateLimited, long queueFull) {
        public long suppressed() {
            return duplicates + rateLimited + queueFull;
        }
    }

    /** One finished execution, for listeners. */
    public record Delivery(Action action, ActionEvent event, ActionResult result) {}

    private final List<Action> actions;
    private final Limits limits;
    private final ActionAudit audit;
    private final Clock clock;
    private final Consumer<Delivery> listener;
    private final ThreadPoolExecutor pool;
    private final Map<String, Long> lastTaken = new HashMap<>();
    private final Map<String, double[]> buckets = new HashMap<>(); // name -> {tokens, lastRefillMillis}
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong executed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong queueFull = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong(); // queued or running, for awaitIdle
    private boolean closed;

    /**
     * @param actions  every event goes to each of these (names must be unique)
     * @param listener told of each finished execution on a worker thread; may be null
     */
    public Dispatcher(List<Action> actions, Limits limits, ActionAudit audit, Clock clock, Consumer<Delivery> listener) {
        this.actions = List.copyOf(actions);
        if (this.actions.stream().map(Action::name).distinct().count() != this.actions.size()) {
            throw new IllegalArgumentException("action names must be unique");
        }
        this.limits = Objects.requireNonNull(limits, "limits");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = listener;
        this.pool = new ThreadPoolExecutor(limits.workers(), limits.workers(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.queue()), r -> {
                    Thread t = new Thread(r, "gatehouse-action");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Offers an event to every action; never blocks on an action. */
    public Map<String, Disposition> dispatch(ActionEvent event) {
        Map<String, Disposition> out = new LinkedHashMap<>();
        List<Action> take = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("dispatcher closed");
            }
            long now = clock.millis();
            for (Action a : actions) {
                received.incrementAndGet();
                String dk = a.name() + '\0' + event.key();
                Long last = lastTaken.get(dk);
                if (!limits.dedupeWindow().isZero() && last != null && now - last < limits.dedupeWindow().toMillis()) {
                    duplicates.incrementAndGet();
                    out.put(a.name(), Disposition.DUPLICATE);
                    continue;
                }
                double[] b = buckets.computeIfAbsent(a.name(), k -> new double[] {limits.burst(), now});
                b[0] = Math.min(limits.burst(), b[0] + (now - b[1]) / 1000.0 * limits.perSecond());
                b[1] = now;
                if (b[0] < 1) {
                    rateLimited.incrementAndGet();
                    out.put(a.name(), Disposition.RATE_LIMITED);
                    continue;
                }
                b[0] -= 1;
                lastTaken.put(dk, now);
                take.add(a);
                out.put(a.name(), Disposition.QUEUED);
            }
            if (lastTaken.size() > 100_000) {
                long window = limits.dedupeWindow().toMillis();
                lastTaken.values().removeIf(t -> now - t >= window);
            }
        }
        for (Action a : take) {
            inFlight.incrementAndGet();
            try {
                pool.execute(() -> run(a, event));
            } catch (RejectedExecutionException e) {
                inFlight.decrementAndGet();
                queueFull.incrementAndGet();
                out.put(a.name(), Disposition.QUEUE_FULL);
            }
        }
        return out;
    }

    private void run(Action a, ActionEvent event) {
        ActionResult r;
        try {
            r = a.execute(event);
        } catch (RuntimeException e) {
            r = new ActionResult(false, 1, "error: " + e.getClass().getSimpleName() + ": " + e.getMessage(), "", Duration.ZERO);
        }
        if (!r.ok()) {
            failed.incrementAndGet();
        }
        try {
            audit.executed(a, event, r);
        } finally {
            executed.incrementAndGet();
            try {
                if (listener != null) {
                    listener.accept(new Delivery(a, event, r));
                }
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    public Stats stats() {
        return new Stats(received.get(), executed.get(), failed.get(), duplicates.get(), rateLimited.get(), queueFull.get());
    }

    /** Waits until every queued execution has finished, at most {@code timeout}; true if none is left. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Stops taking events, waits up to the drain bound for queued executions, audits the suppression summary. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        pool.shutdown();
        try {
            pool.awaitTermination(limits.drain().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        audit.suppressed(stats());
    }
}
