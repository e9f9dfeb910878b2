package org.comfyapi.server.queue;

import org.comfyapi.server.config.Env;
import org.comfyapi.server.job.JobCanceller;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Cancels between instances over a real redis-server, the instance's ComfyUI replaced by a recording canceller. */
class CancelListenerTest extends SharedRedisTest {

    @Test
    void aCancelFromAnotherInstanceReachesThisOneAndStillDoesAfterRedisRestarted() throws Exception {
        QueueSettings settings = QueueSettings.fromEnv(new Env(Map.of("QUEUE_URL", redis.url(), "QUEUE_NAME", "cancels")))
                .orElseThrow();
        BlockingQueue<String> stopped = new LinkedBlockingQueue<>();
        Set<String> runningHere = ConcurrentHashMap.newKeySet();
        Set<String> ended = ConcurrentHashMap.newKeySet();
        JobCanceller here = id -> stopped.add(id);
        FleetCancels otherInstance = new FleetCancels(JobCanceller.NONE, client, settings.keys());

        try (CancelListener listener = new CancelListener(settings, client, here, () -> runningHere, ended::contains)) {
            listener.start();
            await(listener::subscribed, "subscribed");
            otherInstance.cancelElsewhere("job-1");
            assertThat(stopped.poll(10, TimeUnit.SECONDS)).isEqualTo("job-1");

            redis.stop();
            await(() -> !listener.subscribed(), "the listener noticed Redis went away");
            runningHere.add("missed");
            ended.add("missed"); // cancelled elsewhere while no message could reach this instance
            redis.start();
            await(listener::subscribed, "subscribed again");
            assertThat(stopped.poll(10, TimeUnit.SECONDS)).as("a job running here found ended on reconnect").isEqualTo("missed");

            otherInstance.cancelElsewhere("job-2");
            assertThat(stopped.poll(10, TimeUnit.SECONDS)).isEqualTo("job-2");
        }
        assertThat(stopped).isEmpty();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }
}
