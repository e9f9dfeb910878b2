package org.comfyapi.server;

import org.comfyapi.server.comfy.ComfyClient;
import org.comfyapi.server.comfy.ComfyEvents;
import org.comfyapi.server.comfy.ComfySupervisor;
import org.comfyapi.server.comfy.ModelCatalog;
import org.comfyapi.server.config.Config;
import org.comfyapi.server.config.Directories;
import org.comfyapi.server.config.WebhookSettings;
import org.comfyapi.server.http.HttpApi;
import org.comfyapi.server.job.JobRegistry;
import org.comfyapi.server.http.OpenApiDocument;
import org.comfyapi.server.media.ImageConverter;
import org.comfyapi.server.prompt.ComfyRunner;
import org.comfyapi.server.prompt.InputResolver;
import org.comfyapi.server.prompt.OutputCollector;
import org.comfyapi.server.prompt.OutputConverter;
import org.comfyapi.server.prompt.OutputUploader;
import org.comfyapi.server.prompt.PromptPipeline;
import org.comfyapi.server.prompt.PromptPreprocessor;
import org.comfyapi.server.prompt.PromptService;
import org.comfyapi.server.prompt.JobReporter;
import org.comfyapi.server.prompt.RunListener;
import org.comfyapi.server.prompt.RunListeners;
import org.comfyapi.server.storage.CachedDownloads;
import org.comfyapi.server.storage.DownloadCache;
import org.comfyapi.server.storage.ModelDownloads;
import org.comfyapi.server.storage.RemoteFiles;
import org.comfyapi.server.storage.StorageEvents;
import org.comfyapi.server.storage.StorageSettings;
import org.comfyapi.server.webhook.DeletionCost;
import org.comfyapi.server.webhook.SystemEvents;
import org.comfyapi.server.webhook.WebhookSender;
import org.comfyapi.server.webhook.WebhookSigner;
import org.comfyapi.server.workflow.WorkflowHost;
import org.comfyapi.server.workflow.WorkflowLimits;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntConsumer;

/** Wires the parts together, each with its group of settings; {@link Startup} runs them. */
public final class App implements AutoCloseable {
    private final ComfyEvents events;
    private final ComfySupervisor supervisor;
    private final HttpApi http;
    private final WorkflowHost workflows;
    private final Startup startup;
    private final JobRegistry jobs;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    public App(Config config, StorageSettings storage, IntConsumer fatalExit) {
        this(config, storage, RunListener.NONE, fatalExit);
    }

    /** As above, with {@code listener} told about every stage of every request. */
    public App(Config config, StorageSettings storage, RunListener listener, IntConsumer fatalExit) {
        Directories dirs = config.dirs();
        ComfyClient client = new ComfyClient(config.comfy().baseUri());
        this.workflows = new WorkflowHost(dirs.workflows(), WorkflowLimits.defaults(), Duration.ofMinutes(5),
                dirs.cache().resolve("workflows"));
        workflows.watchModels(dirs.models()); // new model files reach the workflows' enums
        String clientId = UUID.randomUUID().toString();
        this.events = new ComfyEvents(clientId, config.comfy().websocketUri(clientId));
        this.supervisor = new ComfySupervisor(config.comfy(), client, events, fatalExit);
        ModelCatalog catalog = new ModelCatalog(client, dirs.models());
        ComfyRunner runner = new ComfyRunner(client, events, supervisor::lostBecause);
        HttpClient web = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).proxy(storage.proxy())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        WebhookSettings hooks = config.webhooks();
        WebhookSender sender = new WebhookSender(web, WebhookSigner.fromSecret(hooks.secret()),
                hooks.retries(), hooks.retryDelay());
        StorageEvents storageEvents = StorageEvents.NONE;
        if (hooks.systemUrl().isPresent()) {
            SystemEvents system = new SystemEvents(hooks.systemUrl().get(), hooks.systemEvents(),
                    hooks.systemMetadata(), sender, runner::requestIdOf);
            events.addListener(system::comfy);
            closeables.add(system);
            storageEvents = system;
        }
        config.salad().metadataUrl().ifPresent(base -> {
            DeletionCost cost = new DeletionCost(base, web);
            events.addListener(cost::accept);
            closeables.add(cost);
        });
        RemoteFiles remote = new RemoteFiles(storage);
        closeables.add(remote);
        CachedDownloads downloads = new CachedDownloads(new DownloadCache(dirs.cache().resolve("downloads"),
                config.lruCacheSizeGb(), storageEvents), remote, storageEvents);
        ModelDownloads models = new ModelDownloads(dirs.models(), downloads, () -> Set.copyOf(client.modelFolders()));
        InputResolver inputs = new InputResolver(dirs.input(), downloads, models);
        PromptService prompts = new PromptService(new PromptPreprocessor(config.prependFilenames()), inputs, runner,
                new OutputCollector(dirs.output(), dirs.temp()), new OutputConverter(ImageConverter::new));
        OutputUploader uploader = new OutputUploader(remote, storageEvents);
        this.jobs = JobRegistry.inMemory(config.jobs());
        JobReporter reporter = new JobReporter(jobs, client);
        events.addListener(reporter::onComfyMessage);
        events.addPreviewListener(reporter::onPreview);
        PromptPipeline pipeline = new PromptPipeline(prompts, uploader, sender, dirs.cache().resolve("spool"),
                RunListeners.of(reporter, listener));
        jobs.setCanceller(pipeline::interrupt);
        Readiness readiness = new Readiness(supervisor, workflows, events, client, config.http().maxQueueDepth());
        this.http = new HttpApi(config.http(), pipeline, catalog, models, readiness,
                new OpenApiDocument(Config.VERSION), workflows, jobs);
        Warmup warmup = new Warmup(config.warmup(), web, prompts);
        this.startup = new Startup(config, client, events, supervisor, catalog, models, workflows, warmup, http, readiness);
    }

    /** Starts everything; throws when ComfyUI never comes up or the warmup fails. */
    public void start() throws Exception {
        jobs.start();
        startup.run();
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
        jobs.close();
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
