package org.comfyapi.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N subscribers to one job's event stream, each on its own connection, noting when each progress event reaches
 * each connection. Read either by one selector thread, which keeps the client's share of the 2 cores small so
 * that the delays measured are mostly the server's, or (for comparison) by one blocking virtual thread per
 * connection, as a naive client would. Every frame that one read() returns gets the time of that read.
 */
final class SseSubscribers implements AutoCloseable {
    private static final List<String> TERMINAL = List.of("completed", "failed", "interrupted", "timed_out");

    private final int count;
    private final Selector selector;
    private final Thread reader;
    private final List<SocketChannel> channels = new ArrayList<>();
    private final Map<Integer, long[]> arrivals = new ConcurrentHashMap<>();
    private final CountDownLatch connected;
    private final CountDownLatch done;
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger received = new AtomicInteger();

    /** Connects {@code count} subscribers to {@code events} and starts reading them, on one thread or one each. */
    SseSubscribers(URI events, int count, boolean oneThread) throws IOException {
        this.count = count;
        this.connected = new CountDownLatch(count);
        this.done = new CountDownLatch(count);
        this.selector = Selector.open();
        byte[] request = ("GET " + events.getPath() + " HTTP/1.1\r\nHost: " + events.getHost()
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress address = new InetSocketAddress(events.getHost(), events.getPort());
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open(address);
            channels.add(channel);
            channel.write(ByteBuffer.wrap(request));
            Stream stream = new Stream(i);
            if (oneThread) {
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ, stream);
            } else {
                Thread.ofVirtual().start(() -> readBlocking(channel, stream));
            }
        }
        reader = oneThread ? Thread.ofPlatform().name("sse-subscribers").start(this::readAll) : null;
    }

    /** True once every subscriber got its response's status line (or failed). */
    boolean awaitConnected(long timeout, TimeUnit unit) throws InterruptedException {
        return connected.await(timeout, unit);
    }

    /** True once every stream ended. */
    boolean awaitDone(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    int failed() {
        return failed.get();
    }

    /** Progress events received, over all subscribers. */
    int received() {
        return received.get();
    }

    /** For each progress value, when each subscriber got it (nanoTime; 0 if it never did). */
    Map<Integer, long[]> arrivals() {
        return arrivals;
    }

    @Override
    public void close() throws IOException {
        if (!selector.isOpen()) return;
        if (reader != null) {
            reader.interrupt();
            selector.wakeup();
            try {
                reader.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        selector.close();
        for (SocketChannel channel : channels) channel.close();
    }

    private void readAll() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (done.getCount() > 0 && !Thread.currentThread().isInterrupted()) {
                selector.select(key -> read(key, buffer), 1_000);
            }
        } catch (IOException e) {
            while (done.getCount() > 0) {
                failed.incrementAndGet();
                done.countDown();
            }
        }
    }

    private void readBlocking(SocketChannel channel, Stream stream) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * 1024);
        try (channel) {
            while (!stream.over) {
                buffer.clear();
                int n = channel.read(buffer);
                long now = System.nanoTime();
                if (n < 0) break;
                buffer.flip();
                stream.take(buffer, now);
            }
        } catch (IOException e) {
            // counted as a failure below unless the terminal event came first
        }
        if (!stream.terminal) stream.fail();
        stream.finish();
    }

    private void read(SelectionKey key, ByteBuffer buffer) {
        Stream stream = (Stream) key.attachment();
        SocketChannel channel = (SocketChannel) key.channel();
        buffer.clear();
        int n;
        try {
            n = channel.read(buffer);
        } catch (IOException e) {
            n = -1;
        }
        long now = System.nanoTime();
        if (n > 0) {
            buffer.flip();
            stream.take(buffer, now);
        }
        if (n < 0 || stream.over) {
            if (!stream.terminal) stream.fail();
            stream.finish();
            key.cancel();
            try {
                channel.close();
            } catch (IOException ignored) {
                // the stream is over either way
            }
        }
    }

    /**
     * One connection: its partial line and where it is in the response. Lines are matched as bytes, so the
     * reading thread allocates nothing per frame but the arrivals row of a new progress value.
     */
    private final class Stream {
        final int index;
        final byte[] line = new byte[8 * 1024];
        int length;
        boolean statusSeen;
        boolean progress;
        boolean terminal;
        boolean over;
        boolean finished;

        Stream(int index) {
            this.index = index;
        }

        void take(ByteBuffer bytes, long now) {
            while (bytes.hasRemaining() && !over) {
                byte b = bytes.get();
                if (b == '\n') {
                    line(now);
                    length = 0;
                } else if (length < line.length) {
                    line[length++] = b;
                }
            }
        }

        private void line(long now) {
            int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
            if (!statusSeen) {
                statusSeen = true;
                connected.countDown();
                if (!new String(line, 0, end, StandardCharsets.ISO_8859_1).contains(" 200")) over = true;
            } else if (startsWith(EVENT, end)) {
                progress = matches(PROGRESS, EVENT.length, end);
                if (!progress && TERMINAL.contains(new String(line, EVENT.length, end - EVENT.length,
                        StandardCharsets.ISO_8859_1))) {
                    terminal = true;
                    over = true;
                }
            } else if (progress && startsWith(DATA, end)) {
                int value = value(end);
                long[] row = arrivals.get(value);
                if (row == null) row = arrivals.computeIfAbsent(value, v -> new long[count]);
                row[index] = now;
                received.incrementAndGet();
            }
        }

        private boolean startsWith(byte[] prefix, int end) {
            return end >= prefix.length && matches(prefix, 0, prefix.length);
        }

        private boolean matches(byte[] text, int from, int end) {
            if (end - from != text.length) return false;
            for (int i = 0; i < text.length; i++) if (line[from + i] != text[i]) return false;
            return true;
        }

        /** The {@code "value":N} of a progress event's data line. */
        private int value(int end) {
            for (int at = DATA.length; at + VALUE.length <= end; at++) {
                if (matches(VALUE, at, at + VALUE.length)) {
                    int n = 0;
                    for (int i = at + VALUE.length; i < end && line[i] >= '0' && line[i] <= '9'; i++) {
                        n = n * 10 + (line[i] - '0');
                    }
                    return n;
                }
            }
            throw new IllegalStateException("progress event without a value");
        }

        void fail() {
            failed.incrementAndGet();
            if (!statusSeen) {
                statusSeen = true;
                connected.countDown();
            }
        }

        void finish() {
            if (finished) return;
            finished = true;
            done.countDown();
        }
    }

    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PROGRESS = "progress".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VALUE = "\"value\":".getBytes(StandardCharsets.US_ASCII);
}
