package org.comfyapi.server.queue;

import org.comfyapi.server.error.Conflict;
import org.comfyapi.server.error.Unavailable;
import org.comfyapi.server.job.InMemoryJobStore;
import org.comfyapi.server.job.JobEvent;
import org.comfyapi.server.job.JobState;
import org.comfyapi.server.job.JobStatus;
import org.comfyapi.server.job.JobStore;
import org.comfyapi.server.job.JobSubscription;
import org.comfyapi.server.log.Log;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The job store of queue mode: jobs live in Redis so every instance sees them, except while Redis is
 * unreachable, when a new job (a synchronous request; asynchronous ones are refused then) is kept in
 * this process so that synchronous requests keep working.
 */
public final class FleetJobStore implements JobStore {
    private static final Log LOG = Log.get("queue.jobs");

    private final InMemoryJobStore local;
    private final RedisJobStore shared;

    public FleetJobStore(InMemoryJobStore local, RedisJobStore shared) {
        this.local = local;
        this.shared = shared;
    }

    @Override
    public Optional<JobState> create(JobState job) {
        Optional<JobState> here = local.get(job.id());
        if (here.isPresent() && !here.get().status().isFinal()) throw conflict(job.id(), here.get().status());
        try {
            return shared.create(job);
        } catch (Unavailable e) {
            LOG.warn("Redis unreachable; this job is kept on this instance only", "id", job.id());
            return local.create(job);
        }
    }

    @Override
    public Optional<JobState> get(String id) {
        Optional<JobState> here = local.get(id);
        return here.isPresent() ? here : shared.get(id);
    }

    @Override
    public Optional<JobState> update(String id, UnaryOperator<JobState> change) {
        return local.get(id).isPresent() ? local.update(id, change) : shared.update(id, change);
    }

    @Override
    public void publish(String id, JobEvent event) {
        if (local.get(id).isPresent()) local.publish(id, event);
        else shared.publish(id, event);
    }

    @Override
    public Optional<JobSubscription> subscribe(String id) {
        return local.get(id).isPresent() ? local.subscribe(id) : shared.subscribe(id);
    }

    @Override
    public List<JobState> expire(long finishedBefore, int keepAtMost) {
        List<JobState> gone = new ArrayList<>(local.expire(finishedBefore, keepAtMost));
        gone.addAll(shared.expire(finishedBefore, keepAtMost));
        return gone;
    }

    @Override
    public int size() {
        try {
            return local.size() + shared.size();
        } catch (Unavailable e) {
            return local.size();
        }
    }

    /** The same 409 the in-memory store gives, for a job another instance (or this one) holds. */
    static Conflict conflict(String id, JobStatus status) {
        return new Conflict("A job with id \"" + id + "\" is already " + status.wire(), "id");
    }

    @Override
    public void close() {
        local.close();
        shared.close();
    }
}
