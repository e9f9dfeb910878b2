package org.comfyapi.server.queue;

import org.comfyapi.server.error.Conflict;
import org.comfyapi.server.job.JobEvent;
import org.comfyapi.server.job.JobState;
import org.comfyapi.server.job.JobStatus;
import org.comfyapi.server.job.JobStore;
import org.comfyapi.server.job.JobSubscription;
import org.comfyapi.server.log.Log;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Jobs shared by every instance of a fleet (SPEC 10.4): each job is the hash {@code <QUEUE_NAME>:job:<id>}
 * (expiring {@code JOB_RETENTION_S} after it finishes), its events the stream
 * {@code <QUEUE_NAME>:events:<id>}, finished jobs in finish order the sorted set
 * {@code <QUEUE_NAME>:jobs:finished}. A subscriber on any instance reads the events stream with
 * {@code XREAD BLOCK}, so it sees what the instance running the job publishes.
 */
public final class RedisJobStore implements JobStore {
    private static final Log LOG = Log.get("queue.jobs");
    private static final long EVENTS_MAX_LEN = 1_000;
    private static final Duration READ_BLOCK = Duration.ofSeconds(5);

    private static final String CREATE = """
            local status = redis.call('HGET', KEYS[1], 'status')
            if status == 'queued' or status == 'running' then return {'conflict', status} end
            local old = {}
            if status then old = redis.call('HGETALL', KEYS[1]) end
            redis.call('DEL', KEYS[1], KEYS[3])
            redis.call('HSET', KEYS[1], 'v', '1', unpack(ARGV, 2))
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('ZADD', KEYS[4], 'NX', 0, ARGV[1])
            return {'ok', old}
            """;
    private static final String UPDATE = """
            if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'v', tostring(tonumber(ARGV[1]) + 1), unpack(ARGV, 6))
            if ARGV[2] == '1' then
              redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
              redis.call('EXPIRE', KEYS[1], ARGV[5])
            end
            return 1
            """;
    private static final String REMOVE_FINISHED = """
            local status = redis.call('HGET', KEYS[1], 'status')
            if status == 'queued' or status == 'running' then
              redis.call('ZREM', KEYS[2], ARGV[1])
              return false
            end
            local old = redis.call('HGETALL', KEYS[1])
            redis.call('DEL', KEYS[1], KEYS[3])
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('ZREM', KEYS[4], ARGV[1])
            return old
            """;

    /** A job Redis lost (a restart without persistence) while this instance had it: written again as it is here. */
    private static final String CREATE_LOST = """
            redis.call('HSET', KEYS[1], 'v', '1', 'id', ARGV[1])
            redis.call('ZADD', KEYS[2], 'NX', 0, ARGV[1])
            return 1
            """;

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final Duration retention;
    private final int subscriberCapacity;
    private final Set<Thread> readers = ConcurrentHashMap.newKeySet();
    /** Jobs this instance changes: their state and hash version as last written here (version null: read it first). */
    private final Map<String, Known> lastKnown = new ConcurrentHashMap<>();
    private final Map<String, JobState> unsynced = new ConcurrentHashMap<>();
    private Thread flusher;
    private volatile boolean closed;

    public RedisJobStore(UnifiedJedis redis, QueueKeys keys, Duration retention, int subscriberCapacity) {
        this.redis = redis;
        this.keys = keys;
        this.retention = retention;
        this.subscriberCapacity = subscriberCapacity;
    }

    @Override
    public Optional<JobState> create(JobState job) {
        List<String> args = new ArrayList<>();
        args.add(job.id());
        JobCodec.fields(job).forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        List<?> reply;
        try {
            reply = (List<?>) redis.eval(CREATE, List.of(keys.job(job.id()), finished(), keys.events(job.id()), all()), args);
        } catch (JedisException e) {
            throw unavailable(e);
        }
        if ("conflict".equals(text(reply.get(0)))) {
            throw FleetJobStore.conflict(job.id(), JobStatus.fromWire(text(reply.get(1))).orElse(JobStatus.QUEUED));
        }
        unsynced.remove(job.id());
        return JobCodec.state(pairs((List<?>) reply.get(1)));
    }

