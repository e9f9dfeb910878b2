package org.comfyapi.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.json.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.workflow.WorkflowEndpoint;

import java.util.List;

/** The OpenAPI 3 description of every route, served at {@code /docs/json} and {@code /docs/yaml}. */
public final class OpenApiDocument {
    private static final ObjectMapper JSON = Json.MAPPER;
    /** The id the examples share, so "Try it out" works in order: POST /prompt, then the job routes. */
    private static final String EXAMPLE_ID = "my-job-1";

    private final ObjectNode root = JSON.createObjectNode();
    private final ObjectNode paths;
    private final ObjectNode schemas;

    public OpenApiDocument(String version) {
        root.put("openapi", "3.0.3");
        root.putObject("info")
                .put("title", "comfyui-api")
                .put("version", version)
                .put("description", "A stateless HTTP API in front of ComfyUI: run any API-format graph and "
                        + "get its outputs back as base64, by webhook or in object storage.");
        root.withObject("info").putObject("license").put("name", "MIT")
                .put("url", "https://opensource.org/licenses/MIT");
        root.putArray("servers").addObject().put("url", "/").put("description", "This server");
        ArrayNode tags = root.putArray("tags");
        tags.addObject().put("name", "prompt").put("description", "Run ComfyUI graphs");
        tags.addObject().put("name", "workflows").put("description", "Workflow endpoints from WORKFLOW_DIR");
        tags.addObject().put("name", "models").put("description", "Model files");
        tags.addObject().put("name", "probes").put("description", "Liveness and readiness");
        paths = root.putObject("paths");
        schemas = root.putObject("components").putObject("schemas");
        addSchemas();
        addCoreRoutes();
    }

    public ObjectNode json() {
        return root;
    }

    /**
     * The document with the workflow endpoints added, each under {@code /workflow/} and {@code /workflows/}:
     * its summary, its description ({@code markdownDescription()}, with the input table, when
     * {@code markdown}), and the body of /prompt with {@code input} (the workflow's schema) for {@code prompt}.
     */
    public ObjectNode json(List<WorkflowEndpoint> workflows, boolean markdown) {
        if (workflows.isEmpty()) return root;
        ObjectNode document = root.deepCopy();
        ObjectNode documentPaths = (ObjectNode) document.get("paths");
        for (WorkflowEndpoint endpoint : workflows) {
            ObjectNode request = schemas.get("PromptRequest").deepCopy();
            ObjectNode properties = (ObjectNode) request.get("properties");
            properties.remove("prompt");
            properties.set("input", endpoint.inputJsonSchema());
            request.set("required", arr("input"));
            ObjectNode ok = schemas.get("PromptResponse").deepCopy();
            ((ObjectNode) ok.get("properties")).set("input", endpoint.inputJsonSchema()
                    .put("description", "The input as validated, defaults filled in"));
            String summary = endpoint.summary().orElse("Workflow " + endpoint.route());
            String description = markdown ? endpoint.markdownDescription() : endpoint.description().orElse(null);
            ObjectNode example = JSON.createObjectNode();
            example.set("input", SchemaExample.of(endpoint.inputJsonSchema()));
            String operation = endpoint.route().replaceAll("[^A-Za-z0-9]+", "_");
            for (String prefix : List.of("/workflow/", "/workflows/")) {
                ObjectNode op = addPost(documentPaths, prefix + endpoint.route(), prefix.replace("/", "") + "_" + operation,
                        "workflows", summary, description, request.deepCopy(), ok.deepCopy(), example);
                if (prefix.equals("/workflows/")) op.put("deprecated", true);
            }
        }
        return document;
    }

    private static ObjectNode addPost(ObjectNode paths, String path, String operationId, String tag, String summary,
                                      String description, ObjectNode requestSchema, ObjectNode okSchema,
                                      ObjectNode example) {
        ObjectNode op = paths.putObject(path).putObject("post");
        op.put("operationId", operationId);
        op.putArray("tags").add(tag);
        op.put("summary", summary);
        if (description != null) op.put("description", description);
        ObjectNode body = op.putObject("requestBody").put("required", true).putObject("content")
                .putObject("application/json");
        body.set("schema", requestSchema);
        body.set("example", example);
        ObjectNode responses = op.putObject("responses");
        response(responses, "200", "Finished; outputs in the body", okSchema);
        response(responses, "202", "Accepted; results go to the webhook or storage, or (async: true) stay with the job",
                ref("AsyncResponse"));
        response(responses, "400", "Invalid request, or ComfyUI refused the graph", ref("Error"));
        response(responses, "409", "A job with this id is queued or running", ref("Error"));
        response(responses, "413", "Body larger than MAX_BODY_SIZE_MB", ref("Error"));
        response(responses, "415", "Content-Type is not application/json", ref("Error"));
        response(responses, "500", "ComfyUI failed while running the graph", ref("Error"));
        response(responses, "502", "ComfyUI is unreachable or died", ref("Error"));
        return op;
    }

