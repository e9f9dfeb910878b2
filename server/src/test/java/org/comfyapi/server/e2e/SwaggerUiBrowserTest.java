package org.comfyapi.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** /docs as a user sees it: Swagger UI in a real browser, and its static files as a browser fetches them. */
class SwaggerUiBrowserTest {
    private static final String PROMPT_OP = "document.querySelector('#operations-prompt-postPrompt')";

    @TempDir
    static Path home;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Path workflows = Files.createDirectories(home.resolve("workflows"));
        try (InputStream seed = SwaggerUiBrowserTest.class.getResourceAsStream("/workflow/txt2img.ts")) {
            Files.copy(seed, workflows.resolve("txt2img.ts"));
        }
        server = TestServer.start(home.resolve("comfy"), Map.of("WORKFLOW_DIR", workflows.toString()));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.app.close();
    }

    @Test
    void tryItOutRunsThePromptExampleAndShows200() throws Exception {
        Optional<Path> binary = Chromium.binary();
        Assumptions.assumeTrue(binary.isPresent(), "chromium is not installed (.ci/run installs it with apt)");
        try (Chromium browser = Chromium.start(binary.get(), home.resolve("profile"))) {
            browser.navigate(server.uri("/docs").toString());
            Duration wait = Duration.ofSeconds(60);
            browser.awaitTrue(PROMPT_OP + " !== null", wait, "POST /prompt listed");
            browser.awaitTrue("(() => { " + PROMPT_OP + ".querySelector('.opblock-summary-control').click(); "
                    + "return true; })()", wait, "POST /prompt clicked");
            browser.awaitTrue("(() => { const b = " + PROMPT_OP + ".querySelector('.try-out__btn'); "
                    + "if (!b) return false; b.click(); return true; })()", wait, "Try it out clicked");
            browser.awaitTrue("(() => { const b = " + PROMPT_OP + ".querySelector('button.execute'); "
                    + "if (!b) return false; b.click(); return true; })()", wait, "Execute clicked");
            browser.awaitTrue(PROMPT_OP + ".querySelector('.live-responses-table tr.response .response-col_status') !== null",
                    wait, "a response rendered");
            String status = browser.evaluate(PROMPT_OP
                    + ".querySelector('.live-responses-table tr.response .response-col_status').textContent.trim()").asText();
            String body = browser.evaluate(PROMPT_OP
                    + ".querySelector('.live-responses-table .microlight, .live-responses-table pre').textContent")
                    .asText();
            assertThat(status).as("rendered response code; body: %s", body).isEqualTo("200");
            assertThat(body).contains("\"filenames\"");
        }
    }

    @Test
    void everyRunnableExampleBodyInTheDocumentRuns() throws Exception {
        JsonNode paths = server.get("/docs/json").json().path("paths");
        List<String> routes = List.of("/prompt", "/workflow/txt2img", "/workflows/txt2img");
        for (String route : routes) {
            JsonNode example = paths.path(route).at("/post/requestBody/content/application~1json/example");
            assertThat(example.isObject()).as("example of " + route).isTrue();
            TestServer.Response response = server.post(route, example.toString());
            assertThat(response.status()).as(route + ": " + response.body()).isEqualTo(200);
            assertThat(response.json().path("filenames")).hasSize(1);
        }
    }

    @Test
    void staticFilesAreGzippedCachedAndThereIsAFavicon() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> bundle = http.send(HttpRequest.newBuilder(server.uri("/docs/static/swagger-ui-bundle.js"))
                    .header("Accept-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(bundle.statusCode()).isEqualTo(200);
            assertThat(bundle.headers().firstValue("Content-Encoding")).contains("gzip");
            assertThat(bundle.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("max-age="));
            byte[] plain = new GZIPInputStream(new ByteArrayInputStream(bundle.body())).readAllBytes();
            assertThat(bundle.body().length).isLessThan(plain.length / 2);
            assertThat(new String(plain, 0, 200)).isNotBlank();

            String etag = bundle.headers().firstValue("ETag").orElseThrow();
            HttpResponse<Void> again = http.send(HttpRequest.newBuilder(server.uri("/docs/static/swagger-ui-bundle.js"))
                    .header("If-None-Match", etag).GET().build(), HttpResponse.BodyHandlers.discarding());
            assertThat(again.statusCode()).isEqualTo(304);

            HttpResponse<byte[]> favicon = http.send(HttpRequest.newBuilder(server.uri("/favicon.ico")).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(favicon.statusCode()).isEqualTo(200);
            assertThat(favicon.headers().firstValue("Content-Type")).contains("image/png");
            assertThat(favicon.body()).startsWith(0x89, 'P', 'N', 'G');
        }
    }
}
