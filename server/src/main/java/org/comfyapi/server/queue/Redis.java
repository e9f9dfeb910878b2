package org.comfyapi.server.queue;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

import java.time.Duration;

/**
 * Opens the pooled Redis client for queue mode. Jedis is blocking: each call parks a virtual thread,
 * not a platform thread, so plain request/response code is as cheap here as an async client.
 */
public final class Redis {
    /** Longest BLOCK any caller uses; the socket allows a margin beyond it before calling the server gone. */
    public static final Duration MAX_BLOCK = Duration.ofSeconds(5);

    private Redis() {}

    public static RedisClient open(QueueSettings settings, String clientName) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(2_000)
                .socketTimeoutMillis(5_000)
                .blockingSocketTimeoutMillis((int) MAX_BLOCK.toMillis() + 5_000)
                .database(settings.database())
                .clientName(clientName)
                .ssl(settings.tls());
        settings.user().ifPresent(config::user);
        settings.password().ifPresent(config::password);
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        // event subscribers each hold a connection in XREAD BLOCK
        pool.setMaxTotal(256);
        pool.setMaxIdle(16);
        pool.setMinIdle(0);
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(Duration.ofSeconds(5));
        pool.setTestOnBorrow(false);
        pool.setJmxEnabled(false);
        return RedisClient.builder()
                .hostAndPort(new HostAndPort(settings.host(), settings.port()))
                .clientConfig(config.build())
                .poolConfig(pool)
                .build();
    }
}
