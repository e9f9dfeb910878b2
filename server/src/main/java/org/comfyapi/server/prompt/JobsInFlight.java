package org.comfyapi.server.prompt;

import org.comfyapi.server.error.Unavailable;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Jobs accepted and not yet delivered (sync answers written, webhooks sent, uploads done), so the
 * server stops only after they are. Once closed it admits no new job.
 */
public final class JobsInFlight {
    private int count;
    private boolean closed;

    /** One admitted job; closing it says the job is delivered. */
    public interface Job extends AutoCloseable {
        @Override
        void close();
    }

    /** A stopping server sends new jobs elsewhere; by then a replacement may be up. */
    private static final Duration RETRY_AFTER_STOPPING = Duration.ofSeconds(5);

    /** Admits a job; a 503 once the server stops taking jobs. */
    public synchronized Job admit() {
        if (closed) {
            throw new Unavailable("The server is shutting down and takes no new jobs; send it to another instance "
                    + "or try again later", "server", Optional.of(RETRY_AFTER_STOPPING));
        }
        count++;
        return new Job() {
            private boolean done;

            @Override
            public void close() {
                synchronized (JobsInFlight.this) {
                    if (done) return;
                    done = true;
                    count--;
                    JobsInFlight.this.notifyAll();
                }
            }
        };
    }

    /** Admits nothing from now on. */
    public synchronized void close() {
        closed = true;
    }

    public synchronized int count() {
        return count;
    }

    /** Waits until every admitted job is delivered; false when {@code max} passed first. */
    public synchronized boolean awaitIdle(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (count > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
