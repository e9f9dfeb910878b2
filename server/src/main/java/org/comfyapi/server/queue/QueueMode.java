package org.comfyapi.server.queue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.error.Unavailable;
import org.comfyapi.server.job.JobCanceller;
import org.comfyapi.server.job.JobState;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.prompt.PromptPipeline;
import org.comfyapi.server.prompt.PromptRequest;
import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Queue mode of one instance (SPEC 10.4): asynchronous requests go to the stream instead of running
 * here, and the consumer takes jobs from it while this instance's ComfyUI has room.
 */
public final class QueueMode implements AutoCloseable {
    private static final Log LOG = Log.get("queue");
    private static final Duration ACK_WAIT = Duration.ofSeconds(5);

    private final QueueSettings settings;
    private final RedisClient redis;
    private final PromptPipeline pipeline;
    private final JobQueue jobs;
    private final Function<String, Optional<JobState>> states;
    private final FleetCancels cancels;
    private QueueConsumer consumer;
    private CancelListener cancelListener;

    /** @param states a job's current state by id (the shared job store) */
    public QueueMode(QueueSettings settings, RedisClient redis, PromptPipeline pipeline,
                     Function<String, Optional<JobState>> states) {
        this.settings = settings;
        this.redis = redis;
        this.pipeline = pipeline;
        this.jobs = new JobQueue(redis, settings.keys());
        this.states = states;
        this.cancels = new FleetCancels(pipeline::interrupt, redis, settings.keys());
    }

    /** What DELETE uses to stop a job: here when it runs here, else on the instance that runs it. */
    public JobCanceller canceller() {
        return cancels;
    }

    public QueueSettings settings() {
        return settings;
    }

    /**
     * Checks an asynchronous request and adds it to the stream; it runs on whichever instance takes it.
     *
     * @param body the request body as received (credentials included: the instance that runs it needs them)
     * @throws BadInput for a request that could not run, or that has no webhook, no upload and no
     *         {@code QUEUE_RESULTS_URL} to send its results to
     * @throws Unavailable when Redis cannot be reached
     */
    public void enqueue(PromptRequest request, ObjectNode body) {
        pipeline.check(request);
        if (!ResultsTarget.hasDelivery(body) && settings.resultsUrl().isEmpty()) {
            throw new BadInput("In queue mode a job needs a webhook, an upload, or QUEUE_RESULTS_URL on the server", "webhook");
        }
        pipeline.enqueued(request);
        String entry;
        try {
            entry = jobs.add(EntryParser.DEFAULT_ROUTE, body.toString());
        } catch (Unavailable e) {
            pipeline.notEnqueued(request, e);
            throw e;
        }
        LOG.debug("job queued", "request_id", request.id(), "entry", entry);
    }

    /** Starts taking jobs (once the instance is ready). */
    public synchronized void start(QueuedJobRunner runner, QueueCapacity capacity) {
        if (consumer != null) return;
        consumer = new QueueConsumer(redis, settings, QueueConsumer.defaultName(), runner, capacity);
        cancelListener = new CancelListener(settings, redis, pipeline::interrupt, consumer::runningJobIds,
                id -> states.apply(id).map(s -> s.status().isFinal()).orElse(false));
        cancelListener.start();
        consumer.start();
    }

    /** SIGTERM: takes no more jobs; the running ones finish as the server's jobs in flight (SHUTDOWN_GRACE_S). */
    public void stopTaking() {
        QueueConsumer current = consumer();
        if (current != null) current.stopTaking();
    }

    /** Lets the last acknowledgements go out, then stops; whatever still runs is taken over elsewhere. */
    @Override
    public void close() {
        QueueConsumer current = consumer();
        if (current != null) {
            current.stopTaking();
            try {
                if (!current.awaitIdle(ACK_WAIT)) {
                    LOG.warn("Queued jobs still running at shutdown; another instance takes them over", "running", current.running());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            current.close();
        }
        CancelListener listening = cancelListener();
        if (listening != null) listening.close();
        redis.close();
    }

    private synchronized QueueConsumer consumer() {
        return consumer;
    }

    private synchronized CancelListener cancelListener() {
        return cancelListener;
    }
}
