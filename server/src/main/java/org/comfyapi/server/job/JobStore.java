package org.comfyapi.server.job;

import org.comfyapi.server.error.Conflict;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where job state lives and how its events reach subscribers. {@link JobRegistry} is the only caller
 * and holds every rule (which transitions, which events, retention, kept files); a store only keeps
 * and fans out, so the in-memory store and a shared one (Redis) are interchangeable under one code path.
 *
 * <p>The contract every implementation keeps:
 * <ul>
 * <li>{@link #create} is atomic per id: of two concurrent creates of one id at most one succeeds
 *     while the other sees it queued and throws {@link Conflict}. A finished job with the
 *     same id is replaced (and returned, so its kept files can be deleted); it also leaves the
 *     retention order. Redis: {@code HSETNX}/Lua on the hash {@code <QUEUE_NAME>:job:<id>} (fields
 *     as in {@link JobState}, {@code outputs}, {@code progress}, {@code ui} and {@code error} as JSON text).</li>
 * <li>{@link #update} applies the change atomically (compare-and-set or a Lua script retrying on a
 *     concurrent write) and returns the new state; a change that returns its input writes nothing.
 *     When the change makes a job final, the store records it in its retention order (finish time;
 *     Redis: a sorted set {@code <QUEUE_NAME>:jobs:finished} scored by {@code finished_at}).</li>
 * <li>{@link #publish} never blocks on subscribers. Every subscriber of the job, on any instance,
 *     receives the events published after it subscribed, in publish order (Redis: a stream
 *     {@code <QUEUE_NAME>:job:<id>:events} or a pub/sub channel, read by one thread per instance and
 *     handed to a local {@link Fanout}). A terminal event ends the job's streams.</li>
 * <li>{@link #subscribe} first gives the current state as a {@code status} event, consistently with
 *     the events after it (no gap; a duplicate of the latest progress is allowed); for a finished job,
 *     {@code status} and the terminal event, then the end. Empty for an unknown id.</li>
 * <li>{@link #expire} removes and returns finished jobs finished before the cutoff, and then the
 *     oldest finished ones beyond {@code keepAtMost}; never a queued or running job.</li>
 * </ul>
 */
public interface JobStore extends AutoCloseable {
    /**
     * Saves a new job (queued).
     *
     * @return the finished job it replaced, if any
     * @throws Conflict when a job with that id is queued or running
     */
    Optional<JobState> create(JobState job);

    Optional<JobState> get(String id);

    /** Applies a change to a job; empty if there is no such job. */
    Optional<JobState> update(String id, UnaryOperator<JobState> change);

    void publish(String id, JobEvent event);

    Optional<JobSubscription> subscribe(String id);

    /** Finished jobs past retention, removed. */
    List<JobState> expire(long finishedBefore, int keepAtMost);

    /** Jobs held now, finished ones included. */
    int size();

    @Override
    default void close() {
    }
}
