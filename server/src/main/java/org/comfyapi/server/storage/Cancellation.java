package org.comfyapi.server.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets one thread stop another's transfer: the transfer registers hooks that abort whatever
 * blocks it (a pending future, a stream), and wraps its input so the next read fails.
 */
final class Cancellation {
    private final List<Runnable> hooks = new CopyOnWriteArrayList<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile String reason;

    /** Cancels once; later calls keep the first reason. */
    void cancel(String why) {
        synchronized (this) {
            if (reason != null) return;
            reason = why;
        }
        for (Runnable hook : hooks) hook.run();
    }

    boolean cancelled() {
        return reason != null;
    }

    String reason() {
        return reason;
    }

    /** Runs {@code hook} on cancel, or at once when already cancelled. */
    void onCancel(Runnable hook) {
        hooks.add(hook);
        if (cancelled()) hook.run();
    }

    /** Marks the transfer as no longer touching the destination. */
    void finish() {
        finished.countDown();
    }

    boolean awaitFinish(long millis) throws InterruptedException {
        return finished.await(millis, TimeUnit.MILLISECONDS);
    }

    InputStream guard(InputStream in) {
        return new FilterInputStream(in) {
            @Override public int read() throws IOException {
                check();
                return super.read();
            }

            @Override public int read(byte[] b, int off, int len) throws IOException {
                check();
                return super.read(b, off, len);
            }

            private void check() throws InterruptedIOException {
                if (cancelled()) throw new InterruptedIOException(reason);
            }
        };
    }
}
