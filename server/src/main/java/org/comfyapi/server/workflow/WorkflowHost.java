package org.comfyapi.server.workflow;

import org.comfyapi.server.error.Unavailable;
import org.comfyapi.server.log.Log;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The server's workflow endpoints through start-up and after. {@link #prepare} transpiles the files and
 * warms the engine in the background at once, beside ComfyUI's boot; {@link #load} makes the endpoints
 * when ComfyUI can tell the models, samplers and schedulers (the environment), which is quick once
 * prepared. Requests and the docs {@link #await} the load; {@code /ready} waits for {@link #isLoaded}.
 */
public final class WorkflowHost implements AutoCloseable {
    private static final Log LOG = Log.get("workflow");

    private final Path dir;
    private final WorkflowLimits limits;
    private final Duration maxWait;
    private final Path transpileCache;
    private final CompletableFuture<WorkflowRegistry.Prepared> prepared = new CompletableFuture<>();
    private final CompletableFuture<WorkflowRegistry> loaded = new CompletableFuture<>();
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile Supplier<WorkflowEnvironment> environment;
    private volatile boolean closed;
    private volatile Path modelDir;
    private ModelDirWatcher watcher;

    /** @param maxWait how long a request waits for the endpoints before it gets a 503 */
    public WorkflowHost(Path dir, WorkflowLimits limits, Duration maxWait) {
        this(dir, limits, maxWait, null);
    }

    /** @param transpileCache where transpiled files are kept across restarts (CACHE_DIR/workflows), or null */
    public WorkflowHost(Path dir, WorkflowLimits limits, Duration maxWait, Path transpileCache) {
        this.dir = dir;
        this.limits = limits;
        this.maxWait = maxWait;
        this.transpileCache = transpileCache;
    }

    /** Starts transpiling on a virtual thread and returns at once. */
    public void prepare() {
        if (!started.compareAndSet(false, true)) return;
        Thread.ofVirtual().name("workflow-prepare").start(() -> {
            try {
                prepared.complete(WorkflowRegistry.prepare(dir, limits, transpileCache));
            } catch (Throwable e) {
                prepared.completeExceptionally(e);
            }
        });
    }

    /**
     * Once loaded with at least one endpoint, watches {@code dir} (MODEL_DIR): a model file added or
     * removed there calls {@link #modelsChanged}. Call before {@link #load}.
     */
    public void watchModels(Path dir) {
        this.modelDir = dir;
    }

    /**
     * Once prepared, reads the environment and makes the endpoints, on a virtual thread; returns at once.
     * {@code environment} is asked again on each {@link #modelsChanged}.
     */
    public void load(Supplier<WorkflowEnvironment> environment) {
        this.environment = environment;
        prepare();
        Thread.ofVirtual().name("workflow-load").start(() -> {
            long started = System.nanoTime();
            try {
                WorkflowRegistry registry = prepared.get().load(environment.get());
                LOG.info("workflow endpoints ready", "endpoints", registry.endpoints().size(),
                        "skipped", registry.skipped().size(), "wait_ms", (System.nanoTime() - started) / 1_000_000);
                synchronized (this) {
                    if (closed) {
                        registry.close();
                        loaded.cancel(false);
                    } else {
                        if (modelDir != null && !registry.endpoints().isEmpty()) {
                            watcher = ModelDirWatcher.start(modelDir, this::modelsChanged).orElse(null);
                        }
                        loaded.complete(registry);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                loaded.completeExceptionally(e);
            } catch (Throwable e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                LOG.error("workflow endpoints failed to load", "dir", dir, "error", cause.toString());
                loaded.completeExceptionally(cause);
            }
        });
    }

    /** True once the endpoints are made (or their load failed for good, which was logged). */
    public boolean isLoaded() {
        return loaded.isDone();
    }

    /** Waits until the load is done, however it ended (a failure was logged). */
    public void awaitLoaded() throws InterruptedException {
        try {
            loaded.get();
        } catch (ExecutionException | CancellationException ignored) {
            // done
        }
    }

    /** The registry if loaded, without waiting. */
    public Optional<WorkflowRegistry> registry() {
        return loaded.isDone() && !loaded.isCompletedExceptionally() ? Optional.of(loaded.join()) : Optional.empty();
    }

    /**
     * The registry, waiting for the load if it is still running.
     *
     * @throws Unavailable when the load failed or takes longer than the wait allowed
     */
    public WorkflowRegistry await() throws InterruptedException {
        try {
            return loaded.get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new Unavailable("Workflow endpoints are still loading", "path");
        } catch (ExecutionException | CancellationException e) {
            throw new Unavailable("Workflow endpoints failed to load: "
                    + (e.getCause() == null ? e : e.getCause()).getMessage(), "path");
        }
    }

    /**
     * Model files may have changed (a download finished): loads again with a fresh environment, in the
     * background. Calls while a refresh is waiting to start fold into it.
     */
    public void modelsChanged() {
        if (closed || environment == null || !refreshPending.compareAndSet(false, true)) return;
        loaded.thenAcceptAsync(registry -> {
            refreshPending.set(false);
            if (closed) return;
            try {
                WorkflowEnvironment next = environment.get();
                if (next.equals(registry.environment())) return;
                LOG.info("models changed; reloading workflows");
                registry.refresh(next);
            } catch (RuntimeException e) {
                LOG.warn("workflow refresh failed; keeping the endpoints as they were", "error", e.toString());
            }
        }, task -> Thread.ofVirtual().name("workflow-refresh").start(task));
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (watcher != null) watcher.close();
        registry().ifPresent(WorkflowRegistry::close);
    }
}
