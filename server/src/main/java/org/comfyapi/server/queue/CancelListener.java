package org.comfyapi.server.queue;

import org.comfyapi.server.job.JobCanceller;
import org.comfyapi.server.log.Log;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Stops here the jobs that a DELETE on another instance cancelled ({@link FleetCancels}): subscribed to
 * {@code <QUEUE_NAME>:cancel} on a connection of its own, it hands each id to the local canceller, which
 * does nothing for a job that does not run here. It reconnects with back-off after Redis goes away, and on
 * every (re)subscription checks the jobs running here, since a message sent while it was away is lost.
 * A heartbeat it publishes every few seconds on a channel of its own proves the connection alive; one that
 * stays silent is dropped and made again. (Not PING: Jedis can read the PONG of a subscribed RESP3
 * connection before it expects one, and fails.)
 */
final class CancelListener implements AutoCloseable {
    private static final Log LOG = Log.get("queue");
    private static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(5);
    private static final Duration SILENCE_LIMIT = HEARTBEAT_EVERY.multipliedBy(3);

    private final QueueSettings settings;
    private final UnifiedJedis redis;
    private final String cancels;
    private final String heartbeats;
    private final JobCanceller local;
    private final Supplier<Collection<String>> runningHere;
    private final Predicate<String> ended;
    private final Backoff backoff = new Backoff();

    private volatile boolean closed;
    private volatile boolean down;
    private volatile Subscription subscription;
    private Thread listener;
    private Thread heart;

    /**
     * @param runningHere ids of the jobs this instance has taken from the queue
     * @param ended       whether a job has a final status in the shared store
     */
    CancelListener(QueueSettings settings, UnifiedJedis redis, JobCanceller local, Supplier<Collection<String>> runningHere,
                   Predicate<String> ended) {
        this.settings = settings;
        this.redis = redis;
        this.cancels = settings.keys().cancels();
        this.heartbeats = cancels + ":" + UUID.randomUUID();
        this.local = local;
        this.runningHere = runningHere;
        this.ended = ended;
    }

    synchronized void start() {
        if (listener != null) return;
        listener = Thread.ofVirtual().name("queue-cancels").start(this::listen);
        heart = Thread.ofVirtual().name("queue-cancels-heartbeat").start(this::beat);
    }

    /** Subscribed now (for tests). */
    boolean subscribed() {
        Subscription current = subscription;
        return current != null && current.isSubscribed();
    }

    private void listen() {
        while (!closed) {
            Connection connection = null;
            try {
                connection = Redis.connect(settings, "comfyui-api-cancels");
                Subscription current = new Subscription(connection);
                subscription = current;
                current.proceed(connection, cancels, heartbeats);
            } catch (RuntimeException e) {
                if (closed) return;
                if (!down) {
                    LOG.warn("Redis unreachable; the cancel listener will reconnect", "redis", settings.redactedUrl(),
                            "error", String.valueOf(e));
                }
                down = true;
                if (!pause(backoff.next())) return;
            } finally {
                subscription = null;
                if (connection != null) connection.close();
            }
        }
    }

    /** One subscription on one connection; a new one after every reconnect. */
    private final class Subscription extends JedisPubSub {
        private final Connection connection;
        private volatile long heardNanos = System.nanoTime();

        Subscription(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            heardNanos = System.nanoTime();
            if (!channel.equals(cancels)) return;
            backoff.reset();
            if (down) LOG.info("Redis reachable again; the cancel listener goes on", "redis", settings.redactedUrl());
            down = false;
            Thread.ofVirtual().name("queue-cancels-missed").start(CancelListener.this::stopEndedJobs);
        }

        @Override
        public void onMessage(String channel, String id) {
            heardNanos = System.nanoTime();
            if (!channel.equals(cancels)) return;
            // stopping a prompt asks ComfyUI and may wait for it: not on the thread that reads the channel
            Thread.ofVirtual().name("queue-cancel-" + id).start(() -> stopHere(id));
        }

        boolean silent() {
            return System.nanoTime() - heardNanos > SILENCE_LIMIT.toNanos();
        }

        void drop() {
            try {
                connection.disconnect();
            } catch (JedisException ignored) {
                // broken already: the listener's read fails either way
            }
        }
    }

    private void stopHere(String id) {
        try {
            if (local.cancel(id)) LOG.info("Stopping a job cancelled on another instance", "id", id);
        } catch (RuntimeException e) {
            LOG.warn("Could not stop a job cancelled on another instance", "id", id, "error", String.valueOf(e));
        }
    }

    /** Jobs running here that were cancelled while the listener was away. */
    private void stopEndedJobs() {
        for (String id : List.copyOf(runningHere.get())) {
            try {
                if (ended.test(id)) stopHere(id);
            } catch (RuntimeException e) {
                LOG.debug("Could not check a running job for a cancel", "id", id, "error", String.valueOf(e));
            }
        }
    }

    /** Keeps the connection proven alive: a read that waits forever for a dead Redis would hear no cancel again. */
    private void beat() {
        while (!closed) {
            if (!pause(HEARTBEAT_EVERY)) return;
            Subscription current = subscription;
            if (current == null) continue;
            if (current.silent()) {
                LOG.warn("Redis stopped answering the cancel listener; reconnecting", "redis", settings.redactedUrl());
                current.drop();
                continue;
            }
            if (!current.isSubscribed()) continue;
            try {
                redis.publish(heartbeats, "");
            } catch (JedisException e) {
                LOG.debug("Cancel listener heartbeat not sent", "error", String.valueOf(e));
            }
        }
    }

    /** False once closed. */
    private boolean pause(Duration delay) {
        try {
            Thread.sleep(delay);
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() {
        Thread[] threads;
        synchronized (this) {
            closed = true;
            threads = new Thread[]{listener, heart};
        }
        Subscription current = subscription;
        if (current != null) current.drop();
        for (Thread thread : threads) {
            if (thread == null) continue;
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