    private void addCoreRoutes() {
        get("/health", "probes", "Liveness: 200 once the warmup has finished",
                statusSchema());
        get("/ready", "probes", "Readiness: 200 when warm, ComfyUI is up and the queue is below MAX_QUEUE_DEPTH",
                statusSchema());
        ObjectNode metrics = paths.putObject("/metrics").putObject("get");
        metrics.put("operationId", "getMetrics");
        metrics.putArray("tags").add("probes");
        metrics.put("summary", "Prometheus metrics in the text format (no such route when METRICS_ENABLED=false)");
        metrics.putObject("responses").putObject("200").put("description", "OK").putObject("content")
                .putObject("text/plain").set("schema", str());
        get("/models", "models", "Model files per model folder", obj().put("type", "object")
                .set("additionalProperties", obj().put("type", "array").set("items", str())));
        addPost(paths, "/prompt", "postPrompt", "prompt", "Run an API-format ComfyUI graph",
                "Inputs given as base64, data URIs, http(s) or s3 URLs are fetched first; outputs come back as "
                        + "base64, or go to a webhook or object storage.", ref("PromptRequest"), ref("PromptResponse"),
                promptExample());
        ObjectNode interrupt = paths.putObject("/interrupt").putObject("post");
        interrupt.put("operationId", "postInterrupt");
        interrupt.putArray("tags").add("prompt");
        interrupt.put("summary", "Interrupt a queued or running prompt by its request id");
        ObjectNode interruptBody = interrupt.putObject("requestBody").put("required", true).putObject("content")
                .putObject("application/json");
        interruptBody.set("schema", idSchema());
        interruptBody.putObject("example").put("id", "example-1");
        ObjectNode responses = interrupt.putObject("responses");
        ObjectNode interrupted = idSchema();
        interrupted.remove("required");
        ((ObjectNode) interrupted.get("properties")).set("interrupted",
                obj().put("type", "string").set("enum", arr("success", "failed")));
        response(responses, "200", "Interrupted", interrupted);
        response(responses, "400", "No id, or not JSON", ref("Error"));
        response(responses, "404", "No such prompt in flight", interrupted);
        response(responses, "415", "Content-Type is not application/json", ref("Error"));
        addDownloadRoute();
        addJobRoutes();
        addValidateRoute();
    }

