package org.comfyapi.server.storage;

import java.util.Optional;

/**
 * A completed download: {@code size} bytes are in the destination file.
 *
 * @param contentType the media type the server declared, without parameters
 * @param filename the file name from {@code Content-Disposition}, reduced to its last path segment
 */
public record DownloadResult(long size, Optional<String> contentType, Optional<String> filename) {}
