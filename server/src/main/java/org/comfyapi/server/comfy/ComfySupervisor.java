package org.comfyapi.server.comfy;

import org.comfyapi.server.config.ComfySettings;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.metrics.Metrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Keeps ComfyUI running: launches it, waits for it to answer, and when it exits either restarts it
 * ({@code ALWAYS_RESTART_COMFYUI=true}) or reports a fatal exit to the server.
 */
public final class ComfySupervisor implements ComfyAvailability, AutoCloseable {
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
    private final Metrics metrics;
    private volatile ComfyProcess process;
    private volatile boolean ready;
    private volatile boolean stopping;
    private volatile String gaveUp;
    private volatile String stuckReason;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final RestartBackoff backoff = new RestartBackoff();
    private final ComfyHealth health;
    private volatile long nextLaunchAt;
    private volatile long lastStartupNanos = Duration.ofSeconds(5).toNanos();
    private AfterStart afterStart = () -> { };

    public ComfySupervisor(ComfySettings config, ComfyClient client, ComfyEvents events, IntConsumer onFatalExit) {
        this(config, client, events, onFatalExit, Metrics.NONE);
    }

    public ComfySupervisor(ComfySettings config, ComfyClient client, ComfyEvents events, IntConsumer onFatalExit,
                           Metrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.client = client;
        this.events = events;
        this.onFatalExit = onFatalExit;
        this.health = new ComfyHealth(client);
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

    /** Started, warm and running. */
    public boolean isReady() {
        return ready && isAlive();
    }

    /** ComfyUI answers HTTP (asked at most once a second) and our websocket to it is up. */
    public boolean isAnswering() {
        return events.isConnected() && health.answering();
    }

    @Override
    public void await(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!available()) {
            if (gaveUp != null) throw new ComfyRestartingException(gaveUp, 5);
            if (stopping) throw new ComfyRestartingException("The server is shutting down", 5);
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                String what = isAlive() && health.answering()
                        ? "ComfyUI answers HTTP but does not accept our websocket"
                        : "ComfyUI is restarting or not answering";
                throw new ComfyRestartingException(what + "; it did not come back within "
                        + max.toSeconds() + " s (COMFY_UNAVAILABLE_WAIT_S)", retryAfterSeconds());
            }
            if (stopped.await(Math.min(left, Duration.ofMillis(100).toNanos()), TimeUnit.NANOSECONDS)) continue;
        }
    }

    @Override
    public void recheck() {
        health.forget();
    }

    /** Prompts can be queued: ComfyUI runs, answers HTTP and our websocket to it is up (else we see none of their events). */
    private boolean available() {
        return !stopping && isAlive() && events.isConnected() && health.answering();
    }

    /** When to try again: the rest of the back-off before the next launch plus how long the last start-up took. */
    private long retryAfterSeconds() {
        long wait = Math.max(0, nextLaunchAt - System.nanoTime()) + lastStartupNanos;
        return Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
    }

    public boolean isAlive() {
        ComfyProcess p = process;
        return p != null && p.isAlive();
    }

    /** Why a prompt in flight is lost, in the same words whether the exit or a liveness check notices first. */
    @Override
    public Optional<String> lostBecause() {
        ComfyProcess p = process;
        if (p == null) return Optional.of("ComfyUI is not running");
        if (p.isAlive()) return Optional.empty();
        String stuck = stuckReason;
        return Optional.of(stuck != null ? stuck : lostMessage(p.exitCode()));
    }

    @Override
    public void stuck(String reason) {
        ComfyProcess p = process;
        if (p == null || !p.isAlive() || stopping) return;
        LOG.error("ComfyUI is stuck; stopping it", "reason", reason);
        stuckReason = reason;
        p.stop(STOP_GRACE); // the exit handler restarts it or stops the server
    }

    private static String lostMessage(int code) {
        return "ComfyUI exited with code " + code + " while running the prompt";
    }

    private void launchAndWait() {
        requirePortFree();
        long started = System.nanoTime();
        ComfyProcess launched = ComfyProcess.launch(config.cmd(), config.home());
        stuckReason = null;
        process = launched;
        try {
            awaitStartup(launched);
            lastStartupNanos = System.nanoTime() - started;
        } catch (RuntimeException e) {
            launched.stop(STOP_GRACE);
            throw e;
        }
        launched.onExit().thenRun(() -> Thread.ofVirtual().name("comfyui-exit").start(() -> exited(launched)));
    }

    /** Someone else answering on ComfyUI's port would pass every start-up check; that is an error, not "warm". */
    private void requirePortFree() {
        if (config.external()) return;
        URI base = config.baseUri();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 500);
        } catch (IOException free) {
            return;
        }
        throw new ComfyUnavailableException("port " + base.getPort() + " (COMFYUI_PORT_HOST) is already in use by another "
                + "process before ComfyUI was launched; stop it or choose another port");
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
        int orphans = gone.leftBehind();
        if (orphans > 0) LOG.warn("ComfyUI's process exited; stopping what it left running", "code", code, "processes", orphans);
        gone.stop(STOP_GRACE);
        String stuck = stuckReason;
        events.loseAll(stuck != null ? stuck : lostMessage(code));
        if (!config.alwaysRestart()) {
            LOG.error("ComfyUI exited; stopping the server (ALWAYS_RESTART_COMFYUI=false)", "code", code);
            gaveUp = "ComfyUI exited with code " + code + " and is not restarted (ALWAYS_RESTART_COMFYUI=false); "
                    + "the server is stopping";
            onFatalExit.accept(code == 0 ? 1 : code);
            return;
        }
        backoff.exitedAfter(gone.uptime());
        metrics.comfyRestarted();
        while (!stopping) {
            Duration delay = backoff.next();
            LOG.warn("ComfyUI exited; restarting it", "code", code, "retry_ms", delay.toMillis());
            nextLaunchAt = System.nanoTime() + delay.toNanos();
            if (awaitStop(delay)) return;
            try {
                launchAndWait();
                events.reconnect();
                warm();
                LOG.info("ComfyUI restarted and warm");
                return;
            } catch (Exception e) {
                LOG.error("restarting ComfyUI failed", "error", e.getMessage());
                ComfyProcess failed = process;
                process = null;
                if (failed != null) failed.stop(STOP_GRACE);
            }
        }
    }

    /** Waits for {@code delay} unless the server stops first; true when it stopped. */
    private boolean awaitStop(Duration delay) {
        try {
            return stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
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
        stopped.countDown();
        ready = false;
        ComfyProcess p = process;
        if (p != null) {
            if (p.isAlive()) LOG.info("stopping ComfyUI", "pid", p.pid());
            p.stop(STOP_GRACE);
        }
    }
}