    private void addJobRoutes() {
        ObjectNode id = pathParam("id", "The request id (letters, digits, '.', '_', '-')", EXAMPLE_ID);
        ObjectNode status = paths.putObject("/prompt/{id}");
        ObjectNode get = status.putObject("get");
        get.put("operationId", "getJob");
        get.putArray("tags").add("jobs");
        get.put("summary", "A job's status, progress, outputs and error");
        get.putArray("parameters").add(id.deepCopy());
        ObjectNode responses = get.putObject("responses");
        response(responses, "200", "The job", ref("Job"));
        response(responses, "400", "Bad id", ref("Error"));
        response(responses, "404", "Unknown or expired id", ref("Error"));

        ObjectNode delete = status.putObject("delete");
        delete.put("operationId", "deleteJob");
        delete.putArray("tags").add("jobs");
        delete.put("summary", "Cancel a job: removed from ComfyUI's queue, or interrupted; kept outputs deleted");
        delete.putArray("parameters").add(id.deepCopy());
        responses = delete.putObject("responses");
        response(responses, "200", "The job as it ended", ref("Job"));
        response(responses, "400", "Bad id", ref("Error"));
        response(responses, "404", "Unknown or expired id", ref("Error"));

        ObjectNode events = paths.putObject("/prompt/{id}/events").putObject("get");
        events.put("operationId", "getJobEvents");
        events.putArray("tags").add("jobs");
        events.put("summary", "Live events of a job (Server-Sent Events)");
        events.put("description", "text/event-stream. First `status` (the job), then as they happen `progress` "
                + "{node, class_type, value, max}, `node` {node, class_type, cached}, `preview` {node, image: data URI} "
                + "(when ComfyUI sends previews), `output` {node, filename, url}, another `status` when the job starts "
                + "running, and one terminal event: `completed`, `failed`, `interrupted` or `timed_out` with the job. "
                + "The stream then ends. `: keep-alive` comments every 15 s. A client that reads too slowly skips "
                + "progress and previews, and is dropped (a `: dropped` comment) if it falls 256 events behind. "
                + "Use `curl -N`.");
        events.putArray("parameters").add(id.deepCopy());
        responses = events.putObject("responses");
        responses.putObject("200").put("description", "The event stream").putObject("content")
                .putObject("text/event-stream").set("schema", str().put("example",
                        "event: status\ndata: {\"id\":\"" + EXAMPLE_ID + "\",\"status\":\"running\",...}\n\n"
                                + "event: progress\ndata: {\"node\":\"3\",\"class_type\":\"KSampler\",\"value\":1,\"max\":20}\n\n"));
        response(responses, "400", "Bad id", ref("Error"));
        response(responses, "404", "Unknown or expired id", ref("Error"));

        ObjectNode output = paths.putObject("/prompt/{id}/outputs/{filename}").putObject("get");
        output.put("operationId", "getJobOutput");
        output.putArray("tags").add("jobs");
        output.put("summary", "A kept output of an async job (\"async\": true), streamed with its Content-Type");
        output.putArray("parameters").add(id.deepCopy())
                .add(pathParam("filename", "A file name from the job's outputs", EXAMPLE_ID + "_example_00001_.png"));
        responses = output.putObject("responses");
        responses.putObject("200").put("description", "The file").putObject("content")
                .putObject("*/*").set("schema", str().put("format", "binary"));
        response(responses, "400", "Bad id or file name", ref("Error"));
        response(responses, "404", "No such job, or no kept output of that name", ref("Error"));
    }

    private static ObjectNode pathParam(String name, String description, String example) {
        ObjectNode p = obj().put("name", name).put("in", "path").put("required", true).put("description", description);
        p.set("schema", str());
        p.put("example", example);
        return p;
    }

    private void addValidateRoute() {
        ObjectNode op = paths.putObject("/validate").putObject("post");
        op.put("operationId", "postValidate");
        op.putArray("tags").add("prompt");
        op.put("summary", "Check a request without running it");
        op.put("description", "The body of a /prompt request, or of a workflow request plus \"workflow\": \"<path>\". "
                + "Every check of ours, and the graph checked against ComfyUI's live /object_info the way ComfyUI "
                + "checks it (unknown class_type, missing required input, link to a missing node or output, wrong "
                + "type on a link, number out of range, value not among the choices). Nothing is downloaded, "
                + "queued or run. Inputs the server fetches (URLs, base64) are checked as the file names ComfyUI "
                + "will get.");
        ObjectNode body = schemas.get("PromptRequest").deepCopy();
        body.remove("required");
        ((ObjectNode) body.get("properties"))
                .<ObjectNode>set("workflow", str().put("description", "Path of a workflow endpoint, e.g. txt2img"))
                .set("input", obj().put("type", "object").put("description", "The workflow's input (with workflow)"));
        ObjectNode content = op.putObject("requestBody").put("required", true).putObject("content")
                .putObject("application/json");
        content.set("schema", body);
        content.set("example", promptExample());
        ObjectNode responses = op.putObject("responses");
        response(responses, "200", "Valid: it would be queued as it is", obj().put("type", "object")
                .set("properties", obj().set("valid", obj().put("type", "boolean"))));
        response(responses, "400", "Invalid: error and location name the first bad input; ComfyUI's own answer is "
                + "in comfy_error and node_errors", ref("Error"));
        response(responses, "413", "Body larger than MAX_BODY_SIZE_MB", ref("Error"));
        response(responses, "415", "Content-Type is not application/json", ref("Error"));
        response(responses, "503", "ComfyUI cannot be asked for its nodes", ref("Error"));
    }

