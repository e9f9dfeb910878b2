package org.comfyapi.server.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DownloadCacheTest {

    private static DownloadCache.Source bytes(byte[] content, AtomicInteger calls) {
        return (url, destination) -> {
            calls.incrementAndGet();
            Files.write(destination, content);
            return new DownloadResult(content.length, Optional.empty(), Optional.empty());
        };
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aCachedUrlIsNeverFetchedAgain(@TempDir Path dir) throws Exception {
        DownloadCache cache = new DownloadCache(dir, 0);
        AtomicInteger calls = new AtomicInteger();
        URI url = URI.create("https://example.test/models/x.safetensors?sig=1");
        DownloadCache.Entry first = cache.get(url, bytes(new byte[]{1, 2, 3}, calls));
        DownloadCache.Entry second = cache.get(url, bytes(new byte[]{9}, calls));
        assertThat(calls).hasValue(1);
        assertThat(first.downloaded()).isTrue();
        assertThat(second.downloaded()).isFalse();
        assertThat(second.path()).isEqualTo(first.path());
        assertThat(first.path().getFileName().toString()).matches("[0-9a-f]{32}\\.safetensors");
        assertThat(Files.readAllBytes(first.path())).containsExactly(1, 2, 3);
    }

    @Test
    void theExtensionComesFromTheUrlThenDispositionThenType(@TempDir Path dir) throws Exception {
        DownloadCache cache = new DownloadCache(dir, 0);
        DownloadCache.Source disposition = (url, d) -> {
            Files.write(d, new byte[]{1});
            return new DownloadResult(1, Optional.of("image/png"), Optional.of("photo.JPG"));
        };
        DownloadCache.Source type = (url, d) -> {
            Files.write(d, new byte[]{1});
            return new DownloadResult(1, Optional.of("image/webp; q=1"), Optional.empty());
        };
        assertThat(cache.get(URI.create("https://h/a.png"), disposition).path().toString()).endsWith(".png");
        assertThat(cache.get(URI.create("https://h/download?id=1"), disposition).path().toString()).endsWith(".jpg");
        assertThat(cache.get(URI.create("https://h/download?id=2"), type).path().toString()).endsWith(".webp");
        AtomicInteger calls = new AtomicInteger();
        cache.get(URI.create("https://h/download?id=2"), bytes(new byte[]{2}, calls));
        assertThat(calls).as("found again without an extension in the URL").hasValue(0);
    }

    @Test
    void concurrentRequestsShareOneDownload(@TempDir Path dir) throws Exception {
        DownloadCache cache = new DownloadCache(dir, 0);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        DownloadCache.Source slow = (url, destination) -> {
            calls.incrementAndGet();
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            Files.write(destination, new byte[]{7});
            return new DownloadResult(1, Optional.empty(), Optional.empty());
        };
        URI url = URI.create("https://h/shared.bin");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<DownloadCache.Entry>> futures = new ArrayList<>();
            futures.add(pool.submit(() -> cache.get(url, slow)));
            started.await();
            for (int i = 0; i < 5; i++) futures.add(pool.submit(() -> cache.get(url, slow)));
            Thread.yield();
            release.countDown();
            Path path = futures.getFirst().get().path();
            for (Future<DownloadCache.Entry> f : futures) assertThat(f.get().path()).isEqualTo(path);
        }
        assertThat(calls).hasValue(1);
    }

    @Test
    void aFailedDownloadLeavesNothingBehind(@TempDir Path dir) throws Exception {
        DownloadCache cache = new DownloadCache(dir, 0);
        DownloadCache.Source cutOff = (url, destination) -> {
            Files.write(destination, new byte[1000]);
            throw new IOException("download cut off after 1000 of 5000 bytes");
        };
        URI url = URI.create("https://h/big.bin");
        assertThatThrownBy(() -> cache.get(url, cutOff)).hasMessageContaining("cut off");
        assertThat(names(dir)).isEmpty();
        AtomicInteger calls = new AtomicInteger();
        cache.get(url, bytes(new byte[]{5}, calls));
        assertThat(calls).as("a failure is not cached").hasValue(1);
    }

    @Test
    void leastRecentlyUsedFilesAreEvictedPastTheLimit(@TempDir Path dir) throws Exception {
        double limitGb = 2500.0 / (1024 * 1024 * 1024);
        DownloadCache cache = new DownloadCache(dir, limitGb);
        AtomicInteger calls = new AtomicInteger();
        Path a = cache.get(URI.create("https://h/a.bin"), bytes(new byte[1000], calls)).path();
        Path b = cache.get(URI.create("https://h/b.bin"), bytes(new byte[1000], calls)).path();
        Files.setLastModifiedTime(a, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Files.setLastModifiedTime(b, FileTime.fromMillis(System.currentTimeMillis() - 30_000));
        cache.get(URI.create("https://h/a.bin"), bytes(new byte[1000], calls));
        Path c = cache.get(URI.create("https://h/c.bin"), bytes(new byte[1000], calls)).path();
        assertThat(Files.exists(a)).as("a was used recently").isTrue();
        assertThat(Files.exists(b)).as("b is least recently used").isFalse();
        assertThat(Files.exists(c)).isTrue();
    }

    @Test
    void linksShowTheCachedFile(@TempDir Path dir) throws Exception {
        Path cached = Files.write(dir.resolve("cached.png"), new byte[]{4, 2});
        Path target = dir.resolve("input/sub/x.png");
        DownloadCache.link(cached, target);
        assertThat(Files.readAllBytes(target)).containsExactly(4, 2);
        DownloadCache.link(cached, target);
        assertThat(Files.readAllBytes(target)).containsExactly(4, 2);
    }
}
