package org.comfyapi.server.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.log.Log;

import org.comfyapi.server.storage.StorageSettings;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Everything the server reads from its environment, parsed and checked once at start. */
public record Config(
        boolean alwaysRestartComfyui,
        String base,
        List<String> cmd,
        Path comfyHome,
        int comfyuiPort,
        String directAddress,
        String host,
        int port,
        Path inputDir,
        Path outputDir,
        Path modelDir,
        Path workflowDir,
        Path cacheDir,
        Log.Level logLevel,
        boolean logJson,
        boolean markdownSchemaDescriptions,
        long maxBodySizeBytes,
        int maxQueueDepth,
        int promptWebhookRetries,
        Duration webhookRetryDelay,
        Duration startupCheckInterval,
        int startupCheckMaxTries,
        Duration comfyUnavailableWait,
        boolean prependFilenames,
        Optional<ObjectNode> warmupPrompt,
        Optional<String> warmupSource,
        Optional<URI> systemWebhookUrl,
        Set<String> systemWebhookEvents,
        Map<String, String> systemMetadata,
        Optional<String> webhookSecret,
        double lruCacheSizeGb,
        Optional<URI> saladMetadataUrl,
        String version,
        StorageSettings storage,
        Manifest manifest) {

    public URI comfyBaseUri() {
        String address = directAddress.contains(":") && !directAddress.startsWith("[")
                ? "[" + directAddress + "]" : directAddress;
        return URI.create("http://" + address + ":" + comfyuiPort);
    }

    public URI comfyWebsocketUri(String clientId) {
        return URI.create(comfyBaseUri().toString().replaceFirst("^http", "ws") + "/ws?clientId=" + clientId);
    }

    /** ComfyUI's temp folder, where PreviewImage writes ({@code type: "temp"} outputs). */
    public Path tempDir() {
        return comfyHome.resolve("temp");
    }
}
