package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.log.Log;
import org.graalvm.polyglot.Source;
import org.comfyapi.server.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads, transpiles and loads the workflow files into one {@link Generation}. Keeps each file's
 * CommonJS source while the file is unchanged, so a reload (new models, new files) skips sucrase
 * and the shared engine reuses its parse of the file.
 */
final class WorkflowLoader {
    private static final Log LOG = Log.get("workflow");

    private record Compiled(FileTime modified, long size, Source source, String error) {
    }

    /** The endpoints of one load and the contexts that run them. */
    record Generation(List<WorkflowEndpoint> endpoints, List<SkippedWorkflow> skipped, ContextPool pool) {
    }

    static final String NOT_A_WORKFLOW = "does not export a workflow: expected a default export (or module.exports)"
            + " with RequestSchema (a zod schema) and generateWorkflow (a function)";

    private final Path dir;
    private final WorkflowLimits limits;
    private final TranspileCache cache;
    private final Map<Path, Compiled> compiled = new HashMap<>();

    WorkflowLoader(Path dir, WorkflowLimits limits, TranspileCache cache) {
        this.dir = dir.toAbsolutePath().normalize();
        this.limits = limits;
        this.cache = cache;
    }

    synchronized Generation load(WorkflowEnvironment environment) {
        long started = System.nanoTime();
        List<SkippedWorkflow> skipped = new ArrayList<>();
        Map<String, Source> sources = transpileAll(skipped);
        long transpiled = System.nanoTime();

        String setup = setupJson(sources, environment);
        ContextPool pool = new ContextPool(() -> new WorkflowContext(sources, setup, limits.callTimeout(), false),
                limits.maxContexts());
        List<WorkflowEndpoint> endpoints = describeAll(sources, setup, pool, skipped);
        skipped.sort(Comparator.comparing(SkippedWorkflow::file));
        skipped.forEach(skip -> LOG.warn("workflow skipped", "path", skip.file(), "reason", skip.reason()));
        LOG.info("workflows loaded", "dir", dir, "endpoints", endpoints.size(), "skipped", skipped.size(),
                "transpile_ms", (transpiled - started) / 1_000_000,
                "load_ms", (System.nanoTime() - transpiled) / 1_000_000);
        return new Generation(List.copyOf(endpoints), List.copyOf(skipped), pool);
    }

    /**
     * The slow part of a first load, which needs no environment (so it can run while ComfyUI boots):
     * transpiles every file and has the shared engine parse zod, zod-to-json-schema and each file.
     * Problems are reported by the {@link #load} that follows.
     */
    synchronized void prepare() {
        long started = System.nanoTime();
        Map<String, Source> sources = transpileAll(new ArrayList<>());
        if (!sources.isEmpty()) {
            try (WorkflowContext warm = new WorkflowContext(sources, setupJson(sources, WorkflowEnvironment.empty()),
                    limits.callTimeout(), true)) {
                warm.parseAll();
            } catch (RuntimeException e) {
                LOG.debug("workflow engine warm-up failed; the load will report it", "error", e.toString());
            }
        }
        LOG.debug("workflows prepared", "files", sources.size(), "ms", (System.nanoTime() - started) / 1_000_000);
    }

    /** Absolute path to CommonJS source of every file that transpiles. */
    private Map<String, Source> transpileAll(List<SkippedWorkflow> skipped) {
        List<Path> files = WorkflowFiles.scan(dir);
        Map<String, Source> sources = new LinkedHashMap<>();
        try (Transpiler transpiler = new Transpiler(cache)) {
            for (Path file : files) {
                Compiled result = compile(file, transpiler);
                if (result.source() != null) {
                    sources.put(file.toString(), result.source());
                } else {
                    skip(skipped, file, result.error());
                }
            }
        }
        compiled.keySet().retainAll(files);
        return sources;
    }

