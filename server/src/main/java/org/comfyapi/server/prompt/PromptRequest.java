package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.json.RequestFields;
import org.comfyapi.server.media.ConversionSpec;
import org.comfyapi.server.media.InvalidConversionSpecException;
import org.comfyapi.server.net.HttpUrls;
import org.comfyapi.server.storage.Credentials;
import org.comfyapi.server.storage.UploadTarget;

import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A checked {@code POST /prompt} body. {@code body} keeps every field the user sent except
 * {@code credentials}, so responses can echo it; {@code prompt} is the graph that preprocessing rewrites.
 *
 * @param async {@code "async": true}: answer 202 at once even with no webhook or upload
 * @param front {@code "front": true}: queue at the front of ComfyUI's queue
 */
public record PromptRequest(String id, ObjectNode prompt, ObjectNode body, Optional<ConversionSpec> conversion,
                            Optional<URI> webhook, Optional<URI> webhookV2, Credentials credentials,
                            Optional<UploadTarget> upload, boolean async, boolean front) {
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    public static PromptRequest parse(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new BadInput("Request body must be a JSON object", "body");
        }
        ObjectNode body = (ObjectNode) json;
        JsonNode prompt = body.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw new BadInput("\"prompt\" is required", "prompt");
        }
        if (!prompt.isObject()) {
            throw new BadInput("\"prompt\" must be an object of node id to node", "prompt");
        }
        checkGraph((ObjectNode) prompt);
        Credentials credentials = Credentials.parse(body.get("credentials"), "credentials");
        body.remove("credentials");
        Deadline.requested(body);
        RequestFields fields = RequestFields.of(body, "body", "");
        return new PromptRequest(id(body.get("id")), (ObjectNode) prompt, body, conversion(body.get("convert_output")),
                url(body, "webhook"), url(body, "webhook_v2"), credentials, UploadTarget.fromRequest(body),
                fields.bool("async", false), fields.bool("front", false));
    }

    /** True when the answer is 202 at once and results go out by webhook, a background upload, or stay with the job. */
    public boolean isAsync() {
        return webhook.isPresent() || webhookV2.isPresent() || upload.filter(UploadTarget::async).isPresent() || async;
    }

    /** {@code "async": true} with no webhook and no upload: the job keeps its outputs for download. */
    public boolean keepsOutputs() {
        return async && webhook.isEmpty() && webhookV2.isEmpty() && upload.isEmpty();
    }

    private static Optional<ConversionSpec> conversion(JsonNode node) {
        if (node == null || node.isNull()) return Optional.empty();
        try {
            return Optional.of(ConversionSpec.fromJson(node));
        } catch (InvalidConversionSpecException e) {
            throw new BadInput(e.getMessage(), e.field());
        }
    }

    static Optional<URI> url(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) return Optional.empty();
        Optional<URI> url = value.isTextual() ? HttpUrls.parse(value.asText()) : Optional.empty();
        if (url.isEmpty()) throw new BadInput("\"" + field + "\" must be an http(s) URL", field);
        return url;
    }

    private static String id(JsonNode id) {
        if (id == null || id.isNull()) return UUID.randomUUID().toString();
        if (!id.isTextual() || !SAFE_ID.matcher(id.asText()).matches() || id.asText().equals("..")
                || id.asText().equals(".")) {
            throw new BadInput(
                    "\"id\" must be a string of 1-128 letters, digits, '.', '_' or '-' (it names output files)", "id");
        }
        return id.asText();
    }

    static void checkGraph(ObjectNode prompt) {
        if (prompt.isEmpty()) throw new BadInput("\"prompt\" has no nodes", "prompt");
        for (var entry : prompt.properties()) {
            String where = "prompt." + entry.getKey();
            JsonNode node = entry.getValue();
            if (!node.isObject()) throw new BadInput("Node must be an object", where);
            if (!node.path("class_type").isTextual() || node.get("class_type").asText().isBlank()) {
                throw new BadInput("Node must have a \"class_type\" string", where + ".class_type");
            }
            JsonNode inputs = node.get("inputs");
            if (inputs != null && !inputs.isObject()) {
                throw new BadInput("\"inputs\" must be an object", where + ".inputs");
            }
        }
    }

    public String field(String name) {
        JsonNode value = body.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }
}
