package org.comfyapi.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.comfyapi.simulator.Log;
import org.comfyapi.simulator.SimulatorConfig;
import org.comfyapi.simulator.exec.InterruptFlag;
import org.comfyapi.graph.GraphValidator;
import org.comfyapi.simulator.exec.RegistryCatalog;
import org.comfyapi.simulator.fs.FolderPaths;
import org.comfyapi.simulator.nodes.NodeEnv;
import org.comfyapi.simulator.nodes.NodeRegistry;
import org.comfyapi.graph.py.Py;
import org.comfyapi.graph.py.PyException;
import org.comfyapi.graph.py.PyJson;
import org.comfyapi.simulator.queue.PromptQueue;
import org.comfyapi.simulator.queue.QueueItem;
import org.comfyapi.simulator.ws.WsHub;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The REST routes of server.py (each also under /api), the websocket and the simulator's control routes. */
public final class HttpApi {
    private static final String INDEX_HTML = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"UTF-8\"><title>ComfyUI</title></head>\n"
            + "<body><div id=\"vue-app\"></div><p>ComfyUI simulator: no frontend is bundled.</p></body>\n</html>\n";

    private final SimulatorConfig config;
    private final FolderPaths paths;
    private final PromptQueue queue;
    private final WsHub hub;
    private final InterruptFlag interrupt;
    private final GraphValidator validator;
    private final FileRoutes files;
    private final InfoRoutes info;
    private long number;
    private volatile boolean refuseWebsockets;

    public HttpApi(SimulatorConfig config, FolderPaths paths, NodeRegistry registry, NodeEnv env, PromptQueue queue,
                   WsHub hub, InterruptFlag interrupt) {
        this.config = config;
        this.paths = paths;
        this.queue = queue;
        this.hub = hub;
        this.interrupt = interrupt;
        this.validator = new GraphValidator(new RegistryCatalog(registry, env));
        this.files = new FileRoutes(paths);
        this.info = new InfoRoutes(config, paths, registry, env);
    }

