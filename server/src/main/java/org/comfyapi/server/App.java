package org.comfyapi.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.comfy.ComfyClient;
import org.comfyapi.server.comfy.ComfyEvents;
import org.comfyapi.server.comfy.ComfySupervisor;
import org.comfyapi.server.comfy.ManifestInstaller;
import org.comfyapi.server.comfy.ModelCatalog;
import org.comfyapi.server.config.Config;
import org.comfyapi.server.config.ConfigException;
import org.comfyapi.server.config.ConfigLoader;
import org.comfyapi.server.config.Manifest;
import org.comfyapi.server.http.HttpApi;
import org.comfyapi.server.http.OpenApiDocument;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.media.ImageConverter;
import org.comfyapi.server.prompt.ComfyRunner;
import org.comfyapi.server.prompt.InputResolver;
import org.comfyapi.server.prompt.OutputCollector;
import org.comfyapi.server.prompt.OutputConverter;
import org.comfyapi.server.prompt.OutputUploader;
import org.comfyapi.server.prompt.PromptDelivery;
import org.comfyapi.server.prompt.PromptPreprocessor;
import org.comfyapi.server.prompt.PromptRequest;
import org.comfyapi.server.prompt.PromptResult;
import org.comfyapi.server.prompt.PromptService;
import org.comfyapi.server.storage.CachedDownloads;
import org.comfyapi.server.storage.DownloadCache;
import org.comfyapi.server.storage.ModelDownloads;
import org.comfyapi.server.storage.RemoteFiles;
import org.comfyapi.server.storage.StorageEvents;
import org.comfyapi.server.storage.Urls;
import org.comfyapi.server.webhook.DeletionCost;
import org.comfyapi.server.webhook.SystemEvents;
import org.comfyapi.server.webhook.WebhookSender;
import org.comfyapi.server.webhook.WebhookSigner;
import org.comfyapi.server.workflow.WorkflowEnvironment;
import org.comfyapi.server.workflow.WorkflowHost;
import org.comfyapi.server.workflow.WorkflowLimits;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;

/** Wires the parts together and runs the start-up sequence of SPEC section 1. */
public final class App implements AutoCloseable {
    private static final Log LOG = Log.get("app");

    private final Config config;
    private final ComfyClient client;
    private final ComfyEvents events;
    private final ComfySupervisor supervisor;
    private final PromptService prompts;
    private final HttpApi http;
    private final HttpClient web;
    private final ModelDownloads models;
    private final ModelCatalog catalog;
    private final WorkflowHost workflows;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private volatile boolean healthy;
    private ObjectNode warmupPrompt;