    /**
     * Loads every file in one context and makes endpoints of those holding a workflow. That context then
     * joins the pool, warm. A file without a workflow that another file imported is a helper, not skipped.
     */
    private List<WorkflowEndpoint> describeAll(Map<String, Source> sources, String setup, ContextPool pool,
                                               List<SkippedWorkflow> skipped) {
        List<WorkflowEndpoint> endpoints = new ArrayList<>();
        List<String> withoutWorkflow = new ArrayList<>();
        Set<String> imported = new HashSet<>();
        WorkflowContext context = null;
        for (String file : sources.keySet()) {
            if (context == null || !context.usable()) {
                // a file that timed out took its context with it
                if (context != null) imported.addAll(importedIn(context));
                context = new WorkflowContext(sources, setup, limits.callTimeout(), true);
            }
            long describing = System.nanoTime();
            try {
                Optional<WorkflowContext.Description> described = context.describe(file);
                if (described.isPresent()) {
                    endpoints.add(new WorkflowEndpoint(WorkflowFiles.route(dir, Path.of(file)), file, described.get(), pool));
                } else {
                    withoutWorkflow.add(file);
                }
                LOG.debug("workflow loaded", "path", file, "ms", (System.nanoTime() - describing) / 1_000_000);
            } catch (WorkflowLoadException e) {
                skip(skipped, Path.of(file), e.getMessage());
            }
        }
        if (context != null) {
            imported.addAll(importedIn(context));
            pool.offer(context);
        }
        for (String file : withoutWorkflow) {
            if (imported.contains(file)) {
                LOG.debug("workflow helper module", "path", file);
            } else {
                skip(skipped, Path.of(file), NOT_A_WORKFLOW);
            }
        }
        return endpoints;
    }

    private static Set<String> importedIn(WorkflowContext context) {
        return context.usable() ? context.importedFiles() : Set.of();
    }

    /** Logged by {@link #load} once all are known. */
    private static void skip(List<SkippedWorkflow> skipped, Path file, String reason) {
        skipped.add(new SkippedWorkflow(file, reason));
    }

    private Compiled compile(Path file, Transpiler transpiler) {
        FileTime modified;
        long size;
        String code;
        try {
            modified = Files.getLastModifiedTime(file);
            size = Files.size(file);
            Compiled previous = compiled.get(file);
            if (previous != null && previous.modified().equals(modified) && previous.size() == size) return previous;
            code = Files.readString(file);
        } catch (IOException e) {
            return new Compiled(null, -1, null, "cannot read: " + e);
        }
        Compiled result;
        long started = System.nanoTime();
        try {
            String commonJs = transpiler.toCommonJs(code, file.toString());
            LOG.debug("workflow transpiled", "path", file, "ms", (System.nanoTime() - started) / 1_000_000);
            result = new Compiled(modified, size, JsEngine.commonJs(commonJs, file.toString()), null);
        } catch (WorkflowLoadException e) {
            result = new Compiled(modified, size, null, e.getMessage());
        }
        compiled.put(file, result);
        return result;
    }

    private String setupJson(Map<String, Source> sources, WorkflowEnvironment environment) {
        ObjectNode setup = Json.MAPPER.createObjectNode();
        setup.put("workflowDir", dir.toString());
        sources.keySet().forEach(setup.putArray("files")::add);
        ObjectNode env = setup.putObject("environment");
        ObjectNode models = env.putObject("models");
        environment.models().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(folder -> folder.getValue().forEach(models.putArray(folder.getKey())::add));
        ObjectNode modelDirs = env.putObject("modelDirs");
        environment.modelDirs().forEach(modelDirs::put);
        environment.samplers().forEach(env.putArray("samplers")::add);
        environment.schedulers().forEach(env.putArray("schedulers")::add);
        env.put("warmupCkpt", environment.warmupCkpt().orElse(null));
        env.put("port", environment.port());
        ObjectNode dirs = env.putObject("dirs");
        environment.dirs().forEach(dirs::put);
        ObjectNode processEnv = setup.putObject("processEnv");
        System.getenv().forEach(processEnv::put);
        return setup.toString();
    }
}