    public void configure(JavalinConfig cfg) {
        cfg.routes.before(this::middleware);
        cfg.routes.wsBeforeUpgrade(ctx -> {
            if (refuseWebsockets) {
                Responses.text(ctx, 502, "502: Bad Gateway");
                ctx.skipRemainingHandlers();
                return;
            }
            if (config.enableCorsHeader() == null && OriginCheck.reject(ctx.header("Host"), ctx.header("Origin"))) {
                Responses.empty(ctx, 403);
                ctx.skipRemainingHandlers();
            }
        });
        cfg.routes.exception(io.javalin.http.NotFoundResponse.class, (e, ctx) -> Responses.text(ctx, 404, "404: Not Found"));
        cfg.routes.exception(io.javalin.http.MethodNotAllowedResponse.class, (e, ctx) -> Responses.text(ctx, 405, "405: Method Not Allowed"));
        cfg.routes.exception(Exception.class, (e, ctx) -> {
            if (!(e instanceof PyException)) {
                Log.warn("Error handling request: " + e);
            }
            Responses.serverError(ctx);
        });

        get(cfg, "/", ctx -> {
            ctx.header("Cache-Control", "no-cache");
            ctx.header("Pragma", "no-cache");
            ctx.header("Expires", "0");
            ctx.contentType("text/html");
            ctx.result(INDEX_HTML);
        });
        for (String p : List.of("/ws", "/api/ws")) {
            cfg.routes.ws(p, ws -> {
                ws.onConnect(hub::onConnect);
                ws.onMessage(ctx -> hub.onText(ctx, ctx.message()));
                ws.onClose(hub::onClose);
                ws.onError(hub::onClose);
            });
        }
        get(cfg, "/embeddings", ctx -> {
            ArrayNode a = PyJson.array();
            for (String f : paths.filenameList("embeddings")) a.add(org.comfyapi.simulator.py.PyPath.splitext(f)[0]);
            Responses.json(ctx, a);
        });
        get(cfg, "/models", info::models);
        get(cfg, "/models/{folder}", info::modelFolder);
        get(cfg, "/extensions", ctx -> Responses.json(ctx, PyJson.array()));
        post(cfg, "/upload/image", ctx -> files.upload(ctx, false));
        post(cfg, "/upload/mask", ctx -> files.upload(ctx, true));
        get(cfg, "/view", files::view);
        get(cfg, "/view_metadata/{folder}", info::viewMetadata);
        get(cfg, "/system_stats", info::systemStats);
        get(cfg, "/features", ctx -> Responses.json(ctx, serverFeatures()));
        get(cfg, "/prompt", ctx -> Responses.json(ctx, queueInfo()));
        get(cfg, "/object_info", info::objectInfo);
        get(cfg, "/object_info/{node_class}", info::objectInfoOne);
        get(cfg, "/history", this::getHistory);
        get(cfg, "/history/{prompt_id}", ctx -> Responses.json(ctx, queue.historyItem(ctx.pathParam("prompt_id"))));
        get(cfg, "/queue", ctx -> {
            ObjectNode o = PyJson.object();
            o.set("queue_running", queue.runningJson());
            o.set("queue_pending", queue.pendingJson());
            Responses.json(ctx, o);
        });
        post(cfg, "/prompt", this::postPrompt);
        post(cfg, "/queue", this::postQueue);
        post(cfg, "/interrupt", this::postInterrupt);
        post(cfg, "/free", this::postFree);
        post(cfg, "/history", this::postHistory);
        get(cfg, "/users", ctx -> Responses.json(ctx, PyJson.object().put("storage", "server").put("migrated", true)));
        get(cfg, "/settings", ctx -> Responses.json(ctx, PyJson.object()));
        get(cfg, "/internal/files/{type}", files::internalFiles);

        cfg.routes.post("/__sim/drop_websockets", ctx -> {
            hub.dropAll();
            Responses.empty(ctx, 200);
        });
        cfg.routes.post("/__sim/refuse_websockets", ctx -> {
            String on = ctx.queryParam("on");
            if (!"true".equals(on) && !"false".equals(on)) {
                Responses.text(ctx, 400, "on must be true or false");
                return;
            }
            refuseWebsockets = on.equals("true");
            if (refuseWebsockets) hub.dropAll();
            Responses.empty(ctx, 200);
        });
        cfg.routes.post("/__sim/crash", ctx -> {
            System.err.println("Simulated crash: POST /__sim/crash");
            System.err.flush();
            Runtime.getRuntime().halt(1);
        });
    }

    private static void get(JavalinConfig cfg, String path, io.javalin.http.Handler h) {
        String api = "/api" + (path.equals("/") ? "/" : path);
        cfg.routes.get(path, h);
        cfg.routes.get(api, h);
        cfg.routes.head(path, h);
        cfg.routes.head(api, h);
    }

    private static void post(JavalinConfig cfg, String path, io.javalin.http.Handler h) {
        cfg.routes.post(path, h);
        cfg.routes.post("/api" + path, h);
    }

    private void middleware(Context ctx) {
        ctx.header("Server", "Python/3.12 aiohttp/3.12.15");
        if (config.enableCorsHeader() != null) {
            ctx.header("Access-Control-Allow-Origin", config.enableCorsHeader());
            ctx.header("Access-Control-Allow-Methods", "POST, GET, DELETE, PUT, OPTIONS");
            ctx.header("Access-Control-Allow-Headers", "Content-Type, Authorization");
            ctx.header("Access-Control-Allow-Credentials", "true");
        } else if (OriginCheck.reject(ctx.header("Host"), ctx.header("Origin"))) {
            Log.warn("WARNING: request with non matching host and origin " + ctx.header("Host") + " != " + ctx.header("Origin") + ", returning 403");
            Responses.empty(ctx, 403);
            ctx.skipRemainingHandlers();
            return;
        }
        if (ctx.method() == HandlerType.OPTIONS) {
            Responses.empty(ctx, 200);
            ctx.skipRemainingHandlers();
            return;
        }
        if (ctx.method() == HandlerType.POST) {
            long max = config.maxUploadBytes();
            long length = ctx.contentLength();
            boolean multipart = ctx.path().endsWith("/upload/image") || ctx.path().endsWith("/upload/mask");
            if (length > max || (!multipart && length >= max && length > 0)) {
                String maxText = config.maxUploadSizeExplicit() ? Py.floatRepr(config.maxUploadSizeMb() * 1024 * 1024) : String.valueOf(max);
                Responses.text(ctx, 413, "Maximum request body size " + maxText + " exceeded, actual body size " + length);
                ctx.skipRemainingHandlers();
            }
        }
    }

