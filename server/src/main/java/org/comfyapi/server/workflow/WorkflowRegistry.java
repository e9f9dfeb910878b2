package org.comfyapi.server.workflow;

import org.comfyapi.server.log.Log;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The workflow endpoints loaded from WORKFLOW_DIR. {@link #load} reads every .js/.ts file (a file that
 * fails is logged and skipped); {@link #refresh} loads again with a new environment (e.g. after a model
 * download) and swaps the endpoints in at once, requests in flight finishing on the old ones.
 */
public final class WorkflowRegistry implements AutoCloseable {
    private static final Log LOG = Log.get("workflow");

    private record Snapshot(WorkflowEnvironment environment, WorkflowLoader.Generation generation,
                            Map<String, WorkflowEndpoint> byRoute) {
    }

    private final WorkflowLoader loader;
    private volatile Snapshot current;
    private volatile boolean closed;

    private WorkflowRegistry(WorkflowLoader loader, WorkflowEnvironment environment) {
        this.loader = loader;
        this.current = snapshot(environment, loader.load(environment));
    }

    /** Loads with {@link WorkflowLimits#defaults()}. Takes seconds: call it off the request path. */
    public static WorkflowRegistry load(Path workflowDir, WorkflowEnvironment environment) {
        return load(workflowDir, environment, WorkflowLimits.defaults());
    }

    public static WorkflowRegistry load(Path workflowDir, WorkflowEnvironment environment, WorkflowLimits limits) {
        return new WorkflowRegistry(new WorkflowLoader(workflowDir, limits, TranspileCache.NONE), environment);
    }

    /** As {@link #load(Path, WorkflowEnvironment)}, with up to {@code maxContexts} requests running JavaScript at once. */
    public static WorkflowRegistry load(Path workflowDir, WorkflowEnvironment environment, int maxContexts) {
        return load(workflowDir, environment, WorkflowLimits.defaults().withMaxContexts(maxContexts));
    }

    /**
     * The first half of a load, for while ComfyUI boots: transpiles the files and warms the engine
     * (seconds on a cold JVM). {@link Prepared#load} then needs only the environment (well under a second).
     */
    public static Prepared prepare(Path workflowDir, WorkflowLimits limits) {
        return prepare(workflowDir, limits, null);
    }

    /** As {@link #prepare(Path, WorkflowLimits)}, keeping transpiled files in {@code transpileCache} across restarts. */
    public static Prepared prepare(Path workflowDir, WorkflowLimits limits, Path transpileCache) {
        WorkflowLoader loader = new WorkflowLoader(workflowDir, limits, new TranspileCache(transpileCache));
        loader.prepare();
        return new Prepared(loader);
    }

    /** Files transpiled and engine warm, waiting for the environment. */
    public static final class Prepared {
        private final WorkflowLoader loader;

        private Prepared(WorkflowLoader loader) {
            this.loader = loader;
        }

        public WorkflowRegistry load(WorkflowEnvironment environment) {
            return new WorkflowRegistry(loader, environment);
        }
    }

    /** Sorted by route. */
    public List<WorkflowEndpoint> endpoints() {
        return current.generation().endpoints();
    }

    /** The files that gave no endpoint at the last load, with the reason (each was logged too). */
    public List<SkippedWorkflow> skipped() {
        return current.generation().skipped();
    }

    /** The endpoint for a route such as "sdxl/txt2img" (leading and trailing slashes ignored). */
    public Optional<WorkflowEndpoint> find(String route) {
        String key = route.replaceAll("^/+|/+$", "");
        return Optional.ofNullable(current.byRoute().get(key));
    }

    public WorkflowEnvironment environment() {
        return current.environment();
    }

    /**
     * Loads WORKFLOW_DIR again with {@code environment}: new model files show in the config's enums,
     * and added, changed or removed files are picked up. Unchanged files are not transpiled again.
     */
    public synchronized void refresh(WorkflowEnvironment environment) {
        if (closed) throw new IllegalStateException("the workflow registry is closed");
        Snapshot previous = current;
        current = snapshot(environment, loader.load(environment));
        previous.generation().pool().close();
        LOG.debug("workflow environment refreshed", "endpoints", current.generation().endpoints().size());
    }

    @Override
    public synchronized void close() {
        closed = true;
        current.generation().pool().close();
    }

    private static Snapshot snapshot(WorkflowEnvironment environment, WorkflowLoader.Generation generation) {
        return new Snapshot(environment, generation, generation.endpoints().stream()
                .collect(Collectors.toUnmodifiableMap(WorkflowEndpoint::route, Function.identity())));
    }
}
