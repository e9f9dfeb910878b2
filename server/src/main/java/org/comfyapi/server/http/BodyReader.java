package org.comfyapi.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.error.RequestError;
import org.comfyapi.server.error.TooLarge;
import org.comfyapi.server.error.UnsupportedMediaType;
import org.comfyapi.server.json.Json;
import org.comfyapi.server.json.LimitedJson;
import org.comfyapi.server.json.StringLimit;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a JSON request body: only {@code application/json} (415 otherwise), exactly one JSON value (400 for
 * anything after it), refused (413) as soon as it grows past the size limit.
 */
final class BodyReader {
    private static final ObjectMapper JSON = Json.MAPPER;

    private final long maxBytes;
    private final StringLimit strings;

    /** {@code strings} is checked while each string is read, so a string past its limit is never read whole. */
    BodyReader(long maxBytes, StringLimit strings) {
        this.maxBytes = maxBytes;
        this.strings = strings;
    }

    JsonNode json(Context ctx) {
        requireJson(ctx.req().getContentType());
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) throw tooLarge();
        try {
            return json(ctx.req().getInputStream());
        } catch (IOException e) {
            throw new BadInput("Could not read the request body: " + e.getMessage(), "body");
        }
    }

    JsonNode json(InputStream body) {
        try (InputStream in = new Limited(body, maxBytes);
             JsonParser parser = LimitedJson.parser(in, strings)) {
            JsonNode node = readTree(parser, in);
            if (node == null || node.isMissingNode()) throw new BadInput("Request body is empty", "body");
            requireEnd(parser);
            return node;
        } catch (JsonProcessingException e) {
            throw new BadInput("Request body is not valid JSON: " + e.getOriginalMessage(), "body");
        } catch (Overflow e) {
            throw tooLarge();
        } catch (IOException e) {
            throw new BadInput("Could not read the request body: " + e.getMessage(), "body");
        }
    }

    /**
     * A value refused while it is read ends the parse; the rest of the body (within the size limit) is read and
     * dropped, because a connection closed on a client that is still sending loses the answer with it.
     */
    private static JsonNode readTree(JsonParser parser, InputStream in) throws IOException {
        try {
            return JSON.readTree(parser);
        } catch (JsonProcessingException e) {
            Optional<RequestError> refused = LimitedJson.refusal(e);
            if (refused.isEmpty()) throw e;
            try {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException tooLongOrGone) {
                // the refusal is the answer either way
            }
            throw refused.get();
        }
    }

    /** {@code application/json}, with no charset or UTF-8 (JSON's only interchange encoding). */
    static void requireJson(String contentType) {
        String[] parts = contentType == null ? new String[] {""} : contentType.split(";");
        boolean json = parts[0].strip().equalsIgnoreCase("application/json");
        for (int i = 1; i < parts.length && json; i++) {
            String[] param = parts[i].strip().split("=", 2);
            if (param.length == 2 && param[0].strip().equalsIgnoreCase("charset")) {
                String charset = param[1].strip().replace("\"", "").toLowerCase(Locale.ROOT);
                json = charset.equals("utf-8") || charset.equals("utf8");
            }
        }
        if (!json) throw new UnsupportedMediaType("Content-Type must be application/json (UTF-8)", "content-type");
    }

    private static void requireEnd(JsonParser parser) throws IOException {
        boolean trailing;
        try {
            trailing = parser.nextToken() != null;
        } catch (JsonProcessingException e) {
            trailing = true;
        }
        if (trailing) throw new BadInput("Request body has content after the JSON value", "body");
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
