package org.comfyapi.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Azurite's blob service as a child process, shared by every test in the run. Installed from npm
 * into target/azurite on first use (about 10 s); nothing is skipped when it is missing.
 */
public final class AzuriteServer {
    /** Azurite's well-known development account (public, documented by Microsoft). */
    static final String ACCOUNT = "devstoreaccount1";
    static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static AzuriteServer instance;

    public final String blobEndpoint;

    private AzuriteServer(String blobEndpoint) {
        this.blobEndpoint = blobEndpoint;
    }

    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint=" + blobEndpoint + ";";
    }

    public static synchronized AzuriteServer get() throws IOException, InterruptedException {
        if (instance != null) return instance;
        Path dir = Path.of(System.getProperty("azurite.dir", "target/azurite")).toAbsolutePath();
        Path bin = dir.resolve("node_modules/.bin/azurite-blob");
        if (!Files.isExecutable(bin)) install(dir);
        int port = ChildServers.freePort();
        Path location = Files.createTempDirectory("azurite");
        ChildServers.start(List.of(bin.toString(), "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(port),
                        "--location", location.toString(), "--skipApiVersionCheck", "--silent"),
                dir, dir.resolve("azurite-" + port + ".log"), port, Duration.ofSeconds(60));
        instance = new AzuriteServer("http://127.0.0.1:" + port + "/" + ACCOUNT);
        return instance;
    }

    private static void install(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path log = dir.resolve("npm-install.log");
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", dir.toString(), "azurite@3")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!npm.waitFor(5, TimeUnit.MINUTES)) {
            npm.destroyForcibly();
            throw new IllegalStateException("npm install azurite timed out; see " + log);
        }
        if (npm.exitValue() != 0) throw new IllegalStateException("npm install azurite failed; see " + log);
    }
}
