package org.comfyapi.server.http;

import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.error.TooLarge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.json.Json;
import io.javalin.http.Context;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a JSON request body, refusing it (413) as soon as it grows past the size limit. */
final class BodyReader {
    private static final ObjectMapper JSON = Json.MAPPER;

    private final long maxBytes;

    BodyReader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    JsonNode json(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) throw tooLarge();
        try (InputStream in = new Limited(ctx.req().getInputStream(), maxBytes)) {
            JsonNode node = JSON.readTree(in);
            if (node == null || node.isMissingNode()) throw new BadInput("Request body is empty", "body");
            return node;
        } catch (JsonProcessingException e) {
            throw new BadInput("Request body is not valid JSON: " + e.getOriginalMessage(), "body");
        } catch (Overflow e) {
            throw tooLarge();
        } catch (IOException e) {
            throw new BadInput("Could not read the request body: " + e.getMessage(), "body");
        }
    }

    private TooLarge tooLarge() {
        return new TooLarge("Request body is larger than MAX_BODY_SIZE_MB ("
                + (maxBytes / (1024 * 1024)) + " MB)", "body");
    }

    private static final class Overflow extends IOException {
    }

    private static final class Limited extends FilterInputStream {
        private long remaining;

        Limited(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --remaining < 0) throw new Overflow();
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0 && (remaining -= n) < 0) throw new Overflow();
            return n;
        }
    }
}
