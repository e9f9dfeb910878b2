package org.comfyapi.server.http;

import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.error.NotFound;
import org.comfyapi.server.error.RequestError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.job.JobEvent;
import org.comfyapi.server.job.JobRegistry;
import org.comfyapi.server.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.MethodNotAllowedResponse;
import org.comfyapi.server.comfy.ModelCatalog;
import org.comfyapi.server.config.Config;
import org.comfyapi.server.config.HttpSettings;
import org.comfyapi.server.json.RequestFields;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.metrics.Metrics;
import org.comfyapi.server.prompt.InputLimits;
import org.comfyapi.server.prompt.JobsInFlight;
import org.comfyapi.server.prompt.PromptPipeline;
import org.comfyapi.server.prompt.PromptRequest;
import org.comfyapi.server.queue.QueueMode;
import org.comfyapi.server.storage.ModelDownloads;
import org.comfyapi.server.workflow.Generated;
import org.comfyapi.server.workflow.WorkflowEndpoint;
import org.comfyapi.server.workflow.WorkflowHost;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** The HTTP routes. Handlers parse, hand over to the prompt service, and write its answer. */
public final class HttpApi implements AutoCloseable {
    private static final Log LOG = Log.get("http");
    private static final ObjectMapper JSON = Json.MAPPER;
    /** Pending connections the kernel keeps for us (Node's http server uses 511; Linux caps it at somaxconn). */
    private static final int ACCEPT_QUEUE_SIZE = 1024;

    /** What the probes report. */
    public interface Probes {
        boolean healthy();

        boolean ready();
    }

    private final HttpSettings config;
    private final PromptPipeline prompts;
    private final ModelCatalog models;
    private final Probes probes;
    private final OpenApiDocument docs;
    private final DownloadRoute downloads;
    private final BodyReader bodies;
    private final SwaggerUi swagger = new SwaggerUi();
    private final WorkflowHost workflows;
    private volatile QueueMode queue;
    private final JobRoutes jobs;
    private final Metrics metrics;
    private final RequestLog requestLog;
    private final Cors cors;
    private final Set<String> routePaths = new LinkedHashSet<>();
    private Javalin app;

    public HttpApi(HttpSettings config, PromptPipeline prompts, ModelCatalog models, ModelDownloads modelDownloads, Probes probes, OpenApiDocument docs,
                   WorkflowHost workflows, Metrics metrics, JobRegistry jobs) {
        this.config = config;
        this.metrics = metrics;
        this.requestLog = new RequestLog(metrics, config.accessLog());
        this.cors = new Cors(config.corsAllowedOrigins());
        this.prompts = prompts;
        this.models = models;
        this.probes = probes;
        this.docs = docs;
        this.workflows = workflows;
        this.jobs = new JobRoutes(jobs, JobEvent.KEEP_ALIVE_INTERVAL);
        this.bodies = new BodyReader(config.maxBodySizeBytes(), new InputLimits(config.maxStringInputBytes()).whileParsing());
        this.downloads = new DownloadRoute(modelDownloads, bodies);
    }

