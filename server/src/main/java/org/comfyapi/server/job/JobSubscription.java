package org.comfyapi.server.job;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One subscriber's bounded queue of events. The producer never waits: {@link #offer} only queues.
 * Memory is bounded by {@code capacity} events (the frames themselves are shared). When the queue is
 * half full, progress and preview events are skipped (later ones supersede them); when an event that
 * must not be lost finds it full, the subscriber is dropped: it receives {@link JobEvent#DROPPED} and
 * its stream ends, and a reconnect starts again from the current status.
 */
public final class JobSubscription implements AutoCloseable {
    private final int capacity;
    private final ArrayDeque<JobEvent> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private boolean ended;      // no more events will be queued (terminal queued, dropped, or closed)
    private boolean closed;     // the reader is gone
    private long skipped;
    private long lastTaken = System.nanoTime();  // nanoTime of the last take (or keep-alive queued)
    private Runnable onClose = () -> { };

    public JobSubscription(int capacity) {
        if (capacity < 4) throw new IllegalArgumentException("capacity must be at least 4");
        this.capacity = capacity;
    }

    /** Queues an event; never blocks. Returns false once this subscription takes no more events. */
    public boolean offer(JobEvent event) {
        lock.lock();
        try {
            if (ended) return false;
            if (event.kind() == JobEvent.Kind.SKIPPABLE && queue.size() >= capacity / 2) {
                skipped++;
                return true;
            }
            if (queue.size() >= capacity) {
                queue.clear();
                queue.add(JobEvent.DROPPED);
                ended = true;
            } else {
                queue.add(event);
                if (event.isTerminal()) ended = true;
            }
            ready.signal();
            return !ended;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next event; {@link JobEvent#KEEP_ALIVE} when nothing came within {@code wait}; null when the
     * stream is over (after the terminal event, or after a drop).
     */
    public JobEvent next(Duration wait) throws InterruptedException {
        long nanos = wait.toNanos();
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (ended || closed) return null;
                if (nanos <= 0) return JobEvent.KEEP_ALIVE;
                nanos = ready.awaitNanos(nanos);
            }
            return queue.poll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for events, then moves every queued one into {@code into} at once (one lock for the lot, for a
     * writer that puts them on the wire together). False, with nothing added, when the stream is over. There
     * is no deadline here, so no timer per wait: whoever waits on this makes sure of a wake-up by calling
     * {@link #keepAliveIfIdle} now and then (and {@link #close} ends the wait).
     */
    public boolean take(List<JobEvent> into) throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (ended || closed) return false;
                ready.await();
            }
            for (JobEvent e; (e = queue.poll()) != null; ) into.add(e);
            lastTaken = System.nanoTime();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@link JobEvent#KEEP_ALIVE} when the reader has taken nothing for {@code idle} and nothing waits
     * for it; a reader still busy with earlier events gets none.
     */
    public void keepAliveIfIdle(Duration idle) {
        lock.lock();
        try {
            if (ended || !queue.isEmpty() || System.nanoTime() - lastTaken < idle.toNanos()) return;
            queue.add(JobEvent.KEEP_ALIVE);
            lastTaken = System.nanoTime();
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Moves the events already queued (none when the queue is empty) into {@code into}, without waiting. */
    public void drainTo(List<JobEvent> into) {
        lock.lock();
        try {
            into.addAll(queue);
            queue.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Progress and preview events this subscriber missed because it read slowly. */
    public long skipped() {
        lock.lock();
        try {
            return skipped;
        } finally {
            lock.unlock();
        }
    }

    /** True once the queue takes no more events. */
    public boolean isEnded() {
        lock.lock();
        try {
            return ended || closed;
        } finally {
            lock.unlock();
        }
    }

    void onClose(Runnable action) {
        this.onClose = action;
    }

    /** The reader is done: frees the queue and unregisters from the job. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            ended = true;
            queue.clear();
            ready.signalAll();
        } finally {
            lock.unlock();
        }
        onClose.run();
    }
}
