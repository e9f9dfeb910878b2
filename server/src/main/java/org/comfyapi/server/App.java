package org.comfyapi.server;

import org.comfyapi.server.comfy.ComfyClient;
import org.comfyapi.server.comfy.ComfyEvents;
import org.comfyapi.server.comfy.ComfySupervisor;
import org.comfyapi.server.comfy.NodeDefinitions;
import org.comfyapi.server.comfy.ModelCatalog;
import org.comfyapi.server.config.Config;
import org.comfyapi.server.config.Directories;
import org.comfyapi.server.config.JobRetention;
import org.comfyapi.server.config.WebhookSettings;
import org.comfyapi.server.http.HttpApi;
import org.comfyapi.server.http.OpenApiDocument;
import org.comfyapi.server.job.InMemoryJobStore;
import org.comfyapi.server.job.JobRegistry;
import org.comfyapi.server.media.ImageConverter;
import org.comfyapi.server.metrics.Metrics;
import org.comfyapi.server.metrics.PrometheusMetrics;
import org.comfyapi.server.prompt.ComfyRunner;
import org.comfyapi.server.prompt.GraphCheck;
import org.comfyapi.server.prompt.InputLimits;
import org.comfyapi.server.prompt.InputResolver;
import org.comfyapi.server.prompt.JobMetrics;
import org.comfyapi.server.prompt.OutputCollector;
import org.comfyapi.server.prompt.OutputConverter;
import org.comfyapi.server.prompt.OutputUploader;
import org.comfyapi.server.prompt.JobsInFlight;
import org.comfyapi.server.prompt.PromptPipeline;
import org.comfyapi.server.prompt.PromptPreprocessor;
import org.comfyapi.server.prompt.PromptService;
import org.comfyapi.server.prompt.JobReporter;
import org.comfyapi.server.prompt.QueueLimit;
import org.comfyapi.server.prompt.RunLimits;
import org.comfyapi.server.prompt.RunListener;
import org.comfyapi.server.queue.FleetJobStore;
import org.comfyapi.server.queue.PipelineJobRunner;
import org.comfyapi.server.queue.QueueCapacity;
import org.comfyapi.server.queue.QueueMode;
import org.comfyapi.server.queue.QueueSettings;
import org.comfyapi.server.queue.QueuedJobRunner;
import org.comfyapi.server.queue.Redis;
import org.comfyapi.server.queue.RedisJobStore;
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
import redis.clients.jedis.RedisClient;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    private final JobRegistry registry;
    private final Shutdown shutdown;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final QueueMode queueMode;
    private final QueuedJobRunner queueRunner;
    private final QueueCapacity queueCapacity;

    public App(Config config, StorageSettings storage, IntConsumer fatalExit) {
        this(config, storage, RunListener.NONE, fatalExit);
    }

    /** As above, with {@code listener} told about every stage of every request. */
    public App(Config config, StorageSettings storage, RunListener listener, IntConsumer fatalExit) {
        this(config, storage, Optional.empty(), listener, fatalExit);
    }

    /** As above, in queue mode when {@code queue} is given (SPEC 10.4). */
    public App(Config config, StorageSettings storage, Optional<QueueSettings> queue, RunListener listener,
               IntConsumer fatalExit) {
        Directories dirs = config.dirs();
        Metrics metrics = Metrics.NONE;
        if (config.http().metricsEnabled()) {
            PrometheusMetrics prometheus = new PrometheusMetrics();
            closeables.add(prometheus);
            metrics = prometheus;
        }
        ComfyClient client = new ComfyClient(config.comfy().baseUri());
        this.workflows = new WorkflowHost(dirs.workflows(), WorkflowLimits.defaults(), Duration.ofMinutes(5),
                dirs.cache().resolve("workflows"));
        workflows.watchModels(dirs.models()); // new model files reach the workflows' enums
        String clientId = UUID.randomUUID().toString();
        this.events = new ComfyEvents(clientId, config.comfy().websocketUri(clientId));
        this.supervisor = new ComfySupervisor(config.comfy(), client, events, code -> afterComfyDied(code, fatalExit),
                metrics);
        metrics.comfyQueueDepth(() -> events.isConnected() ? events.queueRemaining() : -1);
        ModelCatalog catalog = new ModelCatalog(client, dirs.models());
        ComfyRunner runner = new ComfyRunner(client, events, supervisor, new RunLimits(
                config.comfy().unavailableWait(), config.jobs().promptTimeout(), config.jobs().interruptGrace()));
        HttpClient web = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).proxy(storage.proxy())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        WebhookSettings hooks = config.webhooks();
        WebhookSender sender = new WebhookSender(web, WebhookSigner.fromSecret(hooks.secret()),
                hooks.retries(), hooks.retryDelay(), metrics);
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
                config.lruCacheSizeGb(), storageEvents), remote, storageEvents, metrics);
        ModelDownloads models = new ModelDownloads(dirs.models(), downloads, () -> Set.copyOf(client.modelFolders()));
        InputResolver inputs = new InputResolver(dirs.input(), downloads, models);
        NodeDefinitions nodes = new NodeDefinitions(client);
        QueueLimit queueLimit = new QueueLimit(config.http().maxQueueDepth(), config.jobs().rejectWhenFull(),
                () -> events.isConnected() && events.queueRemaining() >= 0 ? events.queueRemaining() : client.queueRemaining());
        PromptService prompts = new PromptService(new PromptPreprocessor(config.prependFilenames()),
                new InputLimits(config.http().maxStringInputBytes()), new GraphCheck(nodes), inputs, runner,
                new OutputCollector(dirs.output(), dirs.temp()), new OutputConverter(ImageConverter::new, metrics), queueLimit);
        OutputUploader uploader = new OutputUploader(remote, storageEvents, metrics);
        JobsInFlight jobs = new JobsInFlight();
        Optional<RedisClient> redis = queue.map(settings -> Redis.open(settings, "comfyui-api"));
        this.registry = redis.isEmpty() ? JobRegistry.inMemory(config.retention())
                : fleetRegistry(config.retention(), queue.get(), redis.get());
        JobReporter reporter = new JobReporter(registry, client);
        events.addListener(reporter::onComfyMessage);
        events.addPreviewListener(reporter::onPreview);
        PromptPipeline pipeline = new PromptPipeline(prompts, uploader, sender, dirs.cache().resolve("spool"),
                RunListener.all(reporter, new JobMetrics(metrics), listener), jobs, queueLimit);
        Readiness readiness = new Readiness(supervisor, workflows, events, client, config.http().maxQueueDepth());
        this.http = new HttpApi(config.http(), pipeline, catalog, models, readiness,
                new OpenApiDocument(Config.VERSION), workflows, metrics, registry);
        if (queue.isPresent()) {
            QueueSettings settings = queue.get();
            this.queueMode = new QueueMode(settings, redis.orElseThrow(), pipeline, registry::get);
            this.queueRunner = new PipelineJobRunner(pipeline, workflows, registry, settings.resultsUrl());
            registry.setCanceller(queueMode.canceller());
            this.queueCapacity = () -> readiness.ready() ? Math.max(0, events.queueRemaining()) : Integer.MAX_VALUE;
            http.useQueue(queueMode);
        } else {
            registry.setCanceller(pipeline::interrupt);
            this.queueMode = null;
            this.queueRunner = null;
            this.queueCapacity = null;
        }
        Warmup warmup = new Warmup(config.warmup(), web, prompts);
        this.shutdown = new Shutdown(readiness, jobs, runner, config.jobs().shutdownGrace());
        this.startup = new Startup(config, client, events, supervisor, catalog, models, workflows, warmup, http, readiness,
                nodes);
    }

    /** Jobs in Redis, seen by every instance; in this process only while Redis cannot be reached. */
    private static JobRegistry fleetRegistry(JobRetention retention, QueueSettings settings, RedisClient redis) {
        int capacity = JobRetention.SUBSCRIBER_CAPACITY;
        return new JobRegistry(new FleetJobStore(new InMemoryJobStore(capacity),
                new RedisJobStore(redis, settings.keys(), retention.retention(), capacity)), retention, System::currentTimeMillis);
    }

    /** Starts everything; throws when ComfyUI never comes up or the warmup fails. */
    public void start() throws Exception {
        registry.start();
        startup.run();
        if (queueMode != null) queueMode.start(queueRunner, queueCapacity);
    }

    private void afterComfyDied(int code, IntConsumer fatalExit) {
        try {
            shutdown.afterComfyDied();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fatalExit.accept(code);
    }

    /** SIGTERM/SIGINT: stop taking jobs and deliver the ones in flight (SHUTDOWN_GRACE_S); then {@link #close}. */
    public void drain() throws InterruptedException {
        if (queueMode != null) queueMode.stopTaking();
        shutdown.drain();
    }

    public int port() {
        return http.port();
    }

    public ComfyEvents events() {
        return events;
    }

    @Override
    public void close() {
        if (queueMode != null) queueMode.close();
        http.close();
        registry.close();
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
