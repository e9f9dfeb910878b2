package org.comfyapi.server.queue;

import org.comfyapi.server.job.JobCanceller;
import org.comfyapi.server.log.Log;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * DELETE in a fleet: the job's prompt is stopped here when it runs here; otherwise, once the registry has
 * ended the job, its id goes out on {@code <QUEUE_NAME>:cancel} so that the instance running it stops it
 * (see {@link CancelListener}). A job still waiting in the stream needs no message: its final state
 * makes whichever instance takes it drop it.
 */
final class FleetCancels implements JobCanceller {
    private static final Log LOG = Log.get("queue");

    private final JobCanceller local;
    private final UnifiedJedis redis;
    private final QueueKeys keys;

    FleetCancels(JobCanceller local, UnifiedJedis redis, QueueKeys keys) {
        this.local = local;
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public boolean cancel(String id) {
        return local.cancel(id);
    }

    @Override
    public void cancelElsewhere(String id) {
        try {
            redis.publish(keys.cancels(), id);
        } catch (JedisException e) {
            // the instance running it sees the job ended when its listener is subscribed again
            LOG.warn("Could not tell the fleet to stop a cancelled job: Redis unreachable", "id", id, "error", String.valueOf(e));
        }
    }
}
