package org.comfyapi.server.queue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A runner for consumer tests: records every run, can hold a job until the test releases it, and
 * answers with an outcome the test chooses per job id (delivered unless told otherwise).
 */
final class FakeRunner implements QueuedJobRunner {
    final BlockingQueue<QueuedJob> started = new LinkedBlockingQueue<>();
    final List<QueuedJob> runs = new CopyOnWriteArrayList<>();
    final List<QueuedJob> delivered = new CopyOnWriteArrayList<>();
    final Map<String, String> deadLettered = new ConcurrentHashMap<>();
    final Set<String> finalJobs = ConcurrentHashMap.newKeySet();
    final Set<String> workflows = ConcurrentHashMap.newKeySet();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> deliveryGates = new ConcurrentHashMap<>();
    private final Map<String, Function<QueuedJob, RunOutcome>> outcomes = new ConcurrentHashMap<>();

    /** Makes runs of {@code jobId} wait until {@link #release} (or 60 s). */
    void hold(String jobId) {
        gates.put(jobId, new CountDownLatch(1));
    }

    /** Makes runs of {@code jobId} finish at ComfyUI at once but wait in delivery until {@link #release}. */
    void holdDelivery(String jobId) {
        deliveryGates.put(jobId, new CountDownLatch(1));
    }

    void release(String jobId) {
        CountDownLatch delivery = deliveryGates.remove(jobId);
        if (delivery != null) delivery.countDown();
        CountDownLatch gate = gates.remove(jobId);
        if (gate != null) gate.countDown();
    }

    void answer(String jobId, Function<QueuedJob, RunOutcome> outcome) {
        outcomes.put(jobId, outcome);
    }

    QueuedJob awaitStart() throws InterruptedException {
        QueuedJob job = started.poll(30, TimeUnit.SECONDS);
        if (job == null) throw new AssertionError("no job started within 30 s");
        return job;
    }

    long runsOf(String jobId) {
        return runs.stream().filter(j -> j.jobId().equals(jobId)).count();
    }

    @Override
    public boolean knowsRoute(String route) {
        return workflows.contains(route.substring("/workflow/".length()));
    }

    @Override
    public boolean isFinal(QueuedJob job) {
        return finalJobs.contains(job.jobId());
    }

    @Override
    public RunOutcome run(QueuedJob job, Runnable computed) {
        runs.add(job);
        started.add(job);
        CountDownLatch gate = gates.get(job.jobId());
        if (gate != null) {
            try {
                if (!gate.await(60, TimeUnit.SECONDS)) return RunOutcome.unfinished("test never released the job");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return RunOutcome.unfinished("interrupted");
            }
        }
        computed.run();
        CountDownLatch delivery = deliveryGates.get(job.jobId());
        if (delivery != null) {
            try {
                if (!delivery.await(60, TimeUnit.SECONDS)) return RunOutcome.unfinished("test never released the delivery");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return RunOutcome.unfinished("interrupted");
            }
        }
        RunOutcome outcome = outcomes.getOrDefault(job.jobId(), j -> RunOutcome.delivered()).apply(job);
        if (outcome instanceof RunOutcome.Delivered) {
            finalJobs.add(job.jobId());
            delivered.add(job);
        }
        return outcome;
    }

    @Override
    public void deadLettered(QueuedJob job, String error) {
        deadLettered.put(job.jobId(), error);
        finalJobs.add(job.jobId());
    }
}
