package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.error.RequestError;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.storage.CachedDownloads;
import org.comfyapi.server.storage.DownloadCache;
import org.comfyapi.server.storage.DownloadException;
import org.comfyapi.server.storage.MediaTypes;
import org.comfyapi.server.storage.ModelDownloads;
import org.comfyapi.server.storage.RemoteFiles;
import org.comfyapi.server.storage.Urls;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * Before a graph is queued, fetches every input given as base64, a data URI or a URL into
 * {@code INPUT_DIR} (models into their {@code MODEL_DIR} folder) and rewrites the input to the file name.
 */
public final class InputResolver {
    private static final Log LOG = Log.get("prompt.inputs");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\r\\n_-]+");
    private static final int MIN_RAW_BASE64 = 64;
    private static final Set<String> MEDIA_INPUTS = Set.of("image", "mask", "video", "audio", "file", "audio_file",
            "video_file", "image_file");
    private static final Set<String> TEXT_INPUTS = Set.of("text", "text_g", "text_l", "prompt", "string",
            "filename_prefix", "negative", "positive", "url");
    private static final Map<String, String> MODEL_INPUTS = Map.ofEntries(
            Map.entry("ckpt_name", "checkpoints"), Map.entry("lora_name", "loras"), Map.entry("vae_name", "vae"),
            Map.entry("control_net_name", "controlnet"), Map.entry("unet_name", "diffusion_models"),
            Map.entry("clip_name", "text_encoders"), Map.entry("clip_name1", "text_encoders"),
            Map.entry("clip_name2", "text_encoders"), Map.entry("clip_name3", "text_encoders"),
            Map.entry("clip_name4", "text_encoders"), Map.entry("upscale_model", "upscale_models"),
            Map.entry("style_model_name", "style_models"), Map.entry("gligen_name", "gligen"),
            Map.entry("hypernetwork_name", "hypernetworks"), Map.entry("photomaker_model_name", "photomaker"),
            Map.entry("model_name", "upscale_models"));
    private static final Map<String, String> MODEL_INPUTS_BY_NODE = Map.of(
            "CLIPVisionLoader.clip_name", "clip_vision",
            "ADE_LoadAnimateDiffModel.model_name", "animatediff_models");

    private final Path inputDir;
    private final CachedDownloads downloads;
    private final ModelDownloads models;

    public InputResolver(Path inputDir, CachedDownloads downloads, ModelDownloads models) {
        this.inputDir = inputDir;
        this.downloads = downloads;
        this.models = models;
    }

    private record Job(String node, String input, String classType, String value) {
        String location() {
            return "prompt." + node + ".inputs." + input;
        }
    }

    /** Rewrites {@code graph} in place; returns the files it created in INPUT_DIR. */
    public List<Path> resolve(ObjectNode graph, PromptRequest request) throws InterruptedException {
        List<Job> jobs = new ArrayList<>();
        for (var node : graph.properties()) {
            JsonNode inputs = node.getValue().get("inputs");
            if (!(inputs instanceof ObjectNode)) continue;
            String classType = node.getValue().path("class_type").asText();
            for (var input : inputs.properties()) {
                if (input.getValue().isTextual() && needsFetch(input.getKey(), input.getValue().asText())) {
                    jobs.add(new Job(node.getKey(), input.getKey(), classType, input.getValue().asText()));
                }
            }
        }
        if (jobs.isEmpty()) return List.of();
        List<Path> created = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Resolved>> futures = new ArrayList<>();
            for (Job job : jobs) futures.add(pool.submit(() -> resolve(job, request)));
            RequestError failure = null;
            for (int i = 0; i < jobs.size(); i++) {
                try {
                    Resolved resolved = futures.get(i).get();
                    ((ObjectNode) graph.get(jobs.get(i).node()).get("inputs")).put(jobs.get(i).input(), resolved.value());
                    if (resolved.created() != null) created.add(resolved.created());
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RequestError api ? api
                                : new BadInput(String.valueOf(e.getCause().getMessage()), jobs.get(i).location());
                    }
                }
            }
            if (failure != null) {
                deleteAll(created);
                throw failure;
            }
        }
        return created;
    }

    private record Resolved(String value, Path created) {
    }

    static boolean needsFetch(String input, String value) {
        if (isTextInput(input)) return false;
        if (value.startsWith("data:")) return true;
        if (isUrl(value)) return true;
        return MEDIA_INPUTS.contains(input.toLowerCase(Locale.ROOT)) && value.length() >= MIN_RAW_BASE64
                && BASE64.matcher(value).matches();
    }

    /** An input that is always text, never media to fetch, whatever its value. */
    static boolean isTextInput(String input) {
        return TEXT_INPUTS.contains(input.toLowerCase(Locale.ROOT));
    }

    private static boolean isUrl(String value) {
        return RemoteFiles.isRemote(value) && !value.contains(" ");
    }

    private Resolved resolve(Job job, PromptRequest request) throws IOException {
        if (isUrl(job.value())) {
            String folder = modelFolder(job);
            return folder != null ? model(job, folder, request) : remoteMedia(job, request);
        }
        return inline(job);
    }

    private String modelFolder(Job job) {
        String specific = MODEL_INPUTS_BY_NODE.get(job.classType() + "." + job.input());
        if (specific != null) return specific;
        if (job.input().equals("model_name") && !job.classType().startsWith("UpscaleModelLoader")) return null;
        return MODEL_INPUTS.get(job.input());
    }

    private Resolved inline(Job job) throws IOException {
        String payload = job.value();
        if (payload.startsWith("data:")) {
            int comma = payload.indexOf(',');
            if (comma < 0 || !payload.substring(0, comma).endsWith(";base64")) {
                throw new BadInput("Data URI must be base64-encoded (data:<type>;base64,<data>)",
                        job.location());
            }
            payload = payload.substring(comma + 1);
        }
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(payload.replace('-', '+').replace('_', '/'));
        } catch (IllegalArgumentException e) {
            throw new BadInput("Input is not valid base64: " + e.getMessage(), job.location());
        }
        String extension = MediaTypes.sniff(bytes);
        if (bytes.length == 0 || extension.isEmpty()) {
            throw new BadInput("Base64 input is not a recognised image, video or audio file", job.location());
        }
        Files.createDirectories(inputDir);
        Path file = inputDir.resolve(UUID.randomUUID() + "." + extension);
        Files.write(file, bytes);
        return new Resolved(file.getFileName().toString(), file);
    }

    private Resolved remoteMedia(Job job, PromptRequest request) throws IOException {
        DownloadCache.Entry entry = download(job, request);
        String extension = extensionOf(entry.path());
        Path file = inputDir.resolve(UUID.randomUUID() + (extension.isEmpty() ? "" : "." + extension));
        DownloadCache.link(entry.path(), file);
        return new Resolved(file.getFileName().toString(), file);
    }

    private Resolved model(Job job, String folder, PromptRequest request) {
        URI url = url(job);
        try {
            ModelDownloads.Done done = models.fetch(url, folder, Optional.empty(), request.credentials().forUrl(url));
            LOG.info("model input ready", "request_id", request.id(), "url", Urls.redact(url), "path", done.path());
            return new Resolved(done.path().getFileName().toString(), null);
        } catch (IOException e) {
            throw downloadFailed(job, url, e);
        }
    }

    private DownloadCache.Entry download(Job job, PromptRequest request) {
        URI url = url(job);
        try {
            DownloadCache.Entry entry = downloads.get(url, request.credentials().forUrl(url));
            if (entry.downloaded()) {
                LOG.info("downloaded", "request_id", request.id(), "url", Urls.redact(url), "size", entry.size(),
                        "ms", entry.millis());
            }
            return entry;
        } catch (IOException e) {
            throw downloadFailed(job, url, e);
        }
    }

    private static URI url(Job job) {
        try {
            return RemoteFiles.parseUrl(job.value());
        } catch (DownloadException e) {
            throw new BadInput("Invalid URL: " + e.getMessage(), job.location());
        }
    }

    private static RequestError downloadFailed(Job job, URI url, IOException e) {
        return new BadInput("Failed to download " + Urls.redact(url) + ": " + e.getMessage(), job.location());
    }

    /** The sniffed type of a cached file wins over the name it was cached under. */
    private static String extensionOf(Path file) throws IOException {
        byte[] head = new byte[16];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String sniffed = MediaTypes.sniff(Arrays.copyOf(head, n));
        if (!sniffed.isEmpty()) return sniffed;
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot + 1) : "";
    }

    public static void deleteAll(List<Path> files) {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // left for the operator
            }
        }
    }
}
