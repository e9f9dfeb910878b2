package org.comfyapi.server.storage;

import org.comfyapi.server.net.HttpUrls;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.json.RequestFields;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Where a request's outputs go: the {@code s3}, {@code azure_blob_upload}, {@code hf_upload} or
 * {@code http_upload} object of {@code POST /prompt}. The object name is always prefix + output
 * file name. Each record reads its own request field; {@link StorageProvider}s upload to them.
 */
public sealed interface UploadTarget {

    /** The request field that names this kind of target, which errors point at. */
    String field();

    /** Whether the request answers 202 at once and uploads in the background. */
    boolean async();

    /** {@code s3: {bucket, prefix, async}}; uploads land at {@code s3://bucket/prefix+name}. */
    record S3(String bucket, String prefix, boolean async) implements UploadTarget {
        public static final String FIELD = "s3";

        @Override public String field() { return FIELD; }

        static S3 parse(JsonNode json, String field) {
            String bucket = fields(json, field).requiredText("bucket");
            if (!bucket.matches("[a-zA-Z0-9._-]{1,255}")) throw new BadInput("bucket is not a valid S3 bucket name", field + ".bucket");
            return new S3(bucket, fields(json, field).anyText("prefix").orElse(""), fields(json, field).bool("async", false));
        }
    }

    /** {@code azure_blob_upload: {container, blob_prefix, async}}; the account comes from the connection string. */
    record AzureBlob(String container, String blobPrefix, boolean async) implements UploadTarget {
        public static final String FIELD = "azure_blob_upload";

        @Override public String field() { return FIELD; }

        static AzureBlob parse(JsonNode json, String field) {
            return new AzureBlob(fields(json, field).requiredText("container"), fields(json, field).anyText("blob_prefix").orElse(""), fields(json, field).bool("async", false));
        }
    }

    /**
     * {@code hf_upload: {repo, repo_type, revision, directory, async}}: one commit per file to a
     * Hugging Face Hub repository, at {@code directory/name} on branch {@code revision}.
     *
     * @param repoType {@code model} (the default), {@code dataset} or {@code space}
     * @param directory the folder in the repository, without leading or trailing slashes; empty for the root
     */
    record HfRepo(String repo, String repoType, String revision, String directory, boolean async) implements UploadTarget {
        public static final String FIELD = "hf_upload";

        @Override public String field() { return FIELD; }

        /** The path in the repository a file of this name lands at. */
        public String pathInRepo(String name) {
            return directory.isEmpty() ? name : directory + "/" + name;
        }

        static HfRepo parse(JsonNode json, String field) {
            String repo = fields(json, field).requiredText("repo").strip();
            if (!repo.matches("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?") || repo.contains("..")) {
                throw new BadInput("repo must be a repository id such as \"user/name\"", field + ".repo");
            }
            String type = fields(json, field).anyText("repo_type").orElse("");
            if (type.isEmpty()) type = "model";
            if (!type.equals("model") && !type.equals("dataset") && !type.equals("space")) {
                throw new BadInput("repo_type must be model, dataset or space", field + ".repo_type");
            }
            String revision = fields(json, field).anyText("revision").orElse("");
            if (revision.isEmpty()) revision = "main";
            if (revision.isBlank() || revision.contains("..") || revision.chars().anyMatch(c -> c < 0x20 || c == ' ')) {
                throw new BadInput("revision must be a branch name", field + ".revision");
            }
            String directory = fields(json, field).anyText("directory").orElse("").replaceAll("^/+|/+$", "");
            for (String segment : directory.split("/", -1)) {
                if (!directory.isEmpty() && (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.contains("\\"))) {
                    throw new BadInput("directory must be a relative folder without . or .. segments", field + ".directory");
                }
            }
            return new HfRepo(repo, type, revision, directory, fields(json, field).bool("async", false));
        }
    }

    /** {@code http_upload: {url_prefix, async}}: {@code PUT url_prefix+name}. */
    record HttpPut(String urlPrefix, boolean async) implements UploadTarget {
        public static final String FIELD = "http_upload";

        @Override public String field() { return FIELD; }

        @Override public String toString() {
            return "HttpPut[urlPrefix=" + Urls.redact(urlPrefix) + ", async=" + async + "]";
        }

        static HttpPut parse(JsonNode json, String field) {
            String prefix = fields(json, field).requiredText("url_prefix");
            if (HttpUrls.parse(prefix).isEmpty()) throw new BadInput("url_prefix must be an http(s) URL", field + ".url_prefix");
            return new HttpPut(prefix, fields(json, field).bool("async", false));
        }
    }

    /** Each request field that names a target, in the order errors are reported, and how to read it. */
    Map<String, BiFunction<JsonNode, String, UploadTarget>> FIELDS = fields();

    private static Map<String, BiFunction<JsonNode, String, UploadTarget>> fields() {
        Map<String, BiFunction<JsonNode, String, UploadTarget>> fields = new LinkedHashMap<>();
        fields.put(S3.FIELD, S3::parse);
        fields.put(AzureBlob.FIELD, AzureBlob::parse);
        fields.put(HfRepo.FIELD, HfRepo::parse);
        fields.put(HttpPut.FIELD, HttpPut::parse);
        return Collections.unmodifiableMap(fields);
    }

    /**
     * The upload target of a request body, if it names one. Two targets in one request is a 400:
     * outputs go to one place.
     */
    static Optional<UploadTarget> fromRequest(JsonNode body) {
        UploadTarget found = null;
        for (String field : FIELDS.keySet()) {
            JsonNode json = body.get(field);
            if (json == null || json.isNull()) continue;
            if (found != null) {
                throw new BadInput("Only one of s3, azure_blob_upload, hf_upload and http_upload may be given", field);
            }
            found = parse(field, json);
        }
        return Optional.ofNullable(found);
    }

    static UploadTarget parse(String field, JsonNode json) {
        BiFunction<JsonNode, String, UploadTarget> parser = FIELDS.get(field);
        if (parser == null) throw new IllegalArgumentException("not an upload field: " + field);
        if (!json.isObject()) throw new BadInput(field + " must be an object", field);
        return parser.apply(json, field);
    }

    private static RequestFields fields(JsonNode json, String field) {
        return RequestFields.of(json, field, field);
    }
}