    private void addDownloadRoute() {
        ObjectNode op = paths.putObject("/download").putObject("post");
        op.put("operationId", "postDownload");
        op.putArray("tags").add("models");
        op.put("summary", "Download a model file into MODEL_DIR/<model_type>");
        ObjectNode body = obj().put("type", "object");
        body.set("properties", obj()
                .<ObjectNode>set("url", str().put("description", "http(s):// or s3:// URL"))
                .<ObjectNode>set("model_type", str().put("description", "Model folder, e.g. checkpoints, loras, vae"))
                .<ObjectNode>set("filename", str().put("description", "Plain file name; default the URL's last segment"))
                .<ObjectNode>set("wait", obj().put("type", "boolean").put("description", "Answer once downloaded"))
                .set("auth", ref("Auth")));
        body.set("required", arr("url", "model_type"));
        ObjectNode content = op.putObject("requestBody").put("required", true).putObject("content")
                .putObject("application/json");
        content.set("schema", body);
        content.putObject("example").put("url", "https://example.com/models/model.safetensors")
                .put("model_type", "checkpoints");
        ObjectNode answer = obj().put("type", "object");
        answer.set("properties", obj().<ObjectNode>set("url", str()).<ObjectNode>set("model_type", str())
                .<ObjectNode>set("filename", str())
                .<ObjectNode>set("status", obj().put("type", "string").set("enum", arr("started", "completed")))
                .<ObjectNode>set("size", integer().put("description", "bytes"))
                .set("duration", integer().put("description", "milliseconds")));
        ObjectNode responses = op.putObject("responses");
        response(responses, "200", "Downloaded (wait: true)", answer);
        response(responses, "202", "Started in the background", answer);
        response(responses, "400", "Bad field, unknown model_type, or the download failed", ref("Error"));
        response(responses, "413", "Body larger than MAX_BODY_SIZE_MB", ref("Error"));
        response(responses, "415", "Content-Type is not application/json", ref("Error"));
    }

    /** The README's first graph: a red image, inverted, saved. Runs on any ComfyUI with no models. */
    private static ObjectNode promptExample() {
        ObjectNode example = obj().put("id", EXAMPLE_ID);
        ObjectNode prompt = example.putObject("prompt");
        prompt.putObject("1").put("class_type", "EmptyImage").putObject("inputs")
                .put("width", 64).put("height", 64).put("batch_size", 1).put("color", 16711680);
        prompt.putObject("2").put("class_type", "ImageInvert").putObject("inputs").set("image", link("1"));
        prompt.putObject("3").put("class_type", "SaveImage").putObject("inputs")
                .put("filename_prefix", "example").set("images", link("2"));
        return example;
    }

    private static ArrayNode link(String node) {
        return JSON.createArrayNode().add(node).add(0);
    }

    private void get(String path, String tag, String summary, ObjectNode schema) {
        ObjectNode op = paths.putObject(path).putObject("get");
        op.put("operationId", "get" + Character.toUpperCase(path.charAt(1)) + path.substring(2));
        op.putArray("tags").add(tag);
        op.put("summary", summary);
        ObjectNode responses = op.putObject("responses");
        response(responses, "200", "OK", schema);
        if (path.equals("/health") || path.equals("/ready")) {
            response(responses, path.equals("/health") ? "500" : "503", "Not yet", schema);
        }
    }

