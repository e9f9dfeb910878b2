package org.comfyapi.server.queue;

import org.comfyapi.server.log.Log;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Takes jobs from the stream {@code <QUEUE_NAME>} as one consumer of the group {@code <QUEUE_NAME>}
 * (SPEC 10.4): reads only while this instance has room, runs each job through a
 * {@link QueuedJobRunner}, acknowledges after delivery, keeps leases of running jobs fresh, claims
 * jobs whose lease expired, and sends jobs that used up their attempts, and entries that are not
 * jobs at all, to {@code <QUEUE_NAME>:dead}.
 */
public final class QueueConsumer implements AutoCloseable {
    private static final Log LOG = Log.get("queue");
    private static final Duration READ_BLOCK = Duration.ofSeconds(1);
    private static final Duration CAPACITY_POLL = Duration.ofMillis(100);
    private static final long DEAD_MAX_LEN = 100_000;
    /** Jobs still being delivered are not ComfyUI's work, but only so many may pile up. */
    private static final int MAX_DELIVERING_PER_PREFETCH = 2;

    private final UnifiedJedis redis;
    private final QueueSettings settings;
    private final QueueKeys keys;
    private final String consumer;
    private final QueuedJobRunner runner;
    private final QueueCapacity capacity;
    private final EntryParser parser;
    private final Leases leases;
    /** Taken and not acknowledged yet: entry id to job id. */
    private final Map<String, String> running = new ConcurrentHashMap<>();
    /** Taken and not done at ComfyUI yet: what counts against QUEUE_PREFETCH. */
    private final Set<String> computing = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Backoff backoff = new Backoff();

    private volatile boolean stopping;
    private volatile boolean closed;
    private volatile boolean redisDown;
    private Thread loop;
    private Thread leaseKeeper;
    private boolean groupReady;
    private StreamEntryID claimCursor = new StreamEntryID(0, 0);
    private long nextClaimNanos;

    public QueueConsumer(UnifiedJedis redis, QueueSettings settings, String consumer,
                         QueuedJobRunner runner, QueueCapacity capacity) {
        this.redis = redis;
        this.settings = settings;
        this.keys = settings.keys();
        this.consumer = consumer;
        this.runner = runner;
        this.capacity = capacity;
        this.parser = new EntryParser(runner::knowsRoute);
        this.leases = new Leases(redis, keys, consumer);
    }

