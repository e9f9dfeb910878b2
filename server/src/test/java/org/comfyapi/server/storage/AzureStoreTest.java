package org.comfyapi.server.storage;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against Azurite's blob service, started from npm as a child process. */
@Timeout(120)
class AzureStoreTest {
    private static final String CONTAINER = "outputs";

    private static AzuriteServer azurite;
    private static RemoteFiles files;

    @TempDir Path dir;

    @BeforeAll
    static void start() throws Exception {
        azurite = AzuriteServer.get();
        BlobServiceClient admin = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
        admin.getBlobContainerClient(CONTAINER).createIfNotExists();
        files = new RemoteFiles(StorageSettings.fromEnv(Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString()))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)));
    }

    @AfterAll
    static void stop() {
        if (files != null) files.close();
    }

    @Test
    void uploadThenDownload() throws Exception {
        byte[] body = HttpDownloadTest.bytes(3_000_000, 11);
        Path file = Files.write(dir.resolve("ComfyUI_00002_.webp"), body);
        String url = files.upload(file, "req_ComfyUI_00002_.webp", new UploadTarget.AzureBlob(CONTAINER, "renders/", false),
                Optional.empty());
        assertThat(url).isEqualTo(azurite.blobEndpoint + "/" + CONTAINER + "/renders/req_ComfyUI_00002_.webp");

        Path back = dir.resolve("back.tmp");
        DownloadResult result = files.download(URI.create(url), back, Optional.empty());
        assertThat(result.size()).isEqualTo(body.length);
        assertThat(result.contentType()).contains("image/webp");
        assertThat(Files.readAllBytes(back)).isEqualTo(body);
    }

    @Test
    void largeUploadInBlocks() throws Exception {
        byte[] body = HttpDownloadTest.bytes(40 * 1024 * 1024 + 7, 12);
        Path file = Files.write(dir.resolve("big.mp4"), body);
        String url = files.upload(file, new UploadTarget.AzureBlob(CONTAINER, "", false));
        Path back = dir.resolve("big.tmp");
        files.download(URI.create(url), back, Optional.empty());
        assertThat(Files.mismatch(file, back)).isEqualTo(-1);
    }

    @Test
    void missingBlobIsAClearError() throws Exception {
        URI url = URI.create(azurite.blobEndpoint + "/" + CONTAINER + "/no/such.png");
        Path destination = dir.resolve("missing.tmp");
        Files.writeString(destination, "stale");
        assertThatThrownBy(() -> files.download(url, destination, Optional.empty()))
                .isInstanceOf(DownloadException.class)
                .hasMessage("Azure blob not found: " + url)
                .satisfies(e -> assertThat(((DownloadException) e).reason()).isEqualTo(DownloadException.Reason.NOT_FOUND));
        assertThat(destination).doesNotExist();
    }

    @Test
    void missingContainerIsAClearError() throws Exception {
        Path file = Files.writeString(dir.resolve("a.png"), "x");
        assertThatThrownBy(() -> files.upload(file, new UploadTarget.AzureBlob("nocontainer", "", false)))
                .isInstanceOf(UploadException.class)
                .hasMessageContaining("Azure container not found");
    }

    @Test
    void connectionStringRoutesItsAccountOnly() {
        var cs = AzureStore.ConnectionString.parse("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=k==;EndpointSuffix=core.windows.net");
        assertThat(cs.owns(URI.create("https://acct.blob.core.windows.net/c/b.png"))).isTrue();
        assertThat(cs.owns(URI.create("https://other.blob.core.windows.net/c/b.png"))).isFalse();
        var local = AzureStore.ConnectionString.parse(azurite.connectionString());
        assertThat(local.owns(URI.create(azurite.blobEndpoint + "/c/b.png"))).isTrue();
        assertThat(local.owns(URI.create("http://127.0.0.1:1/devstoreaccount1/c/b.png"))).isFalse();
    }

    @Test
    void uploadWithoutConnectionStringSaysSo() throws Exception {
        Path file = Files.writeString(dir.resolve("a.png"), "x");
        try (RemoteFiles bare = new RemoteFiles(StorageSettings.fromEnv(Map.of()))) {
            assertThatThrownBy(() -> bare.upload(file, new UploadTarget.AzureBlob(CONTAINER, "", false)))
                    .hasMessage("azure_blob_upload needs AZURE_STORAGE_CONNECTION_STRING");
        }
    }

    @Test
    void aSecondUploadToTheSameBlobAbortsTheFirst() throws Exception {
        Path older = Files.write(dir.resolve("older.bin"), HttpDownloadTest.bytes(40 * 1024 * 1024, 61));
        byte[] newer = HttpDownloadTest.bytes(50_000, 62);
        Path newerFile = Files.write(dir.resolve("newer.bin"), newer);
        UploadTarget target = new UploadTarget.AzureBlob(CONTAINER, "race/", false);
        try (TestProxy slow = new TestProxy(); RemoteFiles proxied = new RemoteFiles(StorageSettings.fromEnv(Map.of(
                        "AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString(), "HTTP_PROXY", slow.address()))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)));
             var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            slow.delayMillis = 500;
            var first = executor.submit(() -> proxied.upload(older, "out.bin", target, Optional.empty()));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (slow.forwarded.stream().noneMatch(u -> String.valueOf(u.getQuery()).contains("comp=block"))) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(20);
            }
            String url = proxied.upload(newerFile, "out.bin", target, Optional.empty());
            assertThatThrownBy(first::get).cause()
                    .isInstanceOf(UploadException.class)
                    .hasMessage("upload to " + url + " was superseded by a newer upload to the same URL");
            slow.awaitIdle(Duration.ofSeconds(20)); // blocks of the superseded upload still on their way land first
            Path back = dir.resolve("race.tmp");
            files.download(URI.create(url), back, Optional.empty());
            assertThat(Files.readAllBytes(back)).isEqualTo(newer);
            assertThat(slow.forwarded.stream().filter(u -> String.valueOf(u.getQuery()).contains("comp=blocklist"))).isEmpty();
        }
    }
}
