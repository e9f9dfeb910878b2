package org.comfyapi.server.storage;

import org.comfyapi.server.net.HttpUrls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.config.Config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

/**
 * Puts one file into a Hugging Face Hub repository as one commit, the way the Hub's own clients do:
 * {@code POST /api/{type}s/{repo}/preupload/{rev}} asks whether the file goes inline or through
 * LFS; LFS files are offered to {@code /{repo}.git/info/lfs/objects/batch} and PUT where it says
 * (in parts when it asks for parts), then verified; finally {@code POST /api/{type}s/{repo}/commit/{rev}}
 * sends NDJSON: a header line, then one {@code file} (base64 inline) or {@code lfsFile} (sha256 oid)
 * line. Every body streams from disk, so files of any size use constant memory.
 */
final class HubCommit {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LFS_JSON = "application/vnd.git-lfs+json";
    private static final String USER_AGENT = "comfyui-api/" + Config.VERSION;
    private static final int SAMPLE_BYTES = 512;
    /** Multiple of 3, so every chunk but the last encodes without padding. */
    private static final int BASE64_CHUNK = 3 * 16 * 1024;

    private static final ReentrantLock[] BRANCH_LOCKS = IntStream.range(0, 32).mapToObj(i -> new ReentrantLock())
            .toArray(ReentrantLock[]::new);

    private final StorageSettings settings;
    private final URI endpoint;
    private final HttpClient client;

    HubCommit(StorageSettings settings, URI endpoint) {
        this.settings = settings;
        this.endpoint = endpoint;
        this.client = settings.httpClient();
    }

    private record Call(String what, String token, Cancellation cancellation) {}