    public ObjectNode queueInfo() {
        ObjectNode o = PyJson.object();
        o.putObject("exec_info").put("queue_remaining", queue.tasksRemaining());
        return o;
    }

    public JsonNode serverFeatures() {
        ObjectNode o = PyJson.object();
        o.put("supports_preview_metadata", true);
        if (config.maxUploadSizeExplicit()) o.set("max_upload_size", DoubleNode.valueOf(config.maxUploadSizeMb() * 1024 * 1024));
        else o.set("max_upload_size", LongNode.valueOf(config.maxUploadBytes()));
        return o;
    }

    private static JsonNode body(Context ctx) {
        return PyJson.loads(ctx.body());
    }

    /** Python's {@code key in json_data} for a request body of any JSON type. */
    private static boolean contains(JsonNode data, String key) {
        if (data.isObject()) return data.has(key);
        if (data.isArray()) {
            for (JsonNode n : data) if (n.isTextual() && n.textValue().equals(key)) return true;
            return false;
        }
        if (data.isTextual()) return data.textValue().contains(key);
        throw new PyException("TypeError", "argument of type '" + Py.typeName(data) + "' is not iterable");
    }

    private static JsonNode getItem(JsonNode data, String key) {
        if (!data.isObject()) throw new PyException("TypeError", "indices must be integers");
        return data.get(key);
    }

    private static JsonNode dictGet(JsonNode data, String key) {
        if (!data.isObject()) throw new PyException("AttributeError", "'" + Py.typeName(data) + "' object has no attribute 'get'");
        return data.get(key);
    }

    private void postPrompt(Context ctx) {
        Log.info("got prompt");
        JsonNode json = body(ctx);
        JsonNode number;
        if (contains(json, "number")) {
            number = Py.toFloat(getItem(json, "number"));
        } else {
            synchronized (this) {
                long n = this.number;
                if (contains(json, "front") && Py.truthy(getItem(json, "front"))) n = -n;
                this.number++;
                number = n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE ? IntNode.valueOf((int) n) : LongNode.valueOf(n);
            }
        }
        if (!contains(json, "prompt")) {
            ObjectNode error = PyJson.object();
            error.put("type", "no_prompt");
            error.put("message", "No prompt provided");
            error.put("details", "No prompt provided");
            error.set("extra_info", PyJson.object());
            ObjectNode body = PyJson.object();
            body.set("error", error);
            body.set("node_errors", PyJson.object());
            Responses.json(ctx, 400, body);
            return;
        }
        JsonNode promptJson = getItem(json, "prompt");
        String promptId = json.has("prompt_id") ? Py.str(json.get("prompt_id")) : UUID.randomUUID().toString();
        JsonNode partial = json.has("partial_execution_targets") ? json.get("partial_execution_targets") : null;
        if (!promptJson.isObject()) throw new PyException("AttributeError", "'" + Py.typeName(promptJson) + "' object has no attribute 'items'");
        ObjectNode prompt = (ObjectNode) promptJson;
        GraphValidator.Result valid = validator.validatePrompt(prompt, partial);
        JsonNode extraJson = json.has("extra_data") ? json.get("extra_data") : PyJson.object();
        if (json.has("client_id")) {
            if (!extraJson.isObject()) throw new PyException("TypeError", "'" + Py.typeName(extraJson) + "' object does not support item assignment");
            ((ObjectNode) extraJson).set("client_id", json.get("client_id"));
        }
        if (valid.ok()) {
            if (!extraJson.isObject()) throw new PyException("TypeError", "extra_data must be a dict");
            List<String> outputs = new ArrayList<>(valid.goodOutputs());
            queue.put(new QueueItem(number, promptId, prompt, (ObjectNode) extraJson, outputs));
            ObjectNode resp = PyJson.object();
            resp.put("prompt_id", promptId);
            resp.set("number", number);
            resp.set("node_errors", valid.nodeErrors());
            Responses.json(ctx, resp);
        } else {
            Log.warn("invalid prompt: " + PyJson.dumps(valid.error()));
            ObjectNode body = PyJson.object();
            body.set("error", valid.error());
            body.set("node_errors", valid.nodeErrors());
            Responses.json(ctx, 400, body);
        }
    }

