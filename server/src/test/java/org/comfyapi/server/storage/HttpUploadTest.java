package org.comfyapi.server.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class HttpUploadTest {
    @TempDir Path dir;
    private FileServer server;
    private RemoteFiles files;
    private final Map<String, byte[]> stored = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        server = new FileServer();
        files = new RemoteFiles(StorageSettings.fromEnv(Map.of("HTTP_AUTH_HEADER_NAME", "X-Upload-Key", "HTTP_AUTH_HEADER_VALUE", "up-secret"))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)));
    }

    @AfterEach
    void tearDown() {
        files.close();
        server.close();
    }

    private void acceptPuts(String path) {
        server.route(path, exchange -> {
            if (!"up-secret".equals(exchange.getRequestHeaders().getFirst("X-Upload-Key"))) {
                FileServer.send(exchange, 403, new byte[0], null);
                return;
            }
            stored.put(path, FileServer.readBody(exchange));
            FileServer.send(exchange, 201, new byte[0], null);
        });
    }

    @Test
    void putsTheFileUnderThePrefixWithTheEnvHeader() throws Exception {
        byte[] body = HttpDownloadTest.bytes(2_000_000, 21);
        Path file = Files.write(dir.resolve("out.png"), body);
        acceptPuts("/bucket/outputs/req_out.png");
        String url = files.upload(file, "req_out.png", new UploadTarget.HttpPut(server.url("/bucket/outputs/").toString(), false),
                Optional.empty());
        assertThat(url).isEqualTo(server.url("/bucket/outputs/req_out.png").toString());
        assertThat(stored.get("/bucket/outputs/req_out.png")).isEqualTo(body);
        FileServer.Seen put = server.last("/bucket/outputs/req_out.png");
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.header("Content-Type")).isEqualTo("image/png");
        assertThat(put.header("Content-Length")).isEqualTo(String.valueOf(body.length));
    }

    @Test
    void nameGoesBeforeAQueryInThePrefix() throws Exception {
        acceptPuts("/up/a%20b.png");
        acceptPuts("/up/a b.png");
        Path file = Files.writeString(dir.resolve("a b.png"), "data");
        String url = files.upload(file, new UploadTarget.HttpPut(server.url("/up/?sig=s3cret").toString(), false));
        assertThat(url).isEqualTo(server.url("/up/a%20b.png?sig=s3cret").toString());
        assertThat(server.last("/up/a b.png").uri().getRawQuery()).isEqualTo("sig=s3cret");
    }

    @Test
    void rejectionIsAClearError() throws Exception {
        server.route("/denied/x.png", exchange -> {
            FileServer.readBody(exchange);
            FileServer.send(exchange, 403, new byte[0], null);
        });
        Path file = Files.writeString(dir.resolve("x.png"), "data");
        assertThatThrownBy(() -> files.upload(file, new UploadTarget.HttpPut(server.url("/denied/?token=abc").toString(), false)))
                .isInstanceOf(UploadException.class)
                .hasMessage("HTTP 403 from PUT " + server.url("/denied/x.png?token=REDACTED"));
    }

    @Test
    void refusedConnectionIsAClearError() throws Exception {
        int port = ChildServers.freePort();
        Path file = Files.writeString(dir.resolve("x.png"), "data");
        assertThatThrownBy(() -> files.upload(file, new UploadTarget.HttpPut("http://127.0.0.1:" + port + "/", false)))
                .isInstanceOf(UploadException.class)
                .hasMessage("upload to http://127.0.0.1:" + port + "/x.png failed: connection refused: 127.0.0.1:" + port);
    }

    @Test
    void requestAuthIsApplied() throws Exception {
        server.route("/auth/x.png", exchange -> {
            FileServer.readBody(exchange);
            boolean ok = "Bearer put-token".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            FileServer.send(exchange, ok ? 200 : 401, new byte[0], null);
        });
        Path file = Files.writeString(dir.resolve("x.png"), "data");
        files.upload(file, "x.png", new UploadTarget.HttpPut(server.url("/auth/").toString(), false), Optional.of(new Auth.Bearer("put-token")));
        assertThat(server.last("/auth/x.png").header("X-Upload-Key")).isEqualTo("up-secret");
    }

    @Test
    void aSecondUploadToTheSameUrlAbortsTheFirst() throws Exception {
        byte[] first = HttpDownloadTest.bytes(16_000_000, 31);
        byte[] second = HttpDownloadTest.bytes(1_000_000, 32);
        Path firstFile = Files.write(dir.resolve("first.bin"), first);
        Path secondFile = Files.write(dir.resolve("second.bin"), second);
        CountDownLatch firstStarted = new CountDownLatch(1);
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger aborted = new AtomicInteger();
        server.route("/slow/out.bin", exchange -> {
            boolean slow = requests.incrementAndGet() == 1;
            byte[] buffer = new byte[16 * 1024];
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            try (InputStream in = exchange.getRequestBody()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    body.write(buffer, 0, n);
                    if (slow) {
                        firstStarted.countDown();
                        Thread.sleep(20);
                    }
                }
            } catch (IOException e) {
                aborted.incrementAndGet();
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            stored.put("/slow/out.bin", body.toByteArray());
            FileServer.send(exchange, 200, new byte[0], null);
        });
        UploadTarget target = new UploadTarget.HttpPut(server.url("/slow/").toString(), false);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> older = executor.submit(() -> files.upload(firstFile, "out.bin", target, Optional.empty()));
            assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
            String url = files.upload(secondFile, "out.bin", target, Optional.empty());
            assertThat(url).isEqualTo(server.url("/slow/out.bin").toString());
            assertThatThrownBy(older::get)
                    .cause()
                    .isInstanceOf(UploadException.class)
                    .hasMessage("upload to " + url + " was superseded by a newer upload to the same URL")
                    .satisfies(e -> assertThat(((UploadException) e).superseded()).isTrue());
        }
        assertThat(stored.get("/slow/out.bin")).isEqualTo(second);
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void stalledReceiverTimesOut() throws Exception {
        byte[] body = HttpDownloadTest.bytes(8_000_000, 41);
        Path file = Files.write(dir.resolve("stall.bin"), body);
        try (RawServer raw = new RawServer(socket -> Thread.sleep(10_000))) {
            assertThatThrownBy(() -> files.upload(file, new UploadTarget.HttpPut(raw.url("/").toString(), false)))
                    .isInstanceOf(UploadException.class)
                    .hasMessageContaining("timed out: no progress for");
        }
    }
}
