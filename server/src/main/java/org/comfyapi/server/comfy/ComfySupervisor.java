package org.comfyapi.server.comfy;

import org.comfyapi.server.config.ComfySettings;
import org.comfyapi.server.log.Log;

import java.time.Duration;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * Keeps ComfyUI running: launches it, waits for it to answer, and when it exits either restarts it
 * ({@code ALWAYS_RESTART_COMFYUI=true}) or reports a fatal exit to the server.
 */
public final class ComfySupervisor implements AutoCloseable {
    private static final Log LOG = Log.get("supervisor");
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /** Work that must finish after each (re)start before ComfyUI counts as ready (the warmup). */
    public interface AfterStart {
        void run() throws Exception;
    }

    private final ComfySettings config;
    private final ComfyClient client;
    private final ComfyEvents events;
    private final IntConsumer onFatalExit;
    private volatile ComfyProcess process;
    private volatile boolean ready;
    private volatile boolean stopping;
    private AfterStart afterStart = () -> { };

    public ComfySupervisor(ComfySettings config, ComfyClient client, ComfyEvents events, IntConsumer onFatalExit) {
        this.config = config;
        this.client = client;
        this.events = events;
        this.onFatalExit = onFatalExit;
    }

    public void afterStart(AfterStart hook) {
        this.afterStart = hook;
    }

    /** Launches ComfyUI and waits for it; throws when the startup checks run out. */
    public void start() {
        launchAndWait();
    }

    /** Runs the after-start hook; ComfyUI is ready once it succeeds. */
    public void warm() throws Exception {
        afterStart.run();
        ready = process != null && process.isAlive();
    }

    public boolean isReady() {
        return ready;
    }

    public boolean isAlive() {
        ComfyProcess p = process;
        return p != null && p.isAlive();
    }

    /** Why a prompt in flight is lost, in the same words whether the exit or a liveness check notices first. */
    public Optional<String> lostBecause() {
        ComfyProcess p = process;
        if (p == null) return Optional.of("ComfyUI is not running");
        return p.isAlive() ? Optional.empty() : Optional.of(lostMessage(p.exitCode()));
    }

    private static String lostMessage(int code) {
        return "ComfyUI exited with code " + code + " while running the prompt";
    }

    private void launchAndWait() {
        ComfyProcess launched = ComfyProcess.launch(config.cmd(), config.home());
        process = launched;
        try {
            awaitStartup(launched);
        } catch (RuntimeException e) {
            launched.stop(STOP_GRACE);
            throw e;
        }
        launched.onExit().thenRun(() -> Thread.ofVirtual().name("comfyui-exit").start(() -> exited(launched)));
    }

    private void awaitStartup(ComfyProcess launched) {
        int tries = config.startupCheckMaxTries();
        for (int attempt = 1; attempt <= tries; attempt++) {
            if (!launched.isAlive()) {
                throw new ComfyUnavailableException("ComfyUI exited during start-up with code " + launched.exitCode());
            }
            if (client.isUp()) {
                LOG.info("ComfyUI is up", "attempt", attempt, "url", config.baseUri());
                return;
            }
            LOG.debug("waiting for ComfyUI", "attempt", attempt, "of", tries);
            sleep(config.startupCheckInterval());
        }
        throw new ComfyUnavailableException("ComfyUI did not answer at " + config.baseUri() + " after "
                + tries + " checks every " + config.startupCheckInterval().toMillis() + " ms "
                + "(STARTUP_CHECK_MAX_TRIES, STARTUP_CHECK_INTERVAL_S)");
    }

    private void exited(ComfyProcess gone) {
        if (stopping || gone != process) return;
        ready = false;
        int code = gone.exitCode();
        events.loseAll(lostMessage(code));
        if (!config.alwaysRestart()) {
            LOG.error("ComfyUI exited; stopping the server (ALWAYS_RESTART_COMFYUI=false)", "code", code);
            onFatalExit.accept(code == 0 ? 1 : code);
            return;
        }
        LOG.warn("ComfyUI exited; restarting it", "code", code);
        long backoff = 500;
        while (!stopping) {
            try {
                launchAndWait();
                events.reconnect();
                warm();
                LOG.info("ComfyUI restarted and warm");
                return;
            } catch (Exception e) {
                LOG.error("restarting ComfyUI failed; trying again", "error", e.getMessage(), "retry_ms", backoff);
                ComfyProcess failed = process;
                process = null;
                if (failed != null && failed.isAlive()) failed.stop(STOP_GRACE);
                sleep(Duration.ofMillis(backoff));
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ComfyUnavailableException("interrupted while waiting for ComfyUI");
        }
    }

    @Override
    public void close() {
        stopping = true;
        ready = false;
        ComfyProcess p = process;
        if (p != null && p.isAlive()) {
            LOG.info("stopping ComfyUI", "pid", p.pid());
            p.stop(STOP_GRACE);
        }
    }
}
