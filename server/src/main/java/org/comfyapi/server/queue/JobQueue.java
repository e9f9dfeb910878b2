package org.comfyapi.server.queue;

import org.comfyapi.server.error.Unavailable;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import java.util.LinkedHashMap;
import java.util.Map;

/** Adds jobs to the stream, exactly as {@code XADD <QUEUE_NAME> * route <route> body <json>} would. */
public final class JobQueue {
    private final UnifiedJedis redis;
    private final QueueKeys keys;

    public JobQueue(UnifiedJedis redis, QueueKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /**
     * @return the stream entry id
     * @throws Unavailable when Redis cannot be reached
     */
    public String add(String route, String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("route", route);
        fields.put("body", body);
        try {
            return redis.xadd(keys.stream(), StreamEntryID.NEW_ENTRY, fields).toString();
        } catch (JedisException e) {
            throw Redis.unreachable(e);
        }
    }
}
