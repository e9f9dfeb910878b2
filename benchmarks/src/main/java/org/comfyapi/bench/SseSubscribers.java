package org.comfyapi.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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
 * N subscribers to one job's event stream, each on its own connection, all read by one selector thread that
 * notes when each progress event reaches each connection. One thread (rather than one blocking reader per
 * connection) keeps the client's share of the 2 cores small, so the delays measured are mostly the server's.
 * Every frame that one read() returns gets the time of that read.
 */
final class SseSubscribers implements AutoCloseable {
    private static final List<String> TERMINAL = List.of("completed", "failed", "interrupted", "timed_out");

    private final int count;
    private final Selector selector;
    private final Thread reader;
    private final Map<Integer, long[]> arrivals = new ConcurrentHashMap<>();
    private final CountDownLatch connected;
    private final CountDownLatch done;
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger received = new AtomicInteger();
    private volatile long readerCpuNanos;

    /** Connects {@code count} subscribers to {@code events} and starts reading them. */
    SseSubscribers(URI events, int count) throws IOException {
        this.count = count;
        this.connected = new CountDownLatch(count);
        this.done = new CountDownLatch(count);
        this.selector = Selector.open();
        byte[] request = ("GET " + events.getPath() + " HTTP/1.1\r\nHost: " + events.getHost()
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress address = new InetSocketAddress(events.getHost(), events.getPort());
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open(address);
            channel.write(ByteBuffer.wrap(request));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, new Stream(i));
        }
        reader = Thread.ofPlatform().name("sse-subscribers").start(this::readAll);
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

    /** CPU time of the reading thread, once it has finished. */
    long readerCpuNanos() {
        return readerCpuNanos;
    }

    @Override
    public void close() throws IOException {
        if (!selector.isOpen()) return;
        reader.interrupt();
        selector.wakeup();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : new ArrayList<>(selector.keys())) key.channel().close();
        selector.close();
    }

    private void readAll() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (done.getCount() > 0 && !Thread.currentThread().isInterrupted()) {
                selector.select(1_000);
                for (SelectionKey key : selector.selectedKeys()) {
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
                        channel.close();
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            while (done.getCount() > 0) {
                failed.incrementAndGet();
                done.countDown();
            }
        } finally {
            readerCpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        }
    }

    /** One connection: its partial line and where it is in the response. */
    private final class Stream {
        final int index;
        final byte[] line = new byte[8 * 1024];
        int length;
        boolean statusSeen;
        boolean terminal;
        boolean over;
        boolean finished;
        String event;

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
            String text = new String(line, 0, end, StandardCharsets.ISO_8859_1);
            if (!statusSeen) {
                statusSeen = true;
                connected.countDown();
                if (!text.contains(" 200")) over = true;
            } else if (text.startsWith("event: ")) {
                event = text.substring(7);
                if (TERMINAL.contains(event)) {
                    terminal = true;
                    over = true;
                }
            } else if (text.startsWith("data: ") && "progress".equals(event)) {
                arrivals.computeIfAbsent(valueOf(text), v -> new long[count])[index] = now;
                received.incrementAndGet();
            }
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

    /** The {@code value} of a progress event's data line, without a JSON parser in the timed loop. */
    private static int valueOf(String dataLine) {
        int at = dataLine.indexOf("\"value\":") + 8;
        int end = at;
        while (end < dataLine.length() && Character.isDigit(dataLine.charAt(end))) end++;
        return Integer.parseInt(dataLine.substring(at, end));
    }
}