    private void addSchemas() {
        ObjectNode node = obj().put("type", "object");
        node.set("properties", obj()
                .<ObjectNode>set("class_type", str())
                .<ObjectNode>set("inputs", obj().put("type", "object").put("additionalProperties", true))
                .set("_meta", obj().put("type", "object").put("additionalProperties", true)));
        node.set("required", arr("class_type", "inputs"));
        schemas.set("ComfyNode", node);

        ObjectNode request = obj().put("type", "object");
        ObjectNode props = request.putObject("properties");
        props.set("prompt", obj().put("type", "object").put("description", "API-format graph: node id to node")
                .set("additionalProperties", ref("ComfyNode")));
        props.set("id", str().put("description", "Request id; default a new UUID. It prefixes output filenames."));
        props.set("webhook", str().put("format", "uri").put("description",
                "Legacy webhook: one output.complete POST per file, prompt.failed on failure"));
        props.set("webhook_v2", str().put("format", "uri").put("description",
                "Signed (Standard Webhooks) prompt.complete / prompt.failed POST"));
        props.set("timeout", obj().put("type", "number").put("minimum", 0).put("exclusiveMinimum", true).put("description",
                "Seconds the job may take (default PROMPT_TIMEOUT_S); then it is stopped at ComfyUI and answered 504"));
        props.set("convert_output", obj().put("type", "object").<ObjectNode>set("properties", obj()
                .<ObjectNode>set("format", obj().put("type", "string").set("enum", arr("jpeg", "jpg", "webp")))
                .set("options", obj().put("type", "object").put("additionalProperties", true))));
        props.set("s3", obj().put("type", "object").set("properties", obj()
                .<ObjectNode>set("bucket", str()).<ObjectNode>set("prefix", str())
                .set("async", obj().put("type", "boolean"))));
        props.set("azure_blob_upload", obj().put("type", "object").set("properties", obj()
                .<ObjectNode>set("container", str()).<ObjectNode>set("blob_prefix", str())
                .set("async", obj().put("type", "boolean"))));
        props.set("hf_upload", obj().put("type", "object")
                .put("description", "Commit each output to a Hugging Face Hub repository (HF_TOKEN, HF_ENDPOINT)")
                .<ObjectNode>set("required", arr("repo")).set("properties", obj()
                .<ObjectNode>set("repo", str().put("description", "Repository id, e.g. user/name"))
                .<ObjectNode>set("repo_type", str().put("default", "model").set("enum", arr("model", "dataset", "space")))
                .<ObjectNode>set("revision", str().put("default", "main"))
                .<ObjectNode>set("directory", str().put("description", "Folder in the repository; empty for the root"))
                .set("async", obj().put("type", "boolean"))));
        props.set("http_upload", obj().put("type", "object").set("properties", obj()
                .<ObjectNode>set("url_prefix", str().put("format", "uri"))
                .set("async", obj().put("type", "boolean"))));
        ObjectNode credential = obj().put("type", "object");
        credential.set("properties", obj()
                .<ObjectNode>set("url_pattern", str().put("description", "Glob: * any but /, ** anything, ? one character"))
                .set("auth", ref("Auth")));
        credential.set("required", arr("url_pattern", "auth"));
        props.set("credentials", obj().put("type", "array").put("description",
                "Per-URL auth for inputs and uploads; first match wins. Never echoed or logged.").set("items", credential));
        props.set("async", obj().put("type", "boolean").put("default", false).put("description",
                "With no webhook and no upload: answer 202 at once; follow the job at status_url / events_url and "
                        + "fetch its outputs (converted when asked) from GET /prompt/{id}/outputs/{filename} until it expires"));
        props.set("front", obj().put("type", "boolean").put("default", false).put("description",
                "Queue at the front of ComfyUI's queue"));
        request.set("required", arr("prompt"));
        schemas.set("PromptRequest", request);

        ObjectNode response = obj().put("type", "object");
        ObjectNode rprops = response.putObject("properties");
        rprops.set("id", str());
        rprops.set("prompt", obj().put("type", "object").set("additionalProperties", ref("ComfyNode")));
        rprops.set("images", obj().put("type", "array").put("description",
                "Base64 file contents, or URLs when uploading").set("items", str()));
        rprops.set("filenames", obj().put("type", "array").set("items", str()));
        rprops.set("ui", ui());
        ObjectNode stats = obj().put("type", "object");
        ObjectNode sprops = stats.putObject("properties");
        ObjectNode nodeStart = obj().put("type", "object");
        nodeStart.putObject("properties").set("start", integer());
        ObjectNode nodes = obj().put("type", "object");
        nodes.set("additionalProperties", nodeStart);
        ObjectNode execution = obj().put("type", "object");
        ObjectNode eprops = execution.putObject("properties");
        eprops.set("start", integer());
        eprops.set("end", integer());
        eprops.set("duration", integer());
        eprops.set("nodes", nodes);
        sprops.set("comfy_execution", execution);
        for (String key : new String[]{"preprocess_time", "comfy_round_trip_time", "postprocess_time",
                "upload_time", "total_time"}) {
            sprops.set(key, integer());
        }
        rprops.set("stats", stats);
        schemas.set("PromptResponse", response);

        ObjectNode auth = obj().put("type", "object").put("description", "type: bearer {token}, basic {username, "
                + "password}, header {header_name, header_value}, query {query_param, query_value}, s3 {access_key_id, "
                + "secret_access_key, session_token?, region?, endpoint?}");
        auth.putObject("properties").set("type", obj().put("type", "string")
                .set("enum", arr("bearer", "basic", "header", "query", "s3")));
        auth.put("additionalProperties", true);
        auth.set("required", arr("type"));
        schemas.set("Auth", auth);

        schemas.set("AsyncResponse", obj().put("type", "object").put("description",
                "With a webhook or an async upload: the body echoed plus status \"ok\". With \"async\": true: "
                        + "{id, status: \"queued\", status_url, events_url}.").set("properties", obj()
                .<ObjectNode>set("id", str()).<ObjectNode>set("status", str())
                .<ObjectNode>set("status_url", str().put("example", "/prompt/" + EXAMPLE_ID))
                .set("events_url", str().put("example", "/prompt/" + EXAMPLE_ID + "/events"))));
        schemas.set("Job", jobSchema());
        ObjectNode error = obj().put("type", "object");
        error.set("properties", obj()
                .<ObjectNode>set("error", str().put("description", "What went wrong"))
                .<ObjectNode>set("location", str().put("description", "The field at fault, e.g. prompt.3.inputs.seed"))
                .<ObjectNode>set("comfy_error", obj().put("type", "object").put("additionalProperties", true)
                        .put("description", "ComfyUI's own error object, when ComfyUI refused or failed the graph"))
                .<ObjectNode>set("node_errors", obj().put("type", "object").put("additionalProperties", true)
                        .put("description", "ComfyUI's validation errors per node id"))
                .set("issues", obj().put("type", "array").put("description",
                        "Every problem found in a workflow's input, each with its path and message")
                        .set("items", obj().put("type", "object").put("additionalProperties", true))));
        error.set("required", arr("error"));
        schemas.set("Error", error);
    }