    public App(Config config, IntConsumer fatalExit) {
        this.config = config;
        this.client = new ComfyClient(config.comfyBaseUri());
        this.workflows = new WorkflowHost(config.workflowDir(), WorkflowLimits.defaults(), Duration.ofMinutes(5),
                config.cacheDir().resolve("workflows"));
        workflows.watchModels(config.modelDir()); // new model files reach the workflows' enums
        String clientId = UUID.randomUUID().toString();
        this.events = new ComfyEvents(clientId, config.comfyWebsocketUri(clientId));
        this.supervisor = new ComfySupervisor(config, client, events, fatalExit);
        this.catalog = new ModelCatalog(client, config.modelDir());
        ComfyRunner runner = new ComfyRunner(client, events, supervisor::lostBecause, supervisor,
                config.comfyUnavailableWait());
        this.web = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).proxy(config.storage().proxy())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        WebhookSender sender = new WebhookSender(web, WebhookSigner.fromSecret(config.webhookSecret()),
                config.promptWebhookRetries(), config.webhookRetryDelay());
        StorageEvents storageEvents = StorageEvents.NONE;
        if (config.systemWebhookUrl().isPresent()) {
            SystemEvents system = new SystemEvents(config.systemWebhookUrl().get(), config.systemWebhookEvents(),
                    config.systemMetadata(), sender, runner::requestIdOf);
            events.addListener(system::comfy);
            closeables.add(system);
            storageEvents = system;
        }
        config.saladMetadataUrl().ifPresent(base -> {
            DeletionCost cost = new DeletionCost(base, web);
            events.addListener(cost::accept);
            closeables.add(cost);
        });
        RemoteFiles remote = new RemoteFiles(config.storage());
        closeables.add(remote);
        CachedDownloads downloads = new CachedDownloads(new DownloadCache(config.cacheDir().resolve("downloads"),
                config.lruCacheSizeGb(), storageEvents), remote, storageEvents);
        this.models = new ModelDownloads(config.modelDir(), downloads, () -> Set.copyOf(client.modelFolders()));
        InputResolver inputs = new InputResolver(config.inputDir(), downloads, models);
        this.prompts = new PromptService(new PromptPreprocessor(config.prependFilenames()), inputs, runner,
                new OutputCollector(config.outputDir(), config.tempDir()), new OutputConverter(ImageConverter::new));
        OutputUploader uploader = new OutputUploader(remote, storageEvents);
        PromptDelivery delivery = new PromptDelivery(prompts, uploader, sender, config.cacheDir().resolve("spool"));
        this.http = new HttpApi(config, prompts, delivery, uploader, catalog, models,
                new HttpApi.Probes() {
            @Override
            public boolean healthy() {
                return healthy;
            }

            @Override
            public boolean ready() {
                return isReady();
            }
        }, new OpenApiDocument(config.version()), workflows);
    }

    /** Starts everything; throws when ComfyUI never comes up or the warmup fails. */
    public void start() throws Exception {
        workflows.prepare(); // transpiling beside ComfyUI's boot
        warmupPrompt = config.warmupPrompt().orElseGet(this::fetchWarmup);
        installManifest();
        supervisor.start();
        workflows.load(this::workflowEnvironment); // beside the warmup
        events.start();
        awaitWebsocket();
        http.start();
        supervisor.afterStart(() -> {
            warmup();
            workflows.modelsChanged(); // a restarted ComfyUI may list other models, samplers or schedulers
        });
        supervisor.warm();
        workflows.awaitLoaded();
        healthy = true;
        LOG.info("ready", "port", http.port());
        if (!config.manifest().afterStart().isEmpty()) {
            Thread.ofVirtual().name("manifest-after-start").start(() -> fetchModels(config.manifest().afterStart()));
        }
    }

    /** apt, pip and custom nodes, then {@code models.before_start}; any failure stops start-up. */
    private void installManifest() throws Exception {
        Manifest manifest = config.manifest();
        if (manifest.isEmpty()) return;
        new ManifestInstaller(config.comfyHome(), System.getenv()).install(manifest);
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
                        ModelDownloads.Done done = models.fetchTo(url, config.comfyHome().resolve(file.localPath()));
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

    private ObjectNode fetchWarmup() {
        Optional<String> url = config.warmupSource().filter(s -> s.startsWith("http://") || s.startsWith("https://"));
        if (url.isEmpty()) return null;
        try {
            HttpResponse<String> response = web.send(HttpRequest.newBuilder(URI.create(url.get()))
                    .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new ConfigException("WARMUP_PROMPT_URL", "answered HTTP " + response.statusCode());
            }
            return ConfigLoader.parseWarmup("WARMUP_PROMPT_URL", response.body());
        } catch (IOException e) {
            throw new ConfigException("WARMUP_PROMPT_URL", "cannot fetch (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("WARMUP_PROMPT_URL", "interrupted while fetching");
        }
    }

    private void awaitWebsocket() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!events.isConnected() && System.nanoTime() < deadline) Thread.sleep(20);
        if (!events.isConnected()) LOG.warn("websocket not connected yet; prompts fall back to history polling");
    }

    private void warmup() throws InterruptedException {
        if (warmupPrompt == null) return;
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("prompt", warmupPrompt);
        body.put("id", "warmup-" + UUID.randomUUID().toString().substring(0, 8));
        long started = System.currentTimeMillis();
        PromptResult result = prompts.run(PromptRequest.parse(body));
        result.deleteFiles();
        LOG.info("warmup finished", "ms", System.currentTimeMillis() - started, "outputs", result.files().size());
    }

    /** What workflow files see as their config: read from ComfyUI now that it is up. */
    private WorkflowEnvironment workflowEnvironment() {
        JsonNode sampler = JsonNodeFactory.instance.objectNode();
        try {
            sampler = client.objectInfo("KSampler");
        } catch (RuntimeException e) {
            LOG.warn("cannot read samplers and schedulers from ComfyUI; workflows accept any", "error", e.getMessage());
        }
        return WorkflowEnvironment.of(config, catalog.all(),
                WorkflowEnvironment.comboOptions(sampler, "sampler_name"),
                WorkflowEnvironment.comboOptions(sampler, "scheduler"), Optional.ofNullable(warmupPrompt));
    }

    private boolean isReady() {
        if (!healthy || !supervisor.isReady() || !workflows.isLoaded()) return false;
        if (config.maxQueueDepth() <= 0) return true;
        int remaining = events.isConnected() ? events.queueRemaining() : -1;
        if (remaining < 0) {
            try {
                remaining = client.queueRemaining();
            } catch (RuntimeException e) {
                return false;
            }
        }
        return remaining < config.maxQueueDepth();
    }

    public int port() {
        return http.port();
    }

    public ComfyEvents events() {
        return events;
    }

    @Override
    public void close() {
        http.close();
        workflows.close();
        events.close();
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing on the way out
            }
        }
        supervisor.close();
    }
}
