package org.comfyapi.server.prompt;

import org.comfyapi.server.error.RequestError;
import org.comfyapi.server.error.UpstreamFailure;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.metrics.Metrics;
import org.comfyapi.server.storage.RemoteFiles;
import org.comfyapi.server.storage.StorageEvents;
import org.comfyapi.server.storage.UploadException;
import org.comfyapi.server.storage.UploadTarget;
import org.comfyapi.server.storage.Urls;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Uploads a result's files, in parallel and streamed from disk, to the target the request named. */
public final class OutputUploader {
    private static final Log LOG = Log.get("prompt.upload");

    /** Where the outputs landed, in the order of the result's files, and how long it took. */
    public record Uploaded(List<String> urls, long millis) {
        public static final Uploaded NONE = new Uploaded(List.of(), 0);
    }

    private final RemoteFiles remote;
    private final StorageEvents events;
    private final Metrics metrics;

    public OutputUploader(RemoteFiles remote, StorageEvents events, Metrics metrics) {
        this.metrics = metrics;
        this.remote = remote;
        this.events = events;
    }

    /** Uploads every file, or throws a 502 {@link RequestError} naming the target field when one fails. */
    public Uploaded upload(PromptResult result) throws InterruptedException {
        PromptRequest request = result.request();
        if (request.upload().isEmpty()) return Uploaded.NONE;
        UploadTarget target = request.upload().get();
        long started = System.currentTimeMillis();
        List<String> urls = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> futures = new ArrayList<>();
            for (OutputFile file : result.files()) futures.add(pool.submit(() -> uploadOne(request, target, file)));
            UploadException failure = null;
            for (Future<String> future : futures) {
                try {
                    urls.add(future.get());
                } catch (ExecutionException e) {
                    if (failure == null && e.getCause() instanceof UploadException u) failure = u;
                    else if (failure == null) failure = new UploadException(String.valueOf(e.getCause()));
                }
            }
            if (failure != null) {
                throw new UpstreamFailure("Failed to upload outputs: " + failure.getMessage(), target.field());
            }
        }
        long millis = System.currentTimeMillis() - started;
        LOG.info("outputs uploaded", "request_id", request.id(), "files", urls.size(), "ms", millis);
        return new Uploaded(urls, millis);
    }

    private String uploadOne(PromptRequest request, UploadTarget target, OutputFile file)
            throws UploadException, IOException {
        long started = System.currentTimeMillis();
        long size = Files.size(file.path());
        String destination = remote.destination(target, file.filename());
        String url;
        try {
            url = remote.upload(file.path(), file.filename(), target, request.credentials().forUrl(destination));
        } catch (UploadException | RuntimeException e) {
            metrics.upload(false);
            throw e;
        }
        metrics.upload(true);
        events.uploaded(file.path(), Urls.redact(url), size, System.currentTimeMillis() - started);
        return url;
    }
}
