package org.comfyapi.server.job;

import org.comfyapi.server.config.JobRetention;
import org.comfyapi.server.error.Conflict;
import org.comfyapi.server.log.Log;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * Every job from the moment its request is accepted until it expires: the one place that changes a
 * job's state and tells its subscribers. The prompt path reports each stage here; the HTTP routes read.
 * Changes to an unknown (expired) or finished job are ignored, so a late report never resurrects one.
 */
public final class JobRegistry implements AutoCloseable {
    private static final Log LOG = Log.get("job");
    private static final long MIN_SWEEP_MS = 1_000;
    private static final long MAX_SWEEP_MS = 30_000;

    private final JobStore store;
    private final KeptOutputs kept;
    private final JobRetention settings;
    private final LongSupplier clock;
    private volatile JobCanceller canceller = JobCanceller.NONE;
    private Thread sweeper;

    public JobRegistry(JobStore store, JobRetention settings, LongSupplier clock) {
        this.store = store;
        this.settings = settings;
        this.kept = new KeptOutputs(settings.keptRoot());
        this.clock = clock;
    }

    public static JobRegistry inMemory(JobRetention settings) {
        return new JobRegistry(new InMemoryJobStore(JobRetention.SUBSCRIBER_CAPACITY), settings, System::currentTimeMillis);
    }

