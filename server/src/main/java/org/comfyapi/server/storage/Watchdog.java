package org.comfyapi.server.storage;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fails transfers that stop moving. The JDK client's request timeout ends when headers arrive, so
 * a body that stalls (or an upload the server stops reading) needs its own idle timer.
 */
final class Watchdog {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "storage-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private Watchdog() {}

    /** A timer that fires {@code onStall} once when {@link Ticket#progress()} is not called for {@code idle}. */
    static Ticket watch(Duration idle, Runnable onStall) {
        return new Ticket(idle.toNanos(), onStall);
    }

    static final class Ticket implements AutoCloseable {
        private final long idleNanos;
        private final Runnable onStall;
        private final AtomicBoolean fired = new AtomicBoolean();
        private final ScheduledFuture<?> task;
        private volatile long lastProgress = System.nanoTime();

        private Ticket(long idleNanos, Runnable onStall) {
            this.idleNanos = idleNanos;
            this.onStall = onStall;
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(20), idleNanos / 8);
            this.task = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
        }

        void progress() {
            lastProgress = System.nanoTime();
        }

        boolean fired() {
            return fired.get();
        }

        private void check() {
            if (System.nanoTime() - lastProgress >= idleNanos && fired.compareAndSet(false, true)) {
                task.cancel(false);
                try {
                    onStall.run();
                } catch (RuntimeException ignored) {
                    // closing an already-broken stream may throw; the transfer reports the stall itself
                }
            }
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }
}
