package org.comfyapi.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.comfyapi.server.comfy.ComfyClient;
import org.comfyapi.server.comfy.ComfyEvents;
import org.comfyapi.server.comfy.ComfySupervisor;
import org.comfyapi.server.comfy.NodeDefinitions;
import org.comfyapi.server.comfy.ManifestInstaller;
import org.comfyapi.server.comfy.ModelCatalog;
import org.comfyapi.server.config.Config;
import org.comfyapi.server.config.Manifest;
import org.comfyapi.server.http.HttpApi;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.storage.ModelDownloads;
import org.comfyapi.server.storage.RemoteFiles;
import org.comfyapi.server.storage.Urls;
import org.comfyapi.server.workflow.WorkflowEnvironment;
import org.comfyapi.server.workflow.WorkflowHost;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The start-up sequence of SPEC section 1, in order; each step that fails stops it. */
final class Startup {
    private static final Log LOG = Log.get("app");
    private static final Duration WEBSOCKET_WAIT = Duration.ofSeconds(10);

    private final Config config;
    private final ComfyClient client;
    private final ComfyEvents events;
    private final ComfySupervisor supervisor;
    private final ModelCatalog catalog;
    private final ModelDownloads models;
    private final WorkflowHost workflows;
    private final Warmup warmup;
    private final HttpApi http;
    private final Readiness readiness;
    private final NodeDefinitions nodes;

    Startup(Config config, ComfyClient client, ComfyEvents events, ComfySupervisor supervisor, ModelCatalog catalog,
            ModelDownloads models, WorkflowHost workflows, Warmup warmup, HttpApi http, Readiness readiness,
            NodeDefinitions nodes) {
        this.config = config;
        this.client = client;
        this.events = events;
        this.supervisor = supervisor;
        this.catalog = catalog;
        this.models = models;
        this.workflows = workflows;
        this.warmup = warmup;
        this.http = http;
        this.readiness = readiness;
        this.nodes = nodes;
    }

    /** Starts everything; throws when ComfyUI never comes up or the warmup fails. */
    void run() throws Exception {
        workflows.prepare(); // transpiling beside ComfyUI's boot
        warmup.load();
        installManifest();
        supervisor.start();
        workflows.load(this::workflowEnvironment); // beside the warmup
        events.start();
        awaitWebsocket();
        http.start();
        supervisor.afterStart(() -> {
            Thread.ofVirtual().name("object-info").start(nodes::reload); // a restarted ComfyUI may have other nodes
            warmup.run();
            workflows.modelsChanged(); // a restarted ComfyUI may list other models, samplers or schedulers
        });
        supervisor.warm();
        workflows.awaitLoaded();
        readiness.started();
        LOG.info("ready", "port", http.port());
        if (!config.manifest().afterStart().isEmpty()) {
            Thread.ofVirtual().name("manifest-after-start").start(() -> fetchModels(config.manifest().afterStart()));
        }
    }

    /** apt, pip and custom nodes, then {@code models.before_start}; any failure stops start-up. */
    private void installManifest() throws Exception {
        Manifest manifest = config.manifest();
        if (manifest.isEmpty()) return;
        new ManifestInstaller(config.dirs().comfyHome(), System.getenv()).install(manifest);
        fetchModels(manifest.beforeStart()).ifPresent(failure -> {
            throw new IllegalStateException("manifest models.before_start: " + failure);
        });
    }

    /** Downloads manifest models in parallel; returns the first failure. */
    private Optional<String> fetchModels(List<Manifest.ModelFile> files) {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Manifest.ModelFile file : files) {
                pool.submit(() -> {
                    try {
                        URI url = RemoteFiles.parseUrl(file.url());
                        ModelDownloads.Done done = models.fetchTo(url, config.dirs().comfyHome().resolve(file.localPath()));
                        LOG.info("manifest model ready", "path", done.path(), "size", done.size(), "ms", done.millis());
                    } catch (Exception e) {
                        LOG.error("manifest model failed", "url", Urls.redact(file.url()), "error", e.getMessage());
                        failures.add(Urls.redact(file.url()) + ": " + e.getMessage());
                    }
                });
            }
        }
        return failures.stream().findFirst();
    }

    private void awaitWebsocket() throws InterruptedException {
        long deadline = System.nanoTime() + WEBSOCKET_WAIT.toNanos();
        while (!events.isConnected() && System.nanoTime() < deadline) Thread.sleep(20);
        if (!events.isConnected()) LOG.warn("websocket not connected yet; prompts wait for it up to COMFY_UNAVAILABLE_WAIT_S");
    }

    /** What workflow files see as their config: read from ComfyUI now that it is up. */
    private WorkflowEnvironment workflowEnvironment() {
        JsonNode sampler = JsonNodeFactory.instance.objectNode();
        try {
            sampler = client.objectInfo("KSampler");
        } catch (RuntimeException e) {
            LOG.warn("cannot read samplers and schedulers from ComfyUI; workflows accept any", "error", e.getMessage());
        }
        return WorkflowEnvironment.of(config.dirs(), config.http().port(), catalog.all(),
                WorkflowEnvironment.comboOptions(sampler, "sampler_name"),
                WorkflowEnvironment.comboOptions(sampler, "scheduler"), warmup.prompt());
    }
}