    /** Wipes what a previous run kept and starts expiring finished jobs. */
    public synchronized void start() {
        kept.wipe();
        if (sweeper != null) return;
        long every = Math.clamp(settings.retention().toMillis() / 10, MIN_SWEEP_MS, MAX_SWEEP_MS);
        sweeper = Thread.ofVirtual().name("job-expiry").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
                sweep();
            }
        });
    }

    public void setCanceller(JobCanceller canceller) {
        this.canceller = canceller;
    }

    /**
     * A new job, queued. A finished job with the same id is replaced (its kept files deleted).
     *
     * @throws Conflict when that id is queued or running
     */
    public JobState accept(String id) {
        JobState job = JobState.queued(id, clock.getAsLong());
        store.create(job).ifPresent(old -> kept.delete(id));
        return job;
    }

    /** The prompt is in ComfyUI's queue, {@code position} prompts ahead of it. */
    public void sentToComfy(String id, String comfyPromptId, int position) {
        changeAndAnnounce(id, s -> s.status().isFinal() ? s : s.sentToComfy(comfyPromptId, position));
    }

    public void queuePosition(String id, int position) {
        changeAndAnnounce(id, s -> s.atPosition(position));
    }

    public void running(String id) {
        changeAndAnnounce(id, s -> s.running(clock.getAsLong()));
    }

    /** A node started: progress moves to it, and subscribers get a {@code node} event. */
    public void nodeStarted(String id, String node, String classType, boolean cached) {
        Optional<JobState> now = change(id, s -> s.withProgress(new Progress(node, classType, 0, 1)));
        if (now.isPresent()) store.publish(id, JobEvent.node(node, classType, cached));
    }

    public void progress(String id, Progress progress) {
        Optional<JobState> now = change(id, s -> s.withProgress(progress));
        if (now.isPresent()) store.publish(id, JobEvent.progress(progress));
    }

    /** A preview image of a running job ({@code data:} URI); only live subscribers see it. */
    public void preview(String id, String node, String dataUri) {
        store.get(id).filter(s -> !s.status().isFinal()).ifPresent(s -> store.publish(id, JobEvent.preview(node, dataUri)));
    }

    public void output(String id, JobOutput output) {
        Optional<JobState> now = change(id, s -> s.withOutput(output));
        if (now.isPresent()) store.publish(id, JobEvent.output(output));
    }

    /**
     * The job ended. The first end wins: a later one changes nothing and returns the state as it was.
     *
     * @param ui    JSON object of non-file outputs, or null
     * @param error JSON error body for any end but {@code completed}, or null
     */
    public Optional<JobState> finish(String id, JobStatus status, String ui, String error) {
        boolean[] changed = new boolean[1];
        Optional<JobState> now = store.update(id, s -> {
            JobState next = s.finished(status, clock.getAsLong(), ui, error);
            changed[0] = next != s;
            return next;
        });
        if (now.isPresent() && changed[0]) {
            store.publish(id, JobEvent.terminal(now.get()));
            LOG.debug("job finished", "request_id", id, "status", status.wire());
            sweep();
        }
        return now;
    }

    public Optional<JobState> get(String id) {
        return store.get(id);
    }

    public Optional<JobSubscription> subscribe(String id) {
        return store.subscribe(id);
    }

    /** The folder where a job's outputs are kept for download. */
    public Path keptDir(String id) throws IOException {
        return kept.dir(id);
    }

    /** The URL path a kept output is served at. */
    public static String keptUrl(String id, String filename) {
        return "/prompt/" + id + "/outputs/" + filename;
    }

    /** A kept output of that job, by the file name listed in its outputs; nothing else is reachable. */
    public Optional<KeptFile> keptOutput(String id, String filename) {
        Optional<JobState> job = store.get(id);
        if (job.isEmpty()) return Optional.empty();
        String url = keptUrl(id, filename);
        return job.get().outputs().stream().filter(o -> o.filename().equals(filename) && url.equals(o.url()))
                .findFirst()
                .flatMap(o -> kept.find(id, filename).map(path -> new KeptFile(path, o.contentType())));
    }

    public record KeptFile(Path path, String contentType) {
    }

    /**
     * {@code DELETE}: stops the job if it is queued or running, waits for it to end (up to {@code wait}),
     * and deletes its kept files. A job not running here is ended at once and then stopped wherever it runs.
     * Empty for an unknown id.
     */
    public Optional<JobState> cancel(String id, Duration wait, String error) throws InterruptedException {
        Optional<JobState> job = store.get(id);
        if (job.isEmpty()) return job;
        if (!job.get().status().isFinal()) {
            boolean stopping = canceller.cancel(id);
            if (stopping) awaitEnd(id, wait);
            finish(id, JobStatus.INTERRUPTED, null, error);
            // after the finish: an instance that is about to send the job to its ComfyUI sees it ended
            if (!stopping) canceller.cancelElsewhere(id);
        }
        kept.delete(id);
        return store.get(id);
    }

    private void awaitEnd(String id, Duration wait) throws InterruptedException {
        Optional<JobSubscription> sub = store.subscribe(id);
        if (sub.isEmpty()) return;
        long deadline = System.nanoTime() + wait.toNanos();
        try (JobSubscription events = sub.get()) {
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                JobEvent e = events.next(Duration.ofNanos(left));
                if (e == null || e.isTerminal()) return;
            }
        }
    }

    /** Removes finished jobs past retention and their kept files. */
    public void sweep() {
        List<JobState> gone = store.expire(clock.getAsLong() - settings.retention().toMillis(), settings.maxRetained());
        for (JobState job : gone) kept.delete(job.id());
        if (!gone.isEmpty()) LOG.debug("jobs expired", "count", gone.size());
    }

    public int size() {
        return store.size();
    }

    private Optional<JobState> change(String id, UnaryOperator<JobState> change) {
        return store.update(id, s -> s.status().isFinal() ? s : change.apply(s)).filter(s -> !s.status().isFinal());
    }

    /** A change that subscribers see as a new {@code status} event. */
    private void changeAndAnnounce(String id, UnaryOperator<JobState> change) {
        JobState[] before = new JobState[1];
        Optional<JobState> now = store.update(id, s -> {
            before[0] = s;
            return s.status().isFinal() ? s : change.apply(s);
        });
        if (now.isPresent() && !now.get().json().equals(before[0].json())) store.publish(id, JobEvent.status(now.get()));
    }

    @Override
    public synchronized void close() {
        if (sweeper != null) sweeper.interrupt();
        store.close();
    }
}
