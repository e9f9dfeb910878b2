package org.comfyapi.server.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.error.BadInput;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UploadTargetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Optional<UploadTarget> parse(String body) throws Exception {
        return UploadTarget.fromRequest(JSON.readTree(body.replace('\'', '"')));
    }

    private static String location(String body) {
        try {
            parse(body);
        } catch (BadInput e) {
            return e.location();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no error for " + body);
    }

    @Test
    void readsEachTarget() throws Exception {
        assertThat(parse("{'prompt': {}}")).isEmpty();
        assertThat(parse("{'s3': {'bucket': 'b', 'prefix': 'p/', 'async': true}}")).contains(new UploadTarget.S3("b", "p/", true));
        assertThat(parse("{'s3': {'bucket': 'b'}}")).contains(new UploadTarget.S3("b", "", false));
        assertThat(parse("{'azure_blob_upload': {'container': 'c', 'blob_prefix': 'x/'}}"))
                .contains(new UploadTarget.AzureBlob("c", "x/", false));
        assertThat(parse("{'http_upload': {'url_prefix': 'https://h/up/', 'async': false}}"))
                .contains(new UploadTarget.HttpPut("https://h/up/", false));
        assertThat(parse("{'hf_upload': {'repo': 'u/r'}}")).contains(new UploadTarget.HfRepo("u/r", "model", "main", "", false));
        assertThat(parse("{'hf_upload': {'repo': 'u/r', 'repo_type': 'dataset', 'revision': 'dev', 'directory': '/out/x/', 'async': true}}"))
                .contains(new UploadTarget.HfRepo("u/r", "dataset", "dev", "out/x", true));
    }

    @Test
    void errorsNameTheField() {
        assertThat(location("{'s3': {'prefix': 'p'}}")).isEqualTo("s3.bucket");
        assertThat(location("{'s3': {'bucket': 'b', 'async': 'yes'}}")).isEqualTo("s3.async");
        assertThat(location("{'s3': 'b'}")).isEqualTo("s3");
        assertThat(location("{'http_upload': {'url_prefix': 'ftp://h/'}}")).isEqualTo("http_upload.url_prefix");
        assertThat(location("{'azure_blob_upload': {'container': ''}}")).isEqualTo("azure_blob_upload.container");
        assertThat(location("{'s3': {'bucket': 'b'}, 'http_upload': {'url_prefix': 'https://h/'}}")).isEqualTo("http_upload");
        assertThat(location("{'hf_upload': {'repo': 'a/b/c'}}")).isEqualTo("hf_upload.repo");
        assertThat(location("{'hf_upload': {'repo': 'u/r', 'repo_type': 'mdl'}}")).isEqualTo("hf_upload.repo_type");
        assertThat(location("{'hf_upload': {'repo': 'u/r', 'directory': 'a/../b'}}")).isEqualTo("hf_upload.directory");
        assertThat(location("{'hf_upload': {'directory': 'x'}}")).isEqualTo("hf_upload.repo");
        assertThat(location("{'hf_upload': {'repo': 'u/r'}, 's3': {'bucket': 'b'}}")).isEqualTo("hf_upload");
    }

    @Test
    void httpTargetHidesSecretsInItsPrefix() {
        assertThat(new UploadTarget.HttpPut("https://u:pw@h/up/?sig=abc", false).toString()).doesNotContain("pw").doesNotContain("abc");
    }

    @Test
    void uploadNamesMustBePlain() throws Exception {
        try (RemoteFiles files = new RemoteFiles(StorageSettings.fromEnv(Map.of()))) {
            assertThatThrownBy(() -> files.destination(new UploadTarget.S3("b", "", false), "../x.png"))
                    .isInstanceOf(UploadException.class);
            assertThat(files.destination(new UploadTarget.S3("b", "out/", false), "x.png")).isEqualTo("s3://b/out/x.png");
            assertThat(files.destination(new UploadTarget.HttpPut("https://h/up/?sig=abc", false), "a b.png"))
                    .isEqualTo("https://h/up/a%20b.png?sig=abc");
        }
    }
}