    /** This process's name in the consumer group: host, process id and a random suffix. */
    public static String defaultName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "host";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
    }

    public String consumerName() {
        return consumer;
    }

    public synchronized void start() {
        if (loop != null) return;
        loop = Thread.ofVirtual().name("queue-consumer").start(this::consume);
        leaseKeeper = Thread.ofVirtual().name("queue-leases").start(this::keepLeases);
        LOG.info("Queue consumer started", "queue", keys.name(), "consumer", consumer,
                "redis", settings.redactedUrl(), "prefetch", settings.prefetch());
    }

    /** Jobs taken and not yet finished. */
    public int running() {
        return running.size();
    }

    /** Ids of the jobs taken and not finished yet. */
    public Collection<String> runningJobIds() {
        return List.copyOf(running.values());
    }

    /** Stops taking new jobs (SIGTERM); jobs already running go on and are acknowledged when delivered. */
    public void stopTaking() {
        stopping = true;
        signal();
    }

    /** Waits until every running job has finished and been acknowledged; false if {@code timeout} passed first. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!running.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking jobs and stops the background threads; jobs still running are left to be claimed elsewhere. */
    @Override
    public void close() {
        stopTaking();
        closed = true;
        signal();
        Thread current = loop;
        if (current != null) {
            current.interrupt();
            joinQuietly(current);
            leaseKeeper.interrupt();
            joinQuietly(leaseKeeper);
        }
        if (running.isEmpty()) forgetConsumer();
    }

    private void consume() {
        while (!stopping) {
            try {
                if (!groupReady) createGroup();
                int free = awaitRoom();
                if (free <= 0) continue;
                if (System.nanoTime() >= nextClaimNanos) {
                    free -= claimExpired(free);
                    nextClaimNanos = System.nanoTime() + claimInterval().toNanos();
                    if (free <= 0) continue;
                }
                readNew(free);
                reachable();
            } catch (JedisException e) {
                if (stopping) break;
                if (e instanceof JedisDataException && e.getMessage() != null && e.getMessage().startsWith("NOGROUP")) {
                    groupReady = false;
                    LOG.warn("Queue stream or group vanished; creating it again", "queue", keys.name());
                } else {
                    unreachable(e);
                }
            } catch (RuntimeException e) {
                LOG.error("Queue consumer error", "error", String.valueOf(e));
                pause(backoff.next());
            }
        }
        LOG.info("Queue consumer stopped taking jobs", "consumer", consumer, "running", running.size());
    }

    private void createGroup() {
        try {
            redis.xgroupCreate(keys.stream(), keys.group(), new StreamEntryID(0, 0), true);
            LOG.info("Created queue consumer group", "queue", keys.name());
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) throw e;
        }
        groupReady = true;
        claimCursor = new StreamEntryID(0, 0);
    }

    /** Blocks until this instance may take at least one more job; returns how many, or 0 when stopping. */
    private int awaitRoom() {
        lock.lock();
        try {
            while (!stopping) {
                int free = Math.min(settings.prefetch() - Math.max(computing.size(), capacity.busy()),
                        MAX_DELIVERING_PER_PREFETCH * settings.prefetch() - running.size());
                if (free > 0) return free;
                changed.await(CAPACITY_POLL.toMillis(), TimeUnit.MILLISECONDS);
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
            return 0;
        } finally {
            lock.unlock();
        }
    }

    private void readNew(int free) {
        var read = redis.xreadGroup(keys.group(), consumer,
                XReadGroupParams.xReadGroupParams().count(free).block((int) READ_BLOCK.toMillis()),
                Map.of(keys.stream(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        if (read == null) return;
        for (var stream : read) {
            for (StreamEntry entry : stream.getValue()) take(entry, 1);
        }
    }

    /** Claims entries whose lease expired; returns how many it started. */
    private int claimExpired(int free) {
        var claimed = redis.xautoclaim(keys.stream(), keys.group(), consumer, settings.claimIdle().toMillis(),
                claimCursor, XAutoClaimParams.xAutoClaimParams().count(free));
        claimCursor = claimed.getKey();
        int started = 0;
        for (StreamEntry entry : claimed.getValue()) {
            if (entry == null || entry.getFields() == null) continue;
            int attempt = deliveries(entry.getID());
            LOG.info("Claimed a job whose lease expired", "entry", entry.getID(), "attempt", attempt);
            if (take(entry, attempt)) started++;
        }
        return started;
    }

    private int deliveries(StreamEntryID id) {
        List<StreamPendingEntry> pending = redis.xpending(keys.stream(), keys.group(),
                XPendingParams.xPendingParams(id, id, 1));
        return pending.isEmpty() ? 1 : (int) Math.min(Integer.MAX_VALUE, pending.getFirst().getDeliveredTimes());
    }

    /** Starts a job for the entry unless it goes straight to the dead letters or is already final; true if started. */
    private boolean take(StreamEntry entry, int attempt) {
        String entryId = entry.getID().toString();
        switch (parser.parse(entryId, entry.getFields(), attempt)) {
            case EntryParser.Malformed(String reason) -> {
                LOG.warn("Malformed queue entry sent to the dead letters", "entry", entryId, "reason", reason);
                deadLetter(entryId, entry.getFields(), null, reason, attempt);
                return false;
            }
            case EntryParser.Job(QueuedJob job) -> {
                if (runner.isFinal(job)) {
                    LOG.info("Queued job already final; acknowledging it", "id", job.jobId(), "entry", entryId);
                    finish(entryId, attempt);
                    return false;
                }
                if (attempt > settings.maxAttempts()) {
                    String last = redis.hget(keys.attemptErrors(), entryId);
                    String error = "Gave up after " + settings.maxAttempts() + " attempts: "
                            + (last != null ? last : "the instance running it stopped before it finished");
                    LOG.warn("Queued job sent to the dead letters", "id", job.jobId(), "entry", entryId, "error", error);
                    runner.deadLettered(job, error);
                    deadLetter(entryId, entry.getFields(), job.jobId(), error, attempt);
                    return false;
                }
                running.put(entryId, job.jobId());
                computing.add(entryId);
                Thread.ofVirtual().name("queue-job-" + job.jobId()).start(() -> run(job, entry.getFields()));
                return true;
            }
        }
    }

    private void run(QueuedJob job, Map<String, String> fields) {
        try {
            RunOutcome outcome;
            try {
                outcome = runner.run(job, () -> {
                    computing.remove(job.entryId());
                    signal();
                });
            } catch (RuntimeException e) {
                LOG.error("Queued job runner threw", "id", job.jobId(), "error", String.valueOf(e));
                outcome = RunOutcome.unfinished(e.getMessage() == null ? e.toString() : e.getMessage());
            }
            switch (outcome) {
                case RunOutcome.Delivered d -> retrying("acknowledge " + job.entryId(), () -> finish(job.entryId(), job.attempt()));
                case RunOutcome.Unfinished(String error) -> {
                    LOG.warn("Queued job left for another attempt", "id", job.jobId(), "attempt", job.attempt(), "error", error);
                    retrying("record the error of " + job.entryId(),
                            () -> redis.hset(keys.attemptErrors(), job.entryId(), error));
                }
                case RunOutcome.Rejected(String reason) -> {
                    LOG.warn("Queued job is not a valid request; sent to the dead letters", "id", job.jobId(), "reason", reason);
                    retrying("dead-letter " + job.entryId(),
                            () -> deadLetter(job.entryId(), fields, job.jobId(), reason, job.attempt()));
                }
            }
        } finally {
            computing.remove(job.entryId());
            running.remove(job.entryId());
            signal();
        }
    }

    /**
     * Acknowledges a finished entry and removes it from the stream, in one round trip. Only a retried
     * entry can have an error recorded.
     */
    private void finish(String entryId, int attempt) {
        StreamEntryID id = new StreamEntryID(entryId);
        try (AbstractPipeline pipe = redis.pipelined()) {
            pipe.xack(keys.stream(), keys.group(), id);
            pipe.xdel(keys.stream(), id);
            if (attempt > 1) pipe.hdel(keys.attemptErrors(), entryId);
            pipe.sync();
        }
    }

    private void deadLetter(String entryId, Map<String, String> fields, String jobId, String reason, int attempts) {
        Map<String, String> dead = new LinkedHashMap<>();
        dead.put("entry", entryId);
        if (jobId != null) dead.put("id", jobId);
        if (fields.containsKey("route")) dead.put("route", fields.get("route"));
        if (fields.containsKey("body")) dead.put("body", fields.get("body"));
        dead.put("error", reason);
        dead.put("attempts", String.valueOf(attempts));
        dead.put("failed_at", Instant.now().toString());
        StreamEntryID id = new StreamEntryID(entryId);
        try (AbstractTransaction tx = redis.multi()) {
            tx.xadd(keys.dead(), XAddParams.xAddParams().maxLen(DEAD_MAX_LEN).approximateTrimming(), dead);
            tx.xack(keys.stream(), keys.group(), id);
            tx.xdel(keys.stream(), id);
            tx.hdel(keys.attemptErrors(), entryId);
            tx.exec();
        }
    }

    private void keepLeases() {
        Duration every = settings.claimIdle().dividedBy(3);
        while (!closed) {
            if (!pauseUnlessClosed(every)) return;
            if (running.isEmpty()) continue;
            try {
                List<String> lost = leases.refresh(List.copyOf(running.keySet()));
                if (!lost.isEmpty()) LOG.warn("Lost the lease of running jobs; another instance may run them too", "entries", lost);
            } catch (JedisException e) {
                LOG.debug("Lease refresh failed", "error", String.valueOf(e));
            }
        }
    }

    /** Runs a Redis write until it succeeds, backing off while Redis is unreachable, until the consumer is closed. */
    private void retrying(String what, Runnable write) {
        Backoff delays = new Backoff();
        while (true) {
            try {
                write.run();
                return;
            } catch (JedisException e) {
                if (closed) {
                    LOG.warn("Could not " + what + " before closing; another instance will see it again", "error", String.valueOf(e));
                    return;
                }
                Duration delay = delays.next();
                LOG.warn("Could not " + what + "; retrying", "in_ms", delay.toMillis(), "error", String.valueOf(e));
                if (!pauseUnlessClosed(delay)) return;
            }
        }
    }

    private void unreachable(JedisException e) {
        Duration delay = backoff.next();
        if (!redisDown) {
            LOG.warn("Redis unreachable; the queue consumer will reconnect", "redis", settings.redactedUrl(),
                    "error", String.valueOf(e));
        }
        LOG.debug("Queue consumer reconnecting", "in_ms", delay.toMillis());
        redisDown = true;
        groupReady = false;
        pause(delay);
    }

    private void reachable() {
        if (redisDown) {
            LOG.info("Redis reachable again; the queue consumer goes on", "redis", settings.redactedUrl());
            redisDown = false;
        }
        backoff.reset();
    }

    private Duration claimInterval() {
        Duration quarter = settings.claimIdle().dividedBy(4);
        return quarter.compareTo(Duration.ofMillis(250)) < 0 ? Duration.ofMillis(250) : quarter;
    }

    /** Waits {@code delay} unless the consumer stops taking jobs first. */
    private void pause(Duration delay) {
        long deadline = System.nanoTime() + delay.toNanos();
        lock.lock();
        try {
            while (!stopping) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        } finally {
            lock.unlock();
        }
    }

    private boolean pauseUnlessClosed(Duration delay) {
        long deadline = System.nanoTime() + delay.toNanos();
        lock.lock();
        try {
            while (!closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return true;
                changed.awaitNanos(left);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void forgetConsumer() {
        try {
            long pending = redis.xpending(keys.stream(), keys.group(),
                    XPendingParams.xPendingParams().count(1).consumer(consumer)).size();
            if (pending == 0) redis.xgroupDelConsumer(keys.stream(), keys.group(), consumer);
        } catch (JedisException e) {
            LOG.debug("Could not remove the consumer from its group", "error", String.valueOf(e));
        }
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
