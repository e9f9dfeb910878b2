package org.comfyapi.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import io.javalin.http.Context;
import org.comfyapi.server.comfy.ModelCatalog;
import org.comfyapi.server.config.Config;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.prompt.PromptDelivery;
import org.comfyapi.server.prompt.PromptRequest;
import org.comfyapi.server.prompt.PromptResult;
import org.comfyapi.server.prompt.PromptService;
import org.comfyapi.server.prompt.SyncResponseWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;

/** The HTTP routes. Handlers parse, hand over to the prompt service, and write its answer. */
public final class HttpApi implements AutoCloseable {
    private static final Log LOG = Log.get("http");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Pending connections the kernel keeps for us (Node's http server uses 511; Linux caps it at somaxconn). */
    private static final int ACCEPT_QUEUE_SIZE = 1024;

    /** What the probes report. */
    public interface Probes {
        boolean healthy();

        boolean ready();
    }

    private final Config config;
    private final PromptService prompts;
    private final PromptDelivery delivery;
    private final ModelCatalog models;
    private final Probes probes;
    private final OpenApiDocument docs;
    private final BodyReader bodies;
    private final SyncResponseWriter syncWriter = new SyncResponseWriter();
    private final SwaggerUi swagger = new SwaggerUi();
    private Javalin app;

    public HttpApi(Config config, PromptService prompts, PromptDelivery delivery, ModelCatalog models, Probes probes,
                   OpenApiDocument docs) {
        this.config = config;
        this.prompts = prompts;
        this.delivery = delivery;
        this.models = models;
        this.probes = probes;
        this.docs = docs;
        this.bodies = new BodyReader(config.maxBodySizeBytes());
    }

    public void start() {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.maxRequestSize = config.maxBodySizeBytes() + 1;
            cfg.http.compressionStrategy = CompressionStrategy.NONE;
            cfg.router.ignoreTrailingSlashes = true;
            // Our own connector only to raise the accept backlog: Jetty's default (the JDK's 50) overflows when
            // hundreds of clients connect at once, and those connections then fail without an answer.
            cfg.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(config.host());
                connector.setPort(config.port());
                connector.setAcceptQueueSize(ACCEPT_QUEUE_SIZE);
                return connector;
            });
            cfg.routes.get("/health", this::health);
            cfg.routes.get("/ready", this::ready);
            cfg.routes.get("/models", ctx -> json(ctx, 200, JSON.valueToTree(models.all())));
            cfg.routes.post("/prompt", this::prompt);
            cfg.routes.post("/interrupt", this::interrupt);
            cfg.routes.get("/docs", swagger::page);
            cfg.routes.get("/docs/static/{file}", swagger::asset);
            cfg.routes.get("/docs/json", ctx -> json(ctx, 200, docs.json()));
            cfg.routes.get("/docs/yaml", ctx -> ctx.contentType("application/yaml")
                    .result(new YAMLMapper().writeValueAsString(docs.json())));
            cfg.routes.exception(ApiException.class, (e, ctx) -> json(ctx, e.status(), e.toJson()));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unexpected error", "path", ctx.path(), "error", e.toString());
                json(ctx, 500, new ApiException(500, "Internal server error", null).toJson());
            });
            cfg.routes.error(404, ctx -> {
                if (!"application/json".equals(ctx.contentType())) {
                    json(ctx, 404, new ApiException(404, "Not found: " + ctx.method() + " " + ctx.path(), "path").toJson());
                }
            });
            cfg.routes.error(405, ctx -> json(ctx, 405, new ApiException(405, "Method not allowed: "
                    + ctx.method() + " " + ctx.path(), "path").toJson()));
        });
        app.start(config.host(), config.port());
        LOG.info("listening", "host", config.host(), "port", app.port());
    }

    public int port() {
        return app.port();
    }

    private void health(Context ctx) {
        ObjectNode body = JSON.createObjectNode();
        if (probes.healthy()) {
            json(ctx, 200, body.put("version", config.version()).put("status", "healthy"));
        } else {
            json(ctx, 500, body.put("version", config.version()).put("status", "not healthy"));
        }
    }

    private void ready(Context ctx) {
        ObjectNode body = JSON.createObjectNode();
        if (probes.ready()) {
            json(ctx, 200, body.put("version", config.version()).put("status", "ready"));
        } else {
            json(ctx, 503, body.put("version", config.version()).put("status", "not ready"));
        }
    }

    private void prompt(Context ctx) throws InterruptedException, IOException {
        PromptRequest request = PromptRequest.parse(bodies.json(ctx));
        if (request.isAsync()) {
            prompts.preprocess(request);
            delivery.runInBackground(request);
            ObjectNode accepted = request.body().deepCopy();
            accepted.put("status", "ok");
            accepted.put("id", request.id());
            json(ctx, 202, accepted);
            return;
        }
        PromptResult result = prompts.run(request);
        try {
            ctx.status(200).contentType("application/json");
            OutputStream out = ctx.res().getOutputStream();
            syncWriter.write(out, result);
            out.flush();
        } finally {
            result.deleteFiles();
        }
    }

    private void interrupt(Context ctx) {
        JsonNode body = bodies.json(ctx);
        JsonNode id = body.path("id");
        if (!id.isTextual() || id.asText().isBlank()) {
            throw ApiException.badRequest("\"id\" is required and must be a string", "id");
        }
        boolean done = prompts.interrupt(id.asText());
        ObjectNode answer = JSON.createObjectNode().put("id", id.asText()).put("interrupted", done ? "success" : "failed");
        json(ctx, done ? 200 : 404, answer);
    }

    static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    @Override
    public void close() {
        if (app != null) app.stop();
    }
}