    private void postQueue(Context ctx) {
        JsonNode json = body(ctx);
        if (contains(json, "clear") && Py.truthy(getItem(json, "clear"))) queue.wipeQueue();
        if (contains(json, "delete")) {
            JsonNode toDelete = getItem(json, "delete");
            for (JsonNode id : iterate(toDelete)) queue.deleteQueueItem(item -> Py.equal(PyJson.MAPPER.getNodeFactory().textNode(item.promptId()), id));
        }
        Responses.empty(ctx, 200);
    }

    private static Iterable<JsonNode> iterate(JsonNode v) {
        if (v.isArray()) return v;
        if (v.isObject()) {
            List<JsonNode> keys = new ArrayList<>();
            v.fieldNames().forEachRemaining(k -> keys.add(PyJson.MAPPER.getNodeFactory().textNode(k)));
            return keys;
        }
        if (v.isTextual()) {
            List<JsonNode> chars = new ArrayList<>();
            v.textValue().codePoints().forEach(c -> chars.add(PyJson.MAPPER.getNodeFactory().textNode(new String(Character.toChars(c)))));
            return chars;
        }
        throw new PyException("TypeError", "'" + Py.typeName(v) + "' object is not iterable");
    }

    private void postInterrupt(Context ctx) {
        JsonNode json;
        try {
            json = PyJson.loads(ctx.body());
        } catch (PyException e) {
            json = PyJson.object();
        }
        JsonNode promptId = dictGet(json, "prompt_id");
        if (promptId != null && Py.truthy(promptId)) {
            if (promptId.isTextual() && queue.isRunning(promptId.textValue())) {
                Log.info("Interrupting prompt " + promptId.textValue());
                interrupt.set(true);
            } else {
                Log.info("Prompt " + Py.str(promptId) + " is not currently running, skipping interrupt");
            }
        } else {
            Log.info("Global interrupt (no prompt_id specified)");
            interrupt.set(true);
        }
        Responses.empty(ctx, 200);
    }

    private void postFree(Context ctx) {
        JsonNode json = body(ctx);
        JsonNode unload = dictGet(json, "unload_models");
        JsonNode free = dictGet(json, "free_memory");
        if (unload != null && Py.truthy(unload)) queue.setFlag("unload_models", unload);
        if (free != null && Py.truthy(free)) queue.setFlag("free_memory", free);
        Responses.empty(ctx, 200);
    }

    private void postHistory(Context ctx) {
        JsonNode json = body(ctx);
        if (contains(json, "clear") && Py.truthy(getItem(json, "clear"))) queue.wipeHistory();
        if (contains(json, "delete")) {
            for (JsonNode id : iterate(getItem(json, "delete"))) if (id.isTextual()) queue.deleteHistoryItem(id.textValue());
        }
        Responses.empty(ctx, 200);
    }

    private void getHistory(Context ctx) {
        String maxItems = ctx.queryParam("max_items");
        String offset = ctx.queryParam("offset");
        Integer max = maxItems == null ? null : pyInt(maxItems);
        int off = offset == null ? -1 : pyInt(offset);
        Responses.json(ctx, queue.history(max, off));
    }

    private static int pyInt(String s) {
        return Py.toInt(PyJson.MAPPER.getNodeFactory().textNode(s)).asInt();
    }
}
