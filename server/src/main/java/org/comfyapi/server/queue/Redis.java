package org.comfyapi.server.queue;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.comfyapi.server.error.Unavailable;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.executors.CommandExecutor;
import redis.clients.jedis.executors.DefaultCommandExecutor;
import redis.clients.jedis.providers.PooledConnectionProvider;

import java.time.Duration;
import java.util.Optional;

/**
 * Opens the pooled Redis client for queue mode. Jedis is blocking: each call parks a virtual thread,
 * not a platform thread, so plain request/response code is as cheap here as an async client.
 */
public final class Redis {
    /** Longest BLOCK any caller uses; the socket allows a margin beyond it before calling the server gone. */
    public static final Duration MAX_BLOCK = Duration.ofSeconds(5);

    /** How long a client refused while Redis is unreachable should wait before trying again. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private Redis() {}

    /** Redis cannot be reached: a 503 with Retry-After at the edge, naming the queue. */
    public static Unavailable unreachable(JedisException cause) {
        Unavailable error = new Unavailable("The job queue is unavailable (Redis cannot be reached); try again shortly",
                "queue", Optional.of(RETRY_AFTER));
        error.initCause(cause);
        return error;
    }

    public static RedisClient open(QueueSettings settings, String clientName) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        // event subscribers each hold a connection in XREAD BLOCK
        pool.setMaxTotal(256);
        pool.setMaxIdle(16);
        pool.setMinIdle(0);
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(Duration.ofSeconds(5));
        pool.setTestOnBorrow(false);
        pool.setJmxEnabled(false);
        PooledConnectionProvider connections = new PooledConnectionProvider(
                new HostAndPort(settings.host(), settings.port()), config(settings, clientName), pool);
        return RedisClient.builder()
                .connectionProvider(connections)
                .commandExecutor(new FreshAfterFailure(connections))
                .build();
    }

    /** A connection of its own, outside the pool: for a subscriber, which holds it as long as it listens. */
    static Connection connect(QueueSettings settings, String clientName) {
        return new Connection(new HostAndPort(settings.host(), settings.port()), config(settings, clientName));
    }

    private static JedisClientConfig config(QueueSettings settings, String clientName) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(2_000)
                .socketTimeoutMillis(5_000)
                .blockingSocketTimeoutMillis((int) MAX_BLOCK.toMillis() + 5_000)
                .database(settings.database())
                .clientName(clientName)
                .ssl(settings.tls());
        settings.user().ifPresent(config::user);
        settings.password().ifPresent(config::password);
        return config.build();
    }

    /**
     * After Redis restarts, every idle pooled connection is dead. A command that fails on one empties
     * the pool and is sent once more on a new connection, so the first command after a restart works
     * and only a Redis that is really down shows as an error.
     */
    private static final class FreshAfterFailure implements CommandExecutor {
        private final PooledConnectionProvider connections;
        private final DefaultCommandExecutor executor;

        FreshAfterFailure(PooledConnectionProvider connections) {
            this.connections = connections;
            this.executor = new DefaultCommandExecutor(connections);
        }

        @Override
        public <T> T executeCommand(CommandObject<T> command) {
            try {
                return executor.executeCommand(command);
            } catch (JedisConnectionException stale) {
                connections.getPool().clear();
                return executor.executeCommand(command);
            }
        }

        @Override
        public void close() {
            executor.close();
        }
    }
}
