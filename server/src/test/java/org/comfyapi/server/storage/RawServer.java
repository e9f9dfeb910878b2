package org.comfyapi.server.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/** A socket-level server for faults a real HTTP server would never commit: short bodies, stalls. */
public final class RawServer implements AutoCloseable {
    public interface Behaviour {
        void answer(Socket socket) throws IOException, InterruptedException;
    }

    private final ServerSocket socket;
    final AtomicInteger connections = new AtomicInteger();

    /** Answers 200 declaring {@code declared} bytes of {@code contentType}, sends {@code sent} of them, and hangs up. */
    public static RawServer cutOff(String contentType, int declared, int sent) throws IOException {
        return partial("Content-Type: " + contentType + "\r\n", declared, sent, 0);
    }

    /** Answers 200 declaring {@code declared} bytes, sends {@code sent} of them, then goes silent for 10 s. */
    public static RawServer stalled(int declared, int sent) throws IOException {
        return partial("", declared, sent, 10_000);
    }

    private static RawServer partial(String headers, int declared, int sent, long silentMillis) throws IOException {
        return new RawServer(socket -> {
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\n" + headers + "Content-Length: " + declared + "\r\n\r\n").getBytes());
            out.write(new byte[sent]);
            out.flush();
            if (silentMillis > 0) Thread.sleep(silentMillis);
        });
    }

    public RawServer(Behaviour behaviour) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> {
                        try (client) {
                            readHead(client.getInputStream());
                            behaviour.answer(client);
                        } catch (IOException | InterruptedException ignored) {
                            // the fault is the point
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
    }

    private static void readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] bytes = head.toByteArray();
            int n = bytes.length;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') return;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