    @Override
    public Optional<JobState> get(String id) {
        JobState behind = unsynced.get(id);
        if (behind != null) return Optional.of(behind);
        try {
            return JobCodec.state(redis.hgetAll(keys.job(id)));
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Optional<JobState> update(String id, UnaryOperator<JobState> change) {
        JobState behind = unsynced.get(id);
        if (behind != null) return Optional.of(writeBehind(id, change.apply(behind)));
        try {
            return compareAndSet(id, change);
        } catch (JedisException e) {
            Known known = lastKnown.get(id);
            if (known == null) throw unavailable(e);
            LOG.warn("Redis unreachable; keeping the job's state here until it is back", "id", id, "error", String.valueOf(e));
            return Optional.of(writeBehind(id, change.apply(known.state())));
        }
    }

    private Optional<JobState> compareAndSet(String id, UnaryOperator<JobState> change) {
        Optional<JobState> written = writeOverKnown(id, change);
        if (written.isPresent()) return written;
        while (true) {
            Map<String, String> fields = redis.hgetAll(keys.job(id));
            Optional<JobState> current = JobCodec.state(fields);
            if (current.isEmpty()) return current;
            JobState before = current.get();
            JobState after = change.apply(before);
            if (after == before || after.equals(before)) {
                // ended by another instance (a DELETE there): nothing more to write over here
                if (before.status().isFinal()) lastKnown.remove(id);
                return current;
            }
            String version = fields.getOrDefault(JobCodec.VERSION, "");
            Object reply = redis.eval(UPDATE, List.of(keys.job(id), finished()), updateArgs(version, id, after));
            if (reply instanceof Long n && n == 1) {
                remember(after, next(version));
                return Optional.of(after);
            }
        }
    }

    /**
     * The job runs here, so the state this instance last wrote is usually still current: the change is
     * written over it in one round trip, no read first. Empty when the hash moved on (another instance
     * wrote, or the job expired), or when the change is a no-op (which has to be judged on a fresh read).
     */
    private Optional<JobState> writeOverKnown(String id, UnaryOperator<JobState> change) {
        Known known = lastKnown.get(id);
        if (known == null || known.version() == null) return Optional.empty();
        JobState after = change.apply(known.state());
        if (after == known.state() || after.equals(known.state())) return Optional.empty();
        Object reply = redis.eval(UPDATE, List.of(keys.job(id), finished()), updateArgs(known.version(), id, after));
        if (!(reply instanceof Long n && n == 1)) return Optional.empty();
        remember(after, next(known.version()));
        return Optional.of(after);
    }

    private static String next(String version) {
        try {
            return Long.toString(Long.parseLong(version) + 1);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private record Known(JobState state, String version) {
    }

    private List<String> updateArgs(String version, String id, JobState after) {
        List<String> args = new ArrayList<>();
        args.add(version);
        args.add(after.status().isFinal() ? "1" : "0");
        args.add(Long.toString(after.finishedAt()));
        args.add(id);
        args.add(Long.toString(retention.toSeconds() + 60));
        JobCodec.fields(after).forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return args;
    }

    /** Jobs this instance is changing: their last state, to write over and to go on with while Redis is unreachable. */
    private void remember(JobState state, String version) {
        if (state.status().isFinal()) lastKnown.remove(state.id());
        else lastKnown.put(state.id(), new Known(state, version));
    }

    private JobState writeBehind(String id, JobState state) {
        unsynced.put(id, state);
        lastKnown.put(id, new Known(state, null));
        synchronized (unsynced) {
            if (flusher == null || !flusher.isAlive()) flusher = Thread.ofVirtual().name("job-store-flush").start(this::flush);
        }
        return state;
    }

    /** Writes the states kept here during an outage once Redis answers again (theirs win over what Redis had). */
    private void flush() {
        Backoff backoff = new Backoff();
        try {
            while (!closed && !unsynced.isEmpty()) {
                try {
                    for (Map.Entry<String, JobState> e : Map.copyOf(unsynced).entrySet()) {
                        String version = redis.hget(keys.job(e.getKey()), JobCodec.VERSION);
                        if (version == null) {
                            redis.eval(CREATE_LOST, List.of(keys.job(e.getKey()), all()), List.of(e.getKey()));
                            version = "1";
                        }
                        Object written = redis.eval(UPDATE, List.of(keys.job(e.getKey()), finished()),
                                updateArgs(version, e.getKey(), e.getValue()));
                        if (written instanceof Long n && n == 1) {
                            unsynced.remove(e.getKey(), e.getValue());
                            remember(e.getValue(), next(version));
                        }
                    }
                    backoff.reset();
                } catch (JedisException e) {
                    Thread.sleep(backoff.next());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void publish(String id, JobEvent event) {
        if (event.kind() == JobEvent.Kind.COMMENT) return;
        String stream = keys.events(id);
        try {
            redis.xadd(stream, XAddParams.xAddParams().maxLen(EVENTS_MAX_LEN).approximateTrimming(),
                    Map.of("name", event.name(), "data", event.data(), "kind", event.kind().name()));
            if (event.isTerminal()) redis.expire(stream, retention.toSeconds() + 60);
        } catch (JedisException e) {
            // subscribers elsewhere see the final state when they next look; progress is not worth a wait
            LOG.debug("Job event not published: Redis unreachable", "id", id, "event", event.name());
        }
    }

    @Override
    public Optional<JobSubscription> subscribe(String id) {
        List<?> snapshot;
        try {
            snapshot = (List<?>) redis.eval("""
                    return {redis.call('HGETALL', KEYS[1]), redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)}
                    """, List.of(keys.job(id), keys.events(id)), List.of());
        } catch (JedisException e) {
            throw unavailable(e);
        }
        Optional<JobState> state = JobCodec.state(pairs((List<?>) snapshot.get(0)));
        if (state.isEmpty()) return Optional.empty();
        List<?> last = (List<?>) snapshot.get(1);
        StreamEntryID after = last.isEmpty() ? new StreamEntryID(0, 0)
                : new StreamEntryID(text(((List<?>) last.getFirst()).getFirst()));
        JobSubscription sub = new JobSubscription(subscriberCapacity);
        sub.offer(JobEvent.status(state.get()));
        if (state.get().status().isFinal()) {
            sub.offer(JobEvent.terminal(state.get()));
            return Optional.of(sub);
        }
        Thread reader = Thread.ofVirtual().name("job-events-" + id).unstarted(() -> follow(id, sub, after));
        readers.add(reader);
        reader.start();
        return Optional.of(sub);
    }

    /** Hands the job's events to one subscriber until its terminal event, the subscriber leaves, or the job goes. */
    private void follow(String id, JobSubscription sub, StreamEntryID from) {
        StreamEntryID last = from;
        Backoff backoff = new Backoff();
        try {
            while (!closed && !sub.isEnded()) {
                try {
                    var read = redis.xread(XReadParams.xReadParams().block((int) READ_BLOCK.toMillis()).count(100),
                            Map.of(keys.events(id), last));
                    backoff.reset();
                    if (read == null || read.isEmpty()) {
                        if (!stillRunning(id, sub)) return;
                        continue;
                    }
                    for (StreamEntry entry : read.getFirst().getValue()) {
                        last = entry.getID();
                        JobEvent event = decode(entry.getFields());
                        if (event == null) continue;
                        if (!sub.offer(event) || event.isTerminal()) return;
                    }
                } catch (JedisException e) {
                    if (closed) return;
                    LOG.debug("Job events read failed; retrying", "id", id, "error", String.valueOf(e));
                    Thread.sleep(backoff.next());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!sub.isEnded()) sub.close();
            readers.remove(Thread.currentThread());
        }
    }

    /** After a quiet spell: false when the job is gone or ended without its terminal event reaching us. */
    private boolean stillRunning(String id, JobSubscription sub) {
        Optional<JobState> now = get(id);
        if (now.isEmpty()) {
            sub.close();
            return false;
        }
        if (now.get().status().isFinal()) {
            sub.offer(JobEvent.terminal(now.get()));
            return false;
        }
        return true;
    }

    @Override
    public List<JobState> expire(long finishedBefore, int keepAtMost) {
        try {
            return expireShared(finishedBefore, keepAtMost);
        } catch (JedisException e) {
            LOG.debug("Job expiry skipped: Redis unreachable", "error", String.valueOf(e));
            return List.of();
        }
    }

    private List<JobState> expireShared(long finishedBefore, int keepAtMost) {
        List<String> ids = new ArrayList<>(redis.zrangeByScore(finished(), Double.NEGATIVE_INFINITY, finishedBefore - 1));
        long over = redis.zcard(finished()) - ids.size() - keepAtMost;
        if (over > 0) {
            for (String id : redis.zrange(finished(), ids.size(), ids.size() + over - 1)) ids.add(id);
        }
        List<JobState> removed = new ArrayList<>();
        for (String id : ids) {
            Object old = redis.eval(REMOVE_FINISHED, List.of(keys.job(id), finished(), keys.events(id), all()), List.of(id));
            if (old instanceof List<?> list && !list.isEmpty()) JobCodec.state(pairs(list)).ifPresent(removed::add);
            else redis.zrem(all(), id);
        }
        return removed;
    }

    @Override
    public int size() {
        try {
            return (int) Math.min(Integer.MAX_VALUE, redis.zcard(all()));
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        readers.forEach(Thread::interrupt);
    }

    private static RuntimeException unavailable(JedisException e) {
        return Redis.unreachable(e);
    }

    private String finished() {
        return keys.name() + ":jobs:finished";
    }

    private String all() {
        return keys.name() + ":jobs";
    }

    private static JobEvent decode(Map<String, String> fields) {
        String name = fields.get("name");
        String data = fields.get("data");
        JobEvent.Kind kind;
        try {
            kind = JobEvent.Kind.valueOf(fields.getOrDefault("kind", ""));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (name == null || data == null) return null;
        // the same frame JobEvent builds for a local publish
        byte[] frame = ("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        return new JobEvent(name, data, frame, kind);
    }

    private static Map<String, String> pairs(List<?> flat) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) map.put(text(flat.get(i)), text(flat.get(i + 1)));
        return map;
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }
}
