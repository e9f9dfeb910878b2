package org.comfyapi.server.webhook;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;

/** A JSON body to POST, in memory when small, in a temporary file when it carries outputs. */
public sealed interface WebhookBody {
    InputStream open() throws IOException;

    HttpRequest.BodyPublisher publisher() throws IOException;

    /** Frees the body once delivery is over. */
    void discard();

    record InMemory(byte[] bytes) implements WebhookBody {
        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public HttpRequest.BodyPublisher publisher() {
            return HttpRequest.BodyPublishers.ofByteArray(bytes);
        }

        @Override
        public void discard() {
        }
    }

    record OnDisk(Path file) implements WebhookBody {
        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public HttpRequest.BodyPublisher publisher() throws FileNotFoundException {
            return HttpRequest.BodyPublishers.ofFile(file);
        }

        @Override
        public void discard() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