    private static ObjectNode ui() {
        return obj().put("type", "object").put("description", "Non-file outputs by node id, e.g. "
                + "{\"12\": {\"text\": [\"...\"]}} from PreviewAny").set("additionalProperties",
                obj().put("type", "object").put("additionalProperties", true));
    }

    private static ObjectNode jobSchema() {
        ObjectNode job = obj().put("type", "object");
        ObjectNode props = job.putObject("properties");
        props.set("id", str());
        props.set("status", obj().put("type", "string")
                .set("enum", arr("queued", "running", "completed", "failed", "interrupted", "timed_out")));
        for (String time : new String[]{"created_at", "started_at", "finished_at"}) {
            props.set(time, str().put("format", "date-time").put("nullable", true));
        }
        props.set("queue_position", integer().put("nullable", true)
                .put("description", "Prompts ahead of it at ComfyUI; null once running"));
        props.set("progress", obj().put("type", "object").put("nullable", true).set("properties", obj()
                .<ObjectNode>set("node", str()).<ObjectNode>set("class_type", str())
                .<ObjectNode>set("value", integer()).set("max", integer())));
        ObjectNode output = obj().put("type", "object");
        output.set("properties", obj().<ObjectNode>set("node", str()).<ObjectNode>set("filename", str())
                .<ObjectNode>set("content_type", str()).<ObjectNode>set("size", integer())
                .set("url", str().put("nullable", true).put("description",
                        "Where it was uploaded, or /prompt/{id}/outputs/{filename} when kept")));
        props.set("outputs", obj().put("type", "array").set("items", output));
        props.set("ui", ui().put("nullable", true));
        props.set("error", ref("Error"));
        return job;
    }

    private static void response(ObjectNode responses, String code, String description, ObjectNode schema) {
        responses.putObject(code).put("description", description).putObject("content")
                .putObject("application/json").set("schema", schema);
    }

    private static ObjectNode ref(String name) {
        return obj().put("$ref", "#/components/schemas/" + name);
    }

    private static ObjectNode statusSchema() {
        ObjectNode schema = obj().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.set("status", str());
        props.set("version", str());
        return schema;
    }

    private static ObjectNode idSchema() {
        ObjectNode schema = obj().put("type", "object");
        schema.putObject("properties").set("id", str());
        schema.set("required", arr("id"));
        return schema;
    }

    private static ObjectNode obj() {
        return JSON.createObjectNode();
    }

    private static ObjectNode str() {
        return obj().put("type", "string");
    }

    private static ObjectNode integer() {
        return obj().put("type", "integer");
    }

    private static ArrayNode arr(String... values) {
        ArrayNode array = JSON.createArrayNode();
        for (String v : values) array.add(v);
        return array;
    }
}
