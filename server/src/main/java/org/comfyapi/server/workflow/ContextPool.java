package org.comfyapi.server.workflow;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Up to {@code max} workflow contexts, made when first needed and reused most-recent-first (its
 * modules are loaded and its code warm). A caller waits only when all {@code max} are busy.
 */
final class ContextPool implements AutoCloseable {
    private final Supplier<WorkflowContext> factory;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<WorkflowContext> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    ContextPool(Supplier<WorkflowContext> factory, int max) {
        this.factory = factory;
        this.permits = new Semaphore(max, true);
    }

    /** Puts an already made context (the one that loaded the files) at the caller's disposal. */
    void offer(WorkflowContext context) {
        giveBack(context);
    }

    <T> T use(Function<WorkflowContext, T> work) {
        permits.acquireUninterruptibly();
        WorkflowContext context = null;
        try {
            context = idle.pollFirst();
            if (context == null) context = factory.get();
            return work.apply(context);
        } finally {
            if (context != null) giveBack(context);
            permits.release();
        }
    }


    private void giveBack(WorkflowContext context) {
        if (closed || !context.usable()) {
            context.close();
            return;
        }
        idle.addFirst(context);
        // close() may have drained the deque between the check and the add.
        if (closed && idle.remove(context)) context.close();
    }

    /** Closes idle contexts now and busy ones when they come back; later callers still get fresh ones. */
    @Override
    public void close() {
        closed = true;
        for (WorkflowContext context; (context = idle.pollFirst()) != null; ) context.close();
    }
}
