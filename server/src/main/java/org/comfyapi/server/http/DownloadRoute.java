package org.comfyapi.server.http;

import org.comfyapi.server.error.BadInput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import org.comfyapi.server.json.RequestFields;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.storage.Auth;
import org.comfyapi.server.storage.DownloadException;
import org.comfyapi.server.storage.ModelDownloads;
import org.comfyapi.server.storage.RemoteFiles;
import org.comfyapi.server.storage.Urls;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/** {@code POST /download}: a model file fetched into its MODEL_DIR folder, in the background or while the caller waits. */
final class DownloadRoute {
    private static final Log LOG = Log.get("http.download");

    private final ModelDownloads models;
    private final BodyReader bodies;

    DownloadRoute(ModelDownloads models, BodyReader bodies) {
        this.models = models;
        this.bodies = bodies;
    }

    private record Request(URI url, String modelType, Optional<String> filename, boolean await, Optional<Auth> auth) {
    }

    void handle(Context ctx) {
        Request request = parse(bodies.json(ctx));
        ObjectNode answer = JsonNodeFactory.instance.objectNode()
                .put("url", Urls.redact(request.url()))
                .put("model_type", request.modelType());
        answer.put("filename", request.filename().or(() -> ModelDownloads.nameFromUrl(request.url())).orElse(null));
        if (!request.await()) {
            Thread.ofVirtual().name("download").start(() -> {
                try {
                    models.fetch(request.url(), request.modelType(), request.filename(), request.auth());
                } catch (IOException | RuntimeException e) {
                    LOG.warn("background download failed", "url", Urls.redact(request.url()), "error", e.getMessage());
                }
            });
            HttpApi.json(ctx, 202, answer.put("status", "started"));
            return;
        }
        ModelDownloads.Done done;
        try {
            done = models.fetch(request.url(), request.modelType(), request.filename(), request.auth());
        } catch (IOException e) {
            throw new BadInput("Failed to download " + Urls.redact(request.url()) + ": " + e.getMessage(), "url");
        }
        answer.put("filename", done.path().getFileName().toString());
        HttpApi.json(ctx, 200, answer.put("status", "completed").put("size", done.size()).put("duration", done.millis()));
    }

    private Request parse(JsonNode body) {
        RequestFields fields = RequestFields.of(body, "body", "");
        URI url;
        try {
            url = RemoteFiles.parseUrl(fields.requiredText("url"));
        } catch (DownloadException e) {
            throw new BadInput("\"url\" is " + e.getMessage(), "url");
        }
        String modelType = fields.requiredText("model_type");
        if (!models.isModelType(modelType)) {
            throw new BadInput("Unknown model_type \"" + modelType + "\": use a folder ComfyUI loads models "
                    + "from, such as checkpoints, loras or vae", "model_type");
        }
        Optional<String> filename = fields.optionalText("filename");
        if (filename.isPresent() && !ModelDownloads.isPlainName(filename.get())) {
            throw new BadInput("\"filename\" must be a plain file name: no '/', '\\\\', '..' or leading '.'",
                    "filename");
        }
        boolean wait = fields.bool("wait", false);
        JsonNode auth = body.get("auth");
        Optional<Auth> parsedAuth = auth == null || auth.isNull() ? Optional.empty() : Optional.of(Auth.parse(auth, "auth"));
        return new Request(url, modelType, filename, wait, parsedAuth);
    }
}
