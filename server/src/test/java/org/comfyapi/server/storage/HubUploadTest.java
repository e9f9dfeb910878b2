package org.comfyapi.server.storage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code hf_upload} against a loopback Hub: inline, LFS, multipart LFS, auth, and the round trip back through a download. */
class HubUploadTest {
    private static final String TOKEN = "hf_test_token_123";

    @TempDir
    static Path dir;
    static FakeHub hub;
    static RemoteFiles files;

    @BeforeAll
    static void start() throws Exception {
        hub = new FakeHub(TOKEN, 4096, 1500);
        files = new RemoteFiles(StorageSettings.fromEnv(Map.of("HF_ENDPOINT", hub.endpoint(), "HF_TOKEN", TOKEN)));
    }

    @AfterAll
    static void stop() {
        if (files != null) files.close();
        if (hub != null) hub.close();
    }

    private static Path file(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void anImageGoesThroughLfsAndComesBackFromItsResolveUrl() throws Exception {
        byte[] png = random(3000, 1);
        String url = files.upload(file("lfs.png", png), "req_00001_.png",
                new UploadTarget.HfRepo("me/outputs", "model", "main", "renders/day 1", false), Optional.empty());

        assertThat(url).isEqualTo(hub.endpoint() + "/me/outputs/resolve/main/renders/day%201/req_00001_.png");
        assertThat(hub.file("model", "me/outputs", "main", "renders/day 1/req_00001_.png")).isEqualTo(png);
        assertThat(hub.commits).anySatisfy(c -> {
            assertThat(c.path()).isEqualTo("renders/day 1/req_00001_.png");
            assertThat(c.kind()).isEqualTo("lfsFile");
            assertThat(c.summary()).contains("req_00001_.png");
        });
        assertThat(hub.requests).contains("POST /lfs-verify");

        Path back = dir.resolve("back.png");
        DownloadResult result = files.download(URI.create(url), back, Optional.empty());
        assertThat(result.size()).isEqualTo(png.length);
        assertThat(Files.readAllBytes(back)).isEqualTo(png);
    }

    @Test
    void textGoesInlineAsBase64ToADatasetBranch() throws Exception {
        byte[] text = "{\"seed\": 42, \"note\": \"ünïcode\"}\n".repeat(3000).getBytes(StandardCharsets.UTF_8); // several base64 chunks
        String url = files.upload(file("meta.json", text), "meta.json",
                new UploadTarget.HfRepo("me/data", "dataset", "refs/pr/1", "", false), Optional.empty());

        assertThat(url).isEqualTo(hub.endpoint() + "/datasets/me/data/resolve/refs%2Fpr%2F1/meta.json");
        assertThat(hub.file("dataset", "me/data", "refs/pr/1", "meta.json")).isEqualTo(text);
        assertThat(hub.commits).anySatisfy(c -> assertThat(c.path() + " " + c.kind()).isEqualTo("meta.json file"));
    }

    @Test
    void aLargeFileGoesUpInPartsInOrder() throws Exception {
        byte[] big = random(10_000, 2);
        files.upload(file("big.safetensors", big), "big.safetensors",
                new UploadTarget.HfRepo("me/models", "model", "main", "ckpt", false), Optional.empty());

        assertThat(hub.file("model", "me/models", "main", "ckpt/big.safetensors")).isEqualTo(big);
        assertThat(hub.requests.stream().filter(r -> r.startsWith("PUT /lfs-part/"))).hasSize(7);
    }

    @Test
    void aWrongTokenIsAClearFailureThatDoesNotQuoteIt() throws Exception {
        Path png = file("denied.png", random(100, 3));
        UploadTarget target = new UploadTarget.HfRepo("me/outputs", "model", "main", "", false);
        assertThatThrownBy(() -> files.upload(png, "denied.png", target, Optional.of(new Auth.Bearer("hf_wrong_secret"))))
                .isInstanceOf(UploadException.class)
                .hasMessageContaining("HTTP 401 from preupload")
                .hasMessageContaining("Invalid credentials")
                .hasMessageNotContaining("hf_wrong_secret");
        assertThat(hub.file("model", "me/outputs", "main", "denied.png")).isNull();
    }

    @Test
    void withoutATokenTheUploadSaysWhatIsMissing() throws Exception {
        try (RemoteFiles bare = new RemoteFiles(StorageSettings.fromEnv(Map.of("HF_ENDPOINT", hub.endpoint())))) {
            Path png = file("anon.png", random(10, 4));
            assertThatThrownBy(() -> bare.upload(png, new UploadTarget.HfRepo("me/outputs", "model", "main", "", false)))
                    .isInstanceOf(UploadException.class)
                    .hasMessageContaining("HF_TOKEN");
        }
    }
}
