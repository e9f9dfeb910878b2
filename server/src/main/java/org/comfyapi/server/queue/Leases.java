package org.comfyapi.server.queue;

import redis.clients.jedis.UnifiedJedis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Keeps running entries from looking abandoned: resets their idle time (XCLAIM ... JUSTID, which
 * leaves the delivery count alone), but only for entries this consumer still owns, so an entry that
 * another instance already claimed is not taken back.
 */
final class Leases {
    private static final String REFRESH = """
            local lost = {}
            for i = 3, #ARGV do
              local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2])
              if #p == 1 then
                redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
              else
                lost[#lost + 1] = ARGV[i]
              end
            end
            return lost
            """;

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final String consumer;

    Leases(UnifiedJedis redis, QueueKeys keys, String consumer) {
        this.redis = redis;
        this.keys = keys;
        this.consumer = consumer;
    }

    /** Refreshes the leases of {@code entryIds}; returns those this consumer no longer owns. */
    List<String> refresh(Collection<String> entryIds) {
        if (entryIds.isEmpty()) return List.of();
        List<String> args = new ArrayList<>(entryIds.size() + 2);
        args.add(keys.group());
        args.add(consumer);
        args.addAll(entryIds);
        Object lost = redis.eval(REFRESH, List.of(keys.stream()), args);
        List<String> result = new ArrayList<>();
        if (lost instanceof List<?> list) {
            for (Object id : list) result.add(id instanceof byte[] bytes ? new String(bytes) : String.valueOf(id));
        }
        return result;
    }
}
