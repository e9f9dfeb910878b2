package org.comfyapi.server.queue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import redis.clients.jedis.RedisClient;

/** Base for test classes whose tests share one real redis-server, started once per class on a free port. */
abstract class SharedRedisTest {
    @TempDir
    static Path dir;
    static RedisServer redis;
    static RedisClient client;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(dir.resolve("redis"));
        client = redis.client();
    }

    @AfterAll
    static void stopRedis() {
        if (client != null) client.close();
        if (redis != null) redis.close();
    }
}
