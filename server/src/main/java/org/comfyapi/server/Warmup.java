package org.comfyapi.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.config.ConfigException;
import org.comfyapi.server.config.WarmupSettings;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.prompt.PromptRequest;
import org.comfyapi.server.prompt.PromptResult;
import org.comfyapi.server.prompt.PromptService;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** The warmup prompt: read or fetched once at start, then run after every (re)start of ComfyUI. */
final class Warmup {
    private static final Log LOG = Log.get("app");
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(60);

    private final WarmupSettings settings;
    private final HttpClient web;
    private final PromptService prompts;
    private volatile ObjectNode prompt;

    Warmup(WarmupSettings settings, HttpClient web, PromptService prompts) {
        this.settings = settings;
        this.web = web;
        this.prompts = prompts;
    }

    /** Takes the prompt from WARMUP_PROMPT_FILE, or fetches it from WARMUP_PROMPT_URL; a bad one is a ConfigException. */
    void load() {
        prompt = settings.prompt().orElseGet(() -> settings.url().map(this::fetch).orElse(null));
    }

    Optional<ObjectNode> prompt() {
        return Optional.ofNullable(prompt);
    }

    /** Runs the prompt, if any, and throws when it fails. */
    void run() throws InterruptedException {
        if (prompt == null) return;
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("prompt", prompt);
        body.put("id", "warmup-" + UUID.randomUUID().toString().substring(0, 8));
        long started = System.currentTimeMillis();
        PromptResult result = prompts.run(PromptRequest.parse(body));
        result.deleteFiles();
        LOG.info("warmup finished", "ms", System.currentTimeMillis() - started, "outputs", result.files().size());
    }

    private ObjectNode fetch(URI url) {
        try {
            HttpResponse<String> response = web.send(HttpRequest.newBuilder(url).timeout(FETCH_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new ConfigException("WARMUP_PROMPT_URL", "answered HTTP " + response.statusCode());
            }
            return WarmupSettings.parse("WARMUP_PROMPT_URL", response.body());
        } catch (IOException e) {
            throw new ConfigException("WARMUP_PROMPT_URL", "cannot fetch (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("WARMUP_PROMPT_URL", "interrupted while fetching");
        }
    }
}
