package org.comfyapi.server.queue;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * {@code QUEUE_RESULTS_URL} as the upload object of a request that has neither a webhook nor an upload
 * of its own: {@code s3://bucket/prefix} becomes {@code s3}, an Azure blob URL
 * ({@code https://<account>.blob.core.windows.net/<container>/<prefix>}) {@code azure_blob_upload},
 * any other http(s) URL {@code http_upload}.
 */
final class ResultsTarget {
    private static final List<String> DELIVERY_FIELDS =
            List.of("webhook", "webhook_v2", "s3", "azure_blob_upload", "hf_upload", "http_upload");

    private ResultsTarget() {}

    /** Whether the body says where its results go (a webhook or an upload). */
    static boolean hasDelivery(ObjectNode body) {
        return DELIVERY_FIELDS.stream().anyMatch(f -> body.hasNonNull(f));
    }

    /** Adds the upload object for {@code resultsUrl} to {@code body}. */
    static void apply(ObjectNode body, String resultsUrl) {
        URI uri = URI.create(resultsUrl);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (scheme.equals("s3")) {
            body.putObject("s3").put("bucket", uri.getHost()).put("prefix", path);
        } else if (uri.getHost() != null && uri.getHost().endsWith(".blob.core.windows.net")) {
            int slash = path.indexOf('/');
            String container = slash < 0 ? path : path.substring(0, slash);
            String prefix = slash < 0 ? "" : path.substring(slash + 1);
            body.putObject("azure_blob_upload").put("container", container).put("blob_prefix", prefix);
        } else {
            body.putObject("http_upload").put("url_prefix", resultsUrl);
        }
    }
}
