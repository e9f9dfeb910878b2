package org.comfyapi.server.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.error.BadInput;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Map;
import java.net.URI;
import org.comfyapi.server.config.ConfigException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void singleStarStopsAtSlash() {
        UrlGlob glob = UrlGlob.compile("https://example.com/*");
        assertThat(glob.matches("https://example.com/a.png")).isTrue();
        assertThat(glob.matches("https://example.com/")).isTrue();
        assertThat(glob.matches("https://example.com/dir/a.png")).isFalse();
        assertThat(glob.matches("https://example.com.evil.net/a.png")).isFalse();
    }

    @Test
    void doubleStarCrossesSlashes() {
        UrlGlob glob = UrlGlob.compile("https://**.example.com/**");
        assertThat(glob.matches("https://cdn.example.com/a/b/c.bin")).isTrue();
        assertThat(glob.matches("https://a.b.example.com/x")).isTrue();
        assertThat(glob.matches("https://example.com/x")).isFalse();
        assertThat(UrlGlob.compile("s3://bucket/**").matches("s3://bucket/models/x.safetensors")).isTrue();
        assertThat(UrlGlob.compile("s3://bucket/**").matches("s3://other/models/x.safetensors")).isFalse();
    }

    @Test
    void questionMarkIsExactlyOneCharacter() {
        UrlGlob glob = UrlGlob.compile("https://h/file?.png");
        assertThat(glob.matches("https://h/file1.png")).isTrue();
        assertThat(glob.matches("https://h/file.png")).isFalse();
        assertThat(glob.matches("https://h/file12.png")).isFalse();
    }

    @Test
    void patternIsAnchoredAndOtherwiseLiteral() {
        UrlGlob glob = UrlGlob.compile("https://h/a+b(1).png");
        assertThat(glob.matches("https://h/a+b(1).png")).isTrue();
        assertThat(glob.matches("xhttps://h/a+b(1).png")).isFalse();
        assertThat(glob.matches("https://h/a+b(1).pngx")).isFalse();
        assertThat(UrlGlob.compile("https://h/a.png").matches("https://h/aXpng")).isFalse();
    }

    @Test
    void firstMatchWins() throws Exception {
        Credentials credentials = Credentials.parse(json("""
                [{'url_pattern': 'https://h/private/**', 'auth': {'type': 'bearer', 'token': 'first'}},
                 {'url_pattern': 'https://h/**', 'auth': {'type': 'basic', 'username': 'u', 'password': 'p'}},
                 {'url_pattern': 'https://h/private/x', 'auth': {'type': 'bearer', 'token': 'never'}}]"""), "credentials");
        assertThat(credentials.forUrl("https://h/private/x")).contains(new Auth.Bearer("first"));
        assertThat(credentials.forUrl("https://h/public/x")).contains(new Auth.Basic("u", "p"));
        assertThat(credentials.forUrl("https://other/x")).isEmpty();
        assertThat(Credentials.parse(null, "credentials").forUrl("https://h/x")).isEmpty();
    }

    @Test
    void parsesEveryAuthType() throws Exception {
        assertThat(Auth.parse(json("{'type': 'header', 'header_name': 'X-Api-Key', 'header_value': 'v'}"), "a"))
                .isEqualTo(new Auth.Header("X-Api-Key", "v"));
        assertThat(Auth.parse(json("{'type': 'query', 'query_param': 'key', 'query_value': 'v'}"), "a"))
                .isEqualTo(new Auth.Query("key", "v"));
        assertThat(Auth.parse(json("{'type': 'S3', 'access_key_id': 'id', 'secret_access_key': 's', 'region': 'eu-west-1',"
                + " 'endpoint': 'http://127.0.0.1:9000'}"), "a"))
                .isEqualTo(new Auth.S3Keys("id", "s", Optional.empty(), Optional.of("eu-west-1"), Optional.of("http://127.0.0.1:9000")));
    }

    @Test
    void errorsNameTheField() throws Exception {
        assertThatThrownBy(() -> Credentials.parse(json("[{'url_pattern': 'x', 'auth': {'type': 'bearer'}}]"), "credentials"))
                .isInstanceOf(BadInput.class)
                .satisfies(e -> assertThat(((BadInput) e).location()).isEqualTo("credentials[0].auth.token"));
        assertThatThrownBy(() -> Credentials.parse(json("[{'url_pattern': 'x', 'auth': {'type': 'bearer', 'token': 't'}},"
                + " {'auth': {'type': 'bearer', 'token': 't'}}]"), "credentials"))
                .satisfies(e -> assertThat(((BadInput) e).location()).isEqualTo("credentials[1].url_pattern"));
        assertThatThrownBy(() -> Credentials.parse(json("[{'url_pattern': 'x', 'auth': {'type': 'oauth'}}]"), "credentials"))
                .satisfies(e -> assertThat(((BadInput) e).location()).isEqualTo("credentials[0].auth.type"));
        assertThatThrownBy(() -> Credentials.parse(json("[{'url_pattern': 'x', 'auth': {'type': 'header', 'header_name': 'Host',"
                + " 'header_value': 'v'}}]"), "credentials"))
                .satisfies(e -> assertThat(((BadInput) e).location()).isEqualTo("credentials[0].auth.header_name"));
        assertThatThrownBy(() -> Credentials.parse(json("[{'url_pattern': 'x', 'auth': {'type': 's3', 'access_key_id': 'a',"
                + " 'secret_access_key': 'b', 'endpoint': 'ftp://x'}}]"), "credentials"))
                .satisfies(e -> assertThat(((BadInput) e).location()).isEqualTo("credentials[0].auth.endpoint"));
        assertThatThrownBy(() -> Credentials.parse(json("{}"), "credentials"))
                .satisfies(e -> assertThat(((BadInput) e).location()).isEqualTo("credentials"));
    }

    @Test
    void toStringNeverShowsSecrets() throws Exception {
        Credentials credentials = Credentials.parse(json("""
                [{'url_pattern': 'a', 'auth': {'type': 'bearer', 'token': 'SECRET1'}},
                 {'url_pattern': 'b', 'auth': {'type': 'basic', 'username': 'u', 'password': 'SECRET2'}},
                 {'url_pattern': 'c', 'auth': {'type': 'header', 'header_name': 'X-K', 'header_value': 'SECRET3'}},
                 {'url_pattern': 'd', 'auth': {'type': 'query', 'query_param': 'k', 'query_value': 'SECRET4'}},
                 {'url_pattern': 'e', 'auth': {'type': 's3', 'access_key_id': 'SECRET5', 'secret_access_key': 'SECRET6',
                   'session_token': 'SECRET7'}}]"""), "credentials");
        assertThat(credentials.toString()).doesNotContain("SECRET").contains("X-K");
        StorageSettings settings = StorageSettings.fromEnv(Map.of("HTTP_AUTH_HEADER_NAME", "X-K",
                "HTTP_AUTH_HEADER_VALUE", "SECRET8", "HF_TOKEN", "SECRET9", "AWS_SECRET_ACCESS_KEY", "SECRET10",
                "AWS_ACCESS_KEY_ID", "SECRET11", "AZURE_STORAGE_CONNECTION_STRING", "AccountKey=SECRET12"));
        assertThat(settings.toString()).doesNotContain("SECRET");
    }

    @Test
    void redactsUrls() {
        assertThat(Urls.redact(URI.create("https://user:pw@h:8443/p/a.png?X-Amz-Signature=abc&x=1&sig=zz&token=t")))
                .isEqualTo("https://***@h:8443/p/a.png?X-Amz-Signature=REDACTED&x=1&sig=REDACTED&token=REDACTED");
        assertThat(Urls.redact(URI.create("https://h/p?mine=secret&x=1"), "mine")).isEqualTo("https://h/p?mine=REDACTED&x=1");
        assertThat(Urls.redact("https://u:p@h/p q?a=b")).doesNotContain("u:p").doesNotContain("a=b");
    }

    @Test
    void badEnvironmentValuesNameTheVariable() {
        assertThatThrownBy(() -> StorageSettings.fromEnv(Map.of("HTTP_AUTH_HEADER_NAME", "X-K")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("HTTP_AUTH_HEADER_VALUE: ");
        assertThatThrownBy(() -> StorageSettings.fromEnv(Map.of("AWS_ENDPOINT_URL", "minio:9000")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("AWS_ENDPOINT_URL: ");
        assertThatThrownBy(() -> new RemoteFiles(StorageSettings.fromEnv(Map.of(
                "AZURE_STORAGE_CONNECTION_STRING", "AccountName=a;AccountKey=SECRET;BlobEndpoint=::nope"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("AZURE_STORAGE_CONNECTION_STRING: ").hasMessageNotContaining("SECRET");
    }

    @Test
    void parsesUrlsAsUsersWriteThem() throws Exception {
        assertThat(RemoteFiles.parseUrl(" https://h/my file.png ").getPath()).isEqualTo("/my file.png");
        assertThat(RemoteFiles.parseUrl("s3://my_bucket/k").getAuthority()).isEqualTo("my_bucket");
        assertThatThrownBy(() -> RemoteFiles.parseUrl("file:///etc/passwd")).isInstanceOf(DownloadException.class)
                .hasMessage("unsupported URL scheme \"file\": use http, https or s3");
        assertThatThrownBy(() -> RemoteFiles.parseUrl("https://u:SECRET@h/%%")).isInstanceOf(DownloadException.class)
                .hasMessageStartingWith("not a valid URL: ").hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> RemoteFiles.parseUrl("http:///x")).hasMessageStartingWith("URL has no host");
    }
}
