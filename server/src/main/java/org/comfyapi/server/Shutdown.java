package org.comfyapi.server;

import org.comfyapi.server.log.Log;
import org.comfyapi.server.prompt.ComfyRunner;
import org.comfyapi.server.prompt.JobsInFlight;

import java.time.Duration;

/**
 * The way out (SPEC 10.2): not ready at once, no new jobs, the jobs in flight finish and are delivered
 * within the grace period, then the rest are stopped and their failure delivered.
 */
final class Shutdown {
    private static final Log LOG = Log.get("shutdown");
    /** After the grace period: time for the failures of the stopped jobs to be answered and sent. */
    private static final Duration FAILURE_DELIVERY = Duration.ofSeconds(10);

    private final Readiness readiness;
    private final JobsInFlight jobs;
    private final ComfyRunner runner;
    private final Duration grace;

    Shutdown(Readiness readiness, JobsInFlight jobs, ComfyRunner runner, Duration grace) {
        this.readiness = readiness;
        this.jobs = jobs;
        this.runner = runner;
        this.grace = grace;
    }

    /** SIGTERM/SIGINT: returns once every job in flight is delivered or failed. */
    void drain() throws InterruptedException {
        long started = System.nanoTime();
        readiness.stopping();
        jobs.close();
        LOG.info("stopping: finishing the jobs in flight", "jobs", jobs.count(), "grace_s", grace.toSeconds());
        if (!jobs.awaitIdle(grace)) {
            LOG.warn("jobs still in flight after the grace period; stopping them", "jobs", jobs.count());
            runner.stopAll("The server is shutting down: the prompt did not finish within SHUTDOWN_GRACE_S ("
                    + grace.toSeconds() + " s)");
            if (!jobs.awaitIdle(FAILURE_DELIVERY)) LOG.error("jobs left undelivered", "jobs", jobs.count());
        }
        LOG.info("jobs delivered", "ms", (System.nanoTime() - started) / 1_000_000);
    }

    /** ComfyUI died and will not be restarted: its waiters have failed; let their answers and webhooks go out. */
    void afterComfyDied() throws InterruptedException {
        readiness.stopping();
        jobs.close();
        if (!jobs.awaitIdle(grace.plus(FAILURE_DELIVERY))) LOG.error("jobs left undelivered", "jobs", jobs.count());
    }
}
