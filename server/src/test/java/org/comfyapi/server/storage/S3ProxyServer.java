package org.comfyapi.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * s3proxy (an S3 API over an in-memory jclouds blobstore) as a child JVM, shared by every test in
 * the run. Its jar is copied into target/s3proxy by the build (maven-dependency-plugin).
 */
final class S3ProxyServer {
    static final String ACCESS_KEY = "test-access-key";
    static final String SECRET_KEY = "test-secret-key-never-logged";

    private static S3ProxyServer instance;

    final String endpoint;

    private S3ProxyServer(String endpoint) {
        this.endpoint = endpoint;
    }

    static synchronized S3ProxyServer get() throws IOException, InterruptedException {
        if (instance != null) return instance;
        Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests through Maven, which copies it there");
        }
        Path dir = jar.getParent();
        int port = ChildServers.freePort();
        String endpoint = "http://127.0.0.1:" + port;
        Path properties = dir.resolve("s3proxy-" + port + ".properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=transient-nio2",
                "jclouds.identity=unused",
                "jclouds.credential=unused",
                ""));
        String java = ProcessHandle.current().info().command().orElse("java");
        ChildServers.start(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                        "--properties", properties.toString()),
                dir, dir.resolve("s3proxy-" + port + ".log"), port, Duration.ofSeconds(60));
        instance = new S3ProxyServer(endpoint);
        return instance;
    }
}
