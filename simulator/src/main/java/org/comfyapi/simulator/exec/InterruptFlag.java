package org.comfyapi.simulator.exec;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** The process-wide interrupt_processing flag. */
public final class InterruptFlag {
    /** comfy.model_management.InterruptProcessingException. */
    public static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("Processing interrupted", null, false, false);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean set;

    public void set(boolean value) {
        lock.lock();
        try {
            set = value;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** throw_exception_if_processing_interrupted: clears the flag when it throws. */
    public void throwIfSet() {
        lock.lock();
        try {
            if (set) {
                set = false;
                throw new Interrupted();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code ms}; an interrupt arriving meanwhile ends the wait early and throws (clearing the flag). */
    public void sleep(long ms) {
        lock.lock();
        try {
            long left = TimeUnit.MILLISECONDS.toNanos(ms);
            while (!set && left > 0) left = changed.awaitNanos(left);
            if (set) {
                set = false;
                throw new Interrupted();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    public void blockUntilSet() {
        lock.lock();
        try {
            while (!set) changed.awaitUninterruptibly();
            set = false;
            throw new Interrupted();
        } finally {
            lock.unlock();
        }
    }
}
