package org.comfyapi.server.storage;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.server.error.BadInput;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * Where a request's outputs go: the {@code s3}, {@code azure_blob_upload} or {@code http_upload}
 * object of {@code POST /prompt}. The object name is always prefix + output file name.
 */
public sealed interface UploadTarget {

    /** Whether the request answers 202 at once and uploads in the background. */
    boolean async();

    /** {@code s3: {bucket, prefix, async}}; uploads land at {@code s3://bucket/prefix+name}. */
    record S3(String bucket, String prefix, boolean async) implements UploadTarget {}

    /** {@code azure_blob_upload: {container, blob_prefix, async}}; the account comes from the connection string. */
    record AzureBlob(String container, String blobPrefix, boolean async) implements UploadTarget {}

    /** {@code http_upload: {url_prefix, async}}: {@code PUT url_prefix+name}. */
    record HttpPut(String urlPrefix, boolean async) implements UploadTarget {
        @Override public String toString() {
            return "HttpPut[urlPrefix=" + Urls.redact(urlPrefix) + ", async=" + async + "]";
        }
    }

    /**
     * The upload target of a request body, if it names one. Two targets in one request is a 400:
     * outputs go to one place.
     */
    static Optional<UploadTarget> fromRequest(JsonNode body) {
        JsonNode hf = body.get("hf_upload");
        if (hf != null && !hf.isNull()) {
            throw new BadInput("hf_upload is not supported yet: use s3, azure_blob_upload or http_upload", "hf_upload");
        }
        UploadTarget found = null;
        for (String field : new String[] {"s3", "azure_blob_upload", "http_upload"}) {
            JsonNode json = body.get(field);
            if (json == null || json.isNull()) continue;
            if (found != null) {
                throw new BadInput("Only one of s3, azure_blob_upload and http_upload may be given", field);
            }
            found = parse(field, json);
        }
        return Optional.ofNullable(found);
    }

    static UploadTarget parse(String field, JsonNode json) {
        if (!json.isObject()) throw new BadInput(field + " must be an object", field);
        boolean async = bool(json, "async", field);
        return switch (field) {
            case "s3" -> {
                String bucket = text(json, "bucket", field, true);
                if (!bucket.matches("[a-zA-Z0-9._-]{1,255}")) throw new BadInput("bucket is not a valid S3 bucket name", field + ".bucket");
                yield new S3(bucket, text(json, "prefix", field, false), async);
            }
            case "azure_blob_upload" -> new AzureBlob(text(json, "container", field, true),
                    text(json, "blob_prefix", field, false), async);
            case "http_upload" -> {
                String prefix = text(json, "url_prefix", field, true);
                try {
                    URI uri = new URI(prefix);
                    if (uri.getScheme() == null || !uri.getScheme().matches("(?i)https?") || uri.getHost() == null) {
                        throw new URISyntaxException(prefix, "not http(s)");
                    }
                } catch (URISyntaxException e) {
                    throw new BadInput("url_prefix must be an http(s) URL", field + ".url_prefix");
                }
                yield new HttpPut(prefix, async);
            }
            default -> throw new IllegalArgumentException("not an upload field: " + field);
        };
    }

    private static String text(JsonNode json, String name, String field, boolean required) {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            if (required) throw new BadInput(name + " is required", field + "." + name);
            return "";
        }
        if (!value.isTextual()) throw new BadInput(name + " must be a string", field + "." + name);
        if (required && value.asText().isBlank()) throw new BadInput(name + " must not be empty", field + "." + name);
        return value.asText();
    }

    private static boolean bool(JsonNode json, String name, String field) {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) return false;
        if (!value.isBoolean()) throw new BadInput(name + " must be true or false", field + "." + name);
        return value.asBoolean();
    }
}
