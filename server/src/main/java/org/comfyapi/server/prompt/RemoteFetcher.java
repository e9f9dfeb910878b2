package org.comfyapi.server.prompt;

import org.comfyapi.server.storage.DownloadCache;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Streams a remote file (http, https, s3, ...) to disk, with the request's credentials. */
@FunctionalInterface
public interface RemoteFetcher {
    DownloadCache.Fetched fetch(URI url, Path destination, PromptRequest request) throws IOException;
}