    public void start() {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.maxRequestSize = config.maxBodySizeBytes() + 1;
            cfg.http.compressionStrategy = CompressionStrategy.NONE;
            cfg.router.ignoreTrailingSlashes = true;
            cfg.http.prefer405over404 = true;
            // Our own connector only to raise the accept backlog: Jetty's default (the JDK's 50) overflows when
            // hundreds of clients connect at once, and those connections then fail without an answer.
            cfg.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(config.host());
                connector.setPort(config.port());
                connector.setAcceptQueueSize(ACCEPT_QUEUE_SIZE);
                return connector;
            });
            cfg.routes.before(requestLog::before);
            if (cors.enabled()) cfg.routes.before(cors::before);
            cfg.requestLogger.http(requestLog::after);
            if (metrics.enabled()) get(cfg.routes, "/metrics", this::metrics);
            get(cfg.routes, "/health", this::health);
            get(cfg.routes, "/ready", this::ready);
            get(cfg.routes, "/models", ctx -> json(ctx, 200, JSON.valueToTree(models.all())));
            post(cfg.routes, "/prompt", this::prompt);
            post(cfg.routes, "/validate", this::validate);
            post(cfg.routes, "/interrupt", this::interrupt);
            get(cfg.routes, "/prompt/{id}", jobs::status);
            get(cfg.routes, "/prompt/{id}/events", jobs::events);
            get(cfg.routes, "/prompt/{id}/outputs/{filename}", jobs::output);
            cfg.routes.delete("/prompt/{id}", jobs::delete);
            post(cfg.routes, "/download", downloads::handle);
            post(cfg.routes, "/workflow/<path>", this::workflow);
            post(cfg.routes, "/workflows/<path>", this::workflow);
            get(cfg.routes, "/docs", swagger::page);
            get(cfg.routes, "/docs/static/{file}", swagger::asset);
            get(cfg.routes, "/favicon.ico", swagger::favicon);
            get(cfg.routes, "/docs/json", ctx -> json(ctx, 200, document()));
            get(cfg.routes, "/docs/yaml", ctx -> ctx.contentType("application/yaml")
                    .result(new YAMLMapper().writeValueAsString(document())));
            // preflights only where a route is, so an unknown path stays a 404
            if (cors.enabled()) routePaths.forEach(path -> cfg.routes.options(path, cors::preflight));
            cfg.routes.exception(MethodNotAllowedResponse.class, (e, ctx) -> {
                String allow = allowed(e);
                if (!allow.isEmpty()) ctx.header("Allow", allow);
                ErrorResponses.write(ctx, 405, "Method not allowed: " + ctx.method() + " " + ctx.path()
                        + (allow.isEmpty() ? "" : " (allowed: " + allow + ")"), "method");
            });
            cfg.routes.exception(RequestError.class, (e, ctx) -> ErrorResponses.write(ctx, e));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unexpected error", "path", ctx.path(), "error", e.toString());
                ErrorResponses.write(ctx, 500, "Internal server error", null);
            });
            cfg.routes.error(404, ctx -> {
                if (!"application/json".equals(ctx.contentType())) {
                    ErrorResponses.write(ctx, 404, "Not found: " + ctx.method() + " " + ctx.path(), "path");
                }
            });
            cfg.routes.error(405, ctx -> {
                if (!"application/json".equals(ctx.contentType())) {
                    ErrorResponses.write(ctx, 405, "Method not allowed: " + ctx.method() + " " + ctx.path(), "method");
                }
            });
        });
        app.start(config.host(), config.port());
        LOG.info("listening", "host", config.host(), "port", app.port());
    }

    private void get(RoutesConfig routes, String path, Handler handler) {
        routes.get(path, handler);
        routePaths.add(path);
    }

    private void post(RoutesConfig routes, String path, Handler handler) {
        routes.post(path, handler);
        routePaths.add(path);
    }

    /** The methods Javalin found for the path ("GET, POST"), whichever key it put them under. */
    private static String allowed(MethodNotAllowedResponse e) {
        return e.getDetails().values().stream().findFirst().orElse("").replace(",", ", ").replaceAll(" +", " ").strip();
    }

    private void metrics(Context ctx) throws IOException {
        ctx.status(200).contentType("text/plain; version=0.0.4; charset=utf-8");
        try (OutputStream out = ctx.res().getOutputStream()) {
            metrics.scrape(out);
        }
    }

    public int port() {
        return app.port();
    }

    private void health(Context ctx) {
        ObjectNode body = JSON.createObjectNode();
        if (probes.healthy()) {
            json(ctx, 200, body.put("version", Config.VERSION).put("status", "healthy"));
        } else {
            json(ctx, 500, body.put("version", Config.VERSION).put("status", "not healthy"));
        }
    }

    private void ready(Context ctx) {
        ObjectNode body = JSON.createObjectNode();
        if (probes.ready()) {
            json(ctx, 200, body.put("version", Config.VERSION).put("status", "ready"));
        } else {
            json(ctx, 503, body.put("version", Config.VERSION).put("status", "not ready"));
        }
    }

    private void prompt(Context ctx) throws InterruptedException, IOException {
        JsonNode json = bodies.json(ctx);
        ObjectNode received = asReceived(json);
        run(ctx, PromptRequest.parse(json), received);
    }

    /**
     * {@code POST /workflow/<route>}: the body is a /prompt body with {@code input} in place of
     * {@code prompt}. The workflow validates the input and makes the graph, which then runs as /prompt
     * would; the validated input (defaults applied) is echoed with the rest of the body.
     */
    private void workflow(Context ctx) throws InterruptedException, IOException {
        WorkflowEndpoint endpoint = workflows.await().find(ctx.pathParam("path")).orElseThrow(() ->
                new NotFound("No workflow endpoint at " + ctx.path(), "path"));
        JsonNode json = bodies.json(ctx);
        if (json == null || !json.isObject()) {
            throw new BadInput("Request body must be a JSON object", "body");
        }
        ObjectNode body = (ObjectNode) json;
        long started = System.nanoTime();
        Generated generated = endpoint.generate(body.get("input"));
        LOG.debug("workflow prompt generated", "route", endpoint.route(), "js_us", (System.nanoTime() - started) / 1000);
        body.set("input", generated.input());
        body.set("prompt", generated.prompt());
        ObjectNode received = asReceived(body);
        run(ctx, PromptRequest.parse(body), received);
    }

    /** Queue mode: the body as it must travel to the instance that runs it (parsing takes credentials out). */
    private ObjectNode asReceived(JsonNode json) {
        return queue != null && json instanceof ObjectNode object ? object.deepCopy() : null;
    }

    /** In queue mode, asynchronous requests go to the shared queue instead of running here. */
    public void useQueue(QueueMode queue) {
        this.queue = queue;
    }

    /**
     * {@code POST /validate}: a /prompt body, or a workflow body with {@code "workflow": "<path>"}, put through
     * every check a run would meet before ComfyUI runs it; nothing is downloaded, queued or run.
     */
    private void validate(Context ctx) throws InterruptedException {
        JsonNode json = bodies.json(ctx);
        if (!json.isObject()) throw new BadInput("Request body must be a JSON object", "body");
        ObjectNode body = (ObjectNode) json;
        JsonNode workflow = body.remove("workflow");
        if (workflow != null && !workflow.isNull()) {
            if (!workflow.isTextual()) {
                throw new BadInput("\"workflow\" must be the path of a workflow endpoint", "workflow");
            }
            String path = workflow.asText().replaceFirst("^/?(workflows?/)?", "");
            WorkflowEndpoint endpoint = workflows.await().find(path).orElseThrow(() ->
                    new BadInput("No workflow endpoint at /workflow/" + path, "workflow"));
            Generated generated = endpoint.generate(body.get("input"));
            body.set("input", generated.input());
            body.set("prompt", generated.prompt());
        }
        prompts.validate(PromptRequest.parse(body));
        json(ctx, 200, JSON.createObjectNode().put("valid", true));
    }

    private static void accepted(Context ctx, PromptRequest request) {
        ObjectNode accepted = request.body().deepCopy();
        accepted.put("status", "ok");
        accepted.put("id", request.id());
        json(ctx, 202, accepted);
    }

    /** The one way a request runs, from /prompt and the workflow endpoints alike. */
    private void run(Context ctx, PromptRequest request, ObjectNode received) throws InterruptedException, IOException {
        if (request.isAsync() && queue != null) {
            queue.enqueue(request, received);
            accepted(ctx, request);
            return;
        }
        JobsInFlight.Job job = prompts.admit();
        if (request.keepsOutputs()) {
            prompts.submit(request, job);
            String status = "/prompt/" + request.id();
            json(ctx, 202, JSON.createObjectNode().put("id", request.id()).put("status", "queued")
                    .put("status_url", status).put("events_url", status + "/events"));
            return;
        }
        if (request.isAsync()) {
            prompts.submit(request, job);
            accepted(ctx, request);
            return;
        }
        try (job) {
            prompts.runAndWrite(request, () -> {
                ctx.status(200).contentType("application/json");
                return ctx.res().getOutputStream();
            });
        } catch (RequestError e) {
            if (ctx.res().isCommitted()) throw e;
            // written before the job counts as delivered, so a stopping server never exits ahead of the answer
            ErrorResponses.writeNow(ctx, e);
        }
    }

    private JsonNode document() throws InterruptedException {
        List<WorkflowEndpoint> endpoints;
        try {
            endpoints = workflows.await().endpoints();
        } catch (RequestError e) {
            endpoints = List.of(); // the load failed (logged): the core routes are still documented
        }
        return docs.json(endpoints, config.markdownSchemaDescriptions());
    }

    private void interrupt(Context ctx) {
        String id = RequestFields.of(bodies.json(ctx), "body", "").requiredText("id");
        boolean done = prompts.interrupt(id);
        ObjectNode answer = JSON.createObjectNode().put("id", id).put("interrupted", done ? "success" : "failed");
        json(ctx, done ? 200 : 404, answer);
    }

    static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    @Override
    public void close() {
        if (app != null) app.stop();
        jobs.close();
    }
}