    void commit(Path file, UploadTarget.HfRepo target, String pathInRepo, String token, Cancellation cancellation)
            throws UploadException {
        long size = size(file);
        String api = endpoint + "/api/" + target.repoType() + "s/" + target.repo();
        String revision = Urls.encodePathSegment(target.revision());
        Call call = new Call("hf_upload of " + pathInRepo + " to " + target.repo(), token, cancellation);

        String mode = preupload(URI.create(api + "/preupload/" + revision), file, pathInRepo, size, call);
        HttpRequest.BodyPublisher body;
        String header = line("header", JSON.createObjectNode()
                .put("summary", "Upload " + pathInRepo + " with comfyui-api").put("description", ""));
        if (mode.equals("lfs")) {
            String oid = sha256(file, cancellation);
            lfsUpload(file, target, oid, size, call);
            String lfsLine = line("lfsFile", JSON.createObjectNode()
                    .put("path", pathInRepo).put("algo", "sha256").put("oid", oid).put("size", size));
            body = HttpRequest.BodyPublishers.ofString(header + lfsLine);
        } else {
            body = inline(file, size, header, pathInRepo);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + "/commit/" + revision))
                .header("Content-Type", "application/x-ndjson");
        // outputs upload in parallel; their commits to one branch go one at a time rather than race on the Hub
        ReentrantLock branch = BRANCH_LOCKS[Math.floorMod((target.repoType() + target.repo() + "@" + target.revision()).hashCode(),
                BRANCH_LOCKS.length)];
        branch.lock();
        try {
            expectOk(send(request, "POST", body, true, call), "commit", call);
        } finally {
            branch.unlock();
        }
    }

    /** "lfs" or "regular", as the Hub decides from the file's first bytes, size and the repository's rules. */
    private String preupload(URI url, Path file, String pathInRepo, long size, Call call) throws UploadException {
        byte[] sample;
        try (InputStream in = Files.newInputStream(file)) {
            sample = in.readNBytes(SAMPLE_BYTES);
        } catch (IOException e) {
            throw new UploadException("cannot read " + file.getFileName() + ": " + Transfers.localError(e));
        }
        ObjectNode request = JSON.createObjectNode();
        request.putArray("files").addObject()
                .put("path", pathInRepo).put("sample", Base64.getEncoder().encodeToString(sample)).put("size", size);
        JsonNode answer = expectOk(send(HttpRequest.newBuilder(url).header("Content-Type", "application/json"), "POST",
                HttpRequest.BodyPublishers.ofString(request.toString()), true, call), "preupload", call);
        for (JsonNode entry : answer.path("files")) {
            if (!pathInRepo.equals(entry.path("path").asText())) continue;
            if (entry.path("shouldIgnore").asBoolean(false)) {
                throw new UploadException(call.what() + " failed: the repository's .gitignore ignores " + pathInRepo);
            }
            return entry.path("uploadMode").asText("regular");
        }
        return "regular";
    }

    private void lfsUpload(Path file, UploadTarget.HfRepo target, String oid, long size, Call call) throws UploadException {
        URI batchUrl = URI.create(endpoint + "/" + HuggingFaceStore.repoPrefix(target.repoType()) + target.repo()
                + ".git/info/lfs/objects/batch");
        ObjectNode request = JSON.createObjectNode().put("operation", "upload").put("hash_algo", "sha256");
        request.putArray("transfers").add("basic").add("multipart");
        request.putArray("objects").addObject().put("oid", oid).put("size", size);
        request.putObject("ref").put("name", target.revision());
        JsonNode batch = expectOk(send(HttpRequest.newBuilder(batchUrl).header("Content-Type", LFS_JSON).header("Accept", LFS_JSON),
                "POST", HttpRequest.BodyPublishers.ofString(request.toString()), true, call), "LFS batch", call);
        JsonNode object = batch.path("objects").path(0);
        if (object.has("error")) {
            throw new UploadException(call.what() + " failed: LFS refused the file: " + object.path("error").path("message").asText());
        }
        JsonNode upload = object.path("actions").path("upload");
        if (upload.isMissingNode()) return; // the Hub already holds these bytes
        if (upload.path("header").has("chunk_size")) {
            multipart(file, upload, oid, size, call);
        } else {
            URI href = actionUrl(upload, call);
            HttpRequest.Builder put = HttpRequest.newBuilder(href);
            headers(upload, put);
            HttpRequest.BodyPublisher body;
            try {
                body = HttpRequest.BodyPublishers.ofFile(file);
            } catch (IOException e) {
                throw new UploadException("cannot read " + file.getFileName() + ": " + Transfers.localError(e));
            }
            expectOk(send(put, "PUT", body, toHub(href), call), "LFS upload", call);
        }
        JsonNode verify = object.path("actions").path("verify");
        if (!verify.isMissingNode()) {
            URI href = actionUrl(verify, call);
            HttpRequest.Builder post = HttpRequest.newBuilder(href).header("Content-Type", LFS_JSON);
            headers(verify, post);
            String payload = JSON.createObjectNode().put("oid", oid).put("size", size).toString();
            expectOk(send(post, "POST", HttpRequest.BodyPublishers.ofString(payload), toHub(href), call), "LFS verify", call);
        }
    }

    /** Parts named by number in the action's headers, each {@code chunk_size} bytes of the file, then one completion call. */
    private void multipart(Path file, JsonNode upload, String oid, long size, Call call) throws UploadException {
        long chunk = upload.path("header").path("chunk_size").asLong();
        Map<Integer, URI> parts = new TreeMap<>();
        upload.path("header").properties().forEach(entry -> {
            if (entry.getKey().matches("\\d+")) parts.put(Integer.parseInt(entry.getKey()), URI.create(entry.getValue().asText()));
        });
        if (chunk <= 0 || parts.isEmpty() || (size + chunk - 1) / chunk != parts.size()) {
            throw new UploadException(call.what() + " failed: the Hub's multipart instructions do not fit the file");
        }
        ArrayNode done = JSON.createArrayNode();
        for (Map.Entry<Integer, URI> part : parts.entrySet()) {
            long offset = (part.getKey() - 1L) * chunk;
            long length = Math.min(chunk, size - offset);
            HttpRequest.BodyPublisher slice = HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(() -> slice(file, offset, length)), length);
            HttpResponse<byte[]> answer = send(HttpRequest.newBuilder(part.getValue()), "PUT", slice, false, call);
            expectOk(answer, "LFS part " + part.getKey(), call);
            String etag = answer.headers().firstValue("etag")
                    .orElseThrow(() -> new UploadException(call.what() + " failed: no ETag for LFS part " + part.getKey()));
            done.addObject().put("partNumber", part.getKey()).put("etag", etag);
        }
        ObjectNode completion = JSON.createObjectNode().put("oid", oid);
        completion.set("parts", done);
        URI target = actionUrl(upload, call);
        HttpRequest.Builder post = HttpRequest.newBuilder(target).header("Content-Type", LFS_JSON).header("Accept", LFS_JSON);
        expectOk(send(post, "POST", HttpRequest.BodyPublishers.ofString(completion.toString()), toHub(target), call),
                "LFS completion", call);
    }

    private static InputStream slice(Path file, long offset, long length) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ).position(offset);
            return new InputStream() {
                private final InputStream in = Channels.newInputStream(channel);
                private long left = length;

                @Override public int read() throws IOException {
                    if (left <= 0) return -1;
                    int b = in.read();
                    if (b >= 0) left--;
                    return b;
                }

                @Override public int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) return -1;
                    int n = in.read(b, off, (int) Math.min(len, left));
                    if (n > 0) left -= n;
                    return n;
                }

                @Override public void close() throws IOException {
                    in.close();
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The commit body with the file base64-encoded as it is sent: {@code header}, then the file line. */
    private static HttpRequest.BodyPublisher inline(Path file, long size, String header, String pathInRepo) {
        String open = header + "{\"key\":\"file\",\"value\":{\"path\":" + quote(pathInRepo) + ",\"encoding\":\"base64\",\"content\":\"";
        byte[] head = open.getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}}\n".getBytes(StandardCharsets.UTF_8);
        long length = head.length + 4 * ((size + 2) / 3) + tail.length;
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                InputStream encoded = new Base64Input(Files.newInputStream(file));
                return new SequenceInputStream(new SequenceInputStream(new ByteArrayInputStream(head), encoded),
                        new ByteArrayInputStream(tail));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), length);
    }

    /** Base64 of a stream, encoded chunk by chunk as it is read. */
    private static final class Base64Input extends InputStream {
        private final InputStream in;
        private byte[] out = new byte[0];
        private int pos;

        Base64Input(InputStream in) {
            this.in = in;
        }

        @Override public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            if (pos == out.length) {
                byte[] raw = in.readNBytes(BASE64_CHUNK);
                if (raw.length == 0) return -1;
                out = Base64.getEncoder().encode(raw);
                pos = 0;
            }
            int n = Math.min(len, out.length - pos);
            System.arraycopy(out, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override public void close() throws IOException {
            in.close();
        }
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request, String method, HttpRequest.BodyPublisher body,
                                      boolean withToken, Call call) throws UploadException {
        AtomicReference<CompletableFuture<?>> pending = new AtomicReference<>(CompletableFuture.completedFuture(null));
        try (Watchdog.Ticket ticket = Watchdog.watch(settings.readTimeout(), () -> pending.get().cancel(true))) {
            request.method(method, new ProgressPublisher(body, ticket::progress)).header("User-Agent", USER_AGENT);
            if (withToken) request.header("Authorization", "Bearer " + call.token());
            HttpRequest built = request.build();
            CompletableFuture<HttpResponse<byte[]>> response = client.sendAsync(built, HttpResponse.BodyHandlers.ofByteArray());
            pending.set(response);
            call.cancellation().onCancel(() -> response.cancel(true));
            try {
                return response.get();
            } catch (CancellationException | ExecutionException e) {
                if (call.cancellation().cancelled()) throw new UploadException(call.what() + " " + call.cancellation().reason());
                if (ticket.fired()) {
                    throw new UploadException(call.what() + " timed out: no progress for " + Transfers.seconds(settings.readTimeout()));
                }
                Throwable cause = e.getCause() == null ? e : e.getCause();
                String why = NetworkErrors.describe(cause, built.uri(), settings.proxy().proxyFor(built.uri()))
                        .map(NetworkErrors.Described::message)
                        .orElseGet(() -> String.valueOf(cause.getMessage()));
                throw new UploadException(call.what() + " failed: " + why);
            } catch (InterruptedException e) {
                response.cancel(true);
                Thread.currentThread().interrupt();
                throw new UploadException(call.what() + " interrupted");
            }
        }
    }

    /** The JSON answer of a 2xx, or an exception quoting the Hub's own error. */
    private static JsonNode expectOk(HttpResponse<byte[]> response, String step, Call call) throws UploadException {
        String text = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() < 200 || response.statusCode() > 299) {
            String why = "";
            try {
                why = JSON.readTree(text).path("error").asText("");
            } catch (IOException ignored) {
                // not JSON: the status says enough
            }
            if (why.length() > 300) why = why.substring(0, 300) + "...";
            throw new UploadException(call.what() + " failed: HTTP " + response.statusCode() + " from " + step
                    + (why.isEmpty() ? "" : ": " + why));
        }
        try {
            return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static URI actionUrl(JsonNode action, Call call) throws UploadException {
        return HttpUrls.parse(action.path("href").asText())
                .orElseThrow(() -> new UploadException(call.what() + " failed: the Hub gave no valid LFS URL"));
    }

    /** An action's headers, except the multipart instructions that share the map. */
    private static void headers(JsonNode action, HttpRequest.Builder request) {
        action.path("header").properties().forEach(entry -> {
            if (!entry.getKey().equals("chunk_size") && !entry.getKey().matches("\\d+")) {
                request.header(entry.getKey(), entry.getValue().asText());
            }
        });
    }

    /** The token only ever goes to the Hub itself, never to the storage its LFS actions point at. */
    private boolean toHub(URI url) {
        return Urls.sameOrigin(url, endpoint);
    }

    private static String line(String key, ObjectNode value) {
        ObjectNode line = JSON.createObjectNode().put("key", key);
        line.set("value", value);
        return line + "\n";
    }

    private static String quote(String text) {
        return JSON.getNodeFactory().textNode(text).toString();
    }

    private static long size(Path file) throws UploadException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UploadException("cannot read " + file.getFileName() + ": " + Transfers.localError(e));
        }
    }

    private static String sha256(Path file, Cancellation cancellation) throws UploadException {
        try (InputStream in = cancellation.guard(Files.newInputStream(file))) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UploadException("cannot read " + file.getFileName() + ": " + Transfers.localError(e));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
