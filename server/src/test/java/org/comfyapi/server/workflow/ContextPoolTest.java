package org.comfyapi.server.workflow;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gate every workflow request passes: up to {@code max} requests run JavaScript at once, each in a
 * context of its own (a GraalJS context is single-threaded), and a request beyond that waits for one to
 * come back. Uses real contexts with no workflow files; the work itself waits on latches.
 */
class ContextPoolTest {
    private static final String SETUP = """
            {"workflowDir": "/nowhere", "files": [], "environment": {"models": {}, "modelDirs": {}, "samplers": [],
             "schedulers": [], "warmupCkpt": null, "port": 8188, "dirs": {}}, "processEnv": {}}""";

    private final AtomicInteger made = new AtomicInteger();
    private final ContextPool pool = new ContextPool(() -> {
        made.incrementAndGet();
        return new WorkflowContext(Map.of(), SETUP, Duration.ofSeconds(30), false);
    }, 3);
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void close() {
        threads.shutdownNow();
        pool.close();
    }

    @Test
    void maxRequestsAreInsideAtOnceEachWithItsOwnContext() throws Exception {
        CountDownLatch allInside = new CountDownLatch(3);
        List<Future<WorkflowContext>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(threads.submit(() -> pool.use(context -> {
                allInside.countDown();
                await(allInside); // returns only if the other two are inside at the same time
                return context;
            })));
        }
        List<WorkflowContext> contexts = new ArrayList<>();
        for (Future<WorkflowContext> call : calls) contexts.add(call.get(60, TimeUnit.SECONDS));
        assertThat(contexts).doesNotHaveDuplicates();
        assertThat(made).hasValue(3);

        WorkflowContext again = pool.use(context -> context);
        assertThat(contexts).as("a context is reused once given back").contains(again);
        assertThat(made).hasValue(3);
    }

    @Test
    void aRequestBeyondTheMaxWaitsForAContextToComeBack() throws Exception {
        CountDownLatch inside = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<WorkflowContext>> holders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            holders.add(threads.submit(() -> pool.use(context -> {
                inside.countDown();
                await(release);
                return context;
            })));
        }
        assertThat(inside.await(60, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<WorkflowContext> fourth = new CompletableFuture<>();
        Thread waiting = Thread.ofPlatform().start(() -> fourth.complete(pool.use(context -> context)));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (waiting.getState() != Thread.State.WAITING) { // parked at the gate: its work never blocks
            assertThat(System.nanoTime()).as("fourth request parked").isLessThan(deadline);
            assertThat(fourth).as("the fourth must not get in while three are inside").isNotDone();
            Thread.sleep(5);
        }
        assertThat(fourth).isNotDone();
        release.countDown();
        List<WorkflowContext> given = new ArrayList<>();
        for (Future<WorkflowContext> holder : holders) given.add(holder.get(60, TimeUnit.SECONDS));
        assertThat(given).as("the fourth got one of the three, not a context of its own").contains(fourth.get(60, TimeUnit.SECONDS));
        assertThat(made).hasValue(3);
    }

    @Test
    void aClosedPoolClosesContextsAsTheyComeBackAndStillServes() {
        WorkflowContext first = pool.use(context -> context);
        pool.close();
        WorkflowContext after = pool.use(context -> context);
        assertThat(after).isNotSameAs(first);
        assertThat(made).hasValue(2);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) throw new AssertionError("latch not reached within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
