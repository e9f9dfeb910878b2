package org.comfyapi.server.queue;

import org.comfyapi.server.config.Env;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's package) as a child process on a free port, one per test class.
 * {@link #stop()} shuts it down keeping its data (like a restart of a persistent Redis) and
 * {@link #start()} brings it back on the same port; {@link #close()} kills it.
 */
public final class RedisServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a server whose files live in {@code dir}. */
    public static RedisServer start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        RedisServer server = new RedisServer(dir, freePort());
        server.start();
        return server;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** A client for the test's own checks, recovering from restarts as the server's does; the caller closes it. */
    public RedisClient client() {
        return Redis.open(QueueSettings.fromEnv(new Env(Map.of("QUEUE_URL", url()))).orElseThrow(), "test");
    }

    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) return;
        String binary = executable();
        process = new ProcessBuilder(List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--dbfilename", "dump.rdb",
                "--protected-mode", "no", "--daemonize", "no", "--logfile", ""))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                .start();
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        awaitPing(started, Duration.ofSeconds(20));
    }

    /** Shuts the server down, saving its data so {@link #start()} brings it back as it was. */
    public synchronized void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) return;
        try (RedisClient client = client()) {
            client.sendCommand(() -> "SHUTDOWN".getBytes(), "SAVE");
        } catch (JedisException expected) {
            // the server closes the connection instead of answering
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError("redis-server did not shut down");
        }
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitPing(Process started, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (!started.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + started.exitValue() + "; see " + dir.resolve("redis.log"));
            }
            try (RedisClient client = client()) {
                if ("PONG".equals(client.ping())) return;
            } catch (JedisException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not answer PING on port " + port + " within " + wait);
    }

    private static String executable() {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) return candidate;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String part : path.split(":")) {
            Path candidate = Path.of(part, "redis-server");
            if (Files.isExecutable(candidate)) return candidate.toString();
        }
        throw new IllegalStateException("redis-server is not installed: apt-get install -y redis-server (.ci/run does this)");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
