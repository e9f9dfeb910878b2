package org.comfyapi.server.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback Hugging Face Hub that speaks the upload API the way the real one does: preupload,
 * the LFS batch API (basic and multipart), verify, and the NDJSON commit. It checks the bearer
 * token on Hub calls, that the token never reaches LFS storage URLs, and the NDJSON shape; it keeps
 * committed files and serves them back at their {@code resolve} URLs. Repositories under
 * {@code denied/} refuse commits with 403.
 */
public final class FakeHub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern API = Pattern.compile("/api/(model|dataset|space)s/(.+)/(preupload|commit)/([^/]+)");
    private static final Pattern BATCH = Pattern.compile("/(datasets/|spaces/)?(.+)\\.git/info/lfs/objects/batch");
    private static final Pattern RESOLVE = Pattern.compile("/(datasets/|spaces/)?(.+?/.+?)/resolve/([^/]+)/(.+)");

    /** A commit as received: repo type, repo, revision (decoded), the header summary and the file's path. */
    public record Commit(String repoType, String repo, String revision, String summary, String path, String kind) {}

    public final List<Commit> commits = new CopyOnWriteArrayList<>();
    /** Every request as "METHOD /path", in order. */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** Files by "type:repo@revision/path". */
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, byte[]> lfs = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, byte[]>> parts = new ConcurrentHashMap<>();
    private final HttpServer server;
    private final String token;
    private final long multipartAbove;
    private final int chunkSize;

    /** LFS objects larger than {@code multipartAbove} bytes go up in {@code chunkSize} parts. */
    public FakeHub(String token, long multipartAbove, int chunkSize) throws IOException {
        this.token = token;
        this.multipartAbove = multipartAbove;
        this.chunkSize = chunkSize;
        server = HttpServer.create(new InetSocketAddress(0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
                handle(exchange);
            } catch (RuntimeException e) {
                send(exchange, 500, JSON.createObjectNode().put("error", String.valueOf(e)));
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Where LFS bytes go: another origin than the Hub, as S3 is for the real one, so the token must not follow. */
    private String storage() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** The committed bytes of {@code path}, or null. */
    public byte[] file(String repoType, String repo, String revision, String path) {
        return files.get(repoType + ":" + repo + "@" + revision + "/" + path);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        byte[] body = exchange.getRequestBody().readAllBytes();
        Matcher m;
        if (method.equals("POST") && (m = API.matcher(path)).matches()) {
            if (!authorized(exchange)) return;
            if (m.group(2).startsWith("denied/")) {
                send(exchange, 403, JSON.createObjectNode().put("error", "You don't have the rights to create a commit on " + m.group(2)));
                return;
            }
            String revision = URLDecoder.decode(m.group(4), StandardCharsets.UTF_8);
            if (m.group(3).equals("preupload")) preupload(exchange, body);
            else commit(exchange, m.group(1), m.group(2), revision, body);
        } else if (method.equals("POST") && BATCH.matcher(path).matches()) {
            if (!authorized(exchange)) return;
            if (!"application/vnd.git-lfs+json".equals(exchange.getRequestHeaders().getFirst("Accept"))) {
                send(exchange, 406, JSON.createObjectNode().put("error", "Accept must be application/vnd.git-lfs+json"));
                return;
            }
            batch(exchange, JSON.readTree(body));
        } else if (path.startsWith("/lfs/") || path.startsWith("/lfs-part/") || path.startsWith("/lfs-complete/")) {
            if (!path.startsWith("/lfs-complete/") && exchange.getRequestHeaders().containsKey("Authorization")) {
                send(exchange, 400, JSON.createObjectNode().put("error", "the Hub token leaked to LFS storage"));
                return;
            }
            storage(exchange, method, path, body);
        } else if (method.equals("POST") && path.equals("/lfs-verify")) {
            JsonNode request = JSON.readTree(body);
            byte[] blob = lfs.get(request.path("oid").asText());
            boolean ok = blob != null && blob.length == request.path("size").asLong()
                    && "v".equals(exchange.getRequestHeaders().getFirst("X-Verify"));
            send(exchange, ok ? 200 : 404, JSON.createObjectNode().put("error", ok ? "" : "object not found"));
        } else if (method.equals("GET") && (m = RESOLVE.matcher(path)).matches()) {
            String type = m.group(1) == null ? "model" : m.group(1).startsWith("datasets") ? "dataset" : "space";
            byte[] file = file(type, m.group(2), URLDecoder.decode(m.group(3), StandardCharsets.UTF_8),
                    URLDecoder.decode(m.group(4), StandardCharsets.UTF_8));
            sendBytes(exchange, file == null ? 404 : 200, file == null ? new byte[0] : file);
        } else {
            send(exchange, 404, JSON.createObjectNode().put("error", "no route " + method + " " + path));
        }
    }

    private boolean authorized(HttpExchange exchange) throws IOException {
        if (("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) return true;
        send(exchange, 401, JSON.createObjectNode().put("error", "Invalid credentials in Authorization header"));
        return false;
    }

    /** Text goes inline, everything else through LFS, as a repository's default .gitattributes would say. */
    private void preupload(HttpExchange exchange, byte[] body) throws IOException {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode out = answer.putArray("files");
        for (JsonNode file : JSON.readTree(body).path("files")) {
            String path = file.path("path").asText();
            if (file.path("sample").isMissingNode() || !file.path("size").isNumber()) {
                send(exchange, 400, JSON.createObjectNode().put("error", "sample and size are required"));
                return;
            }
            boolean text = path.endsWith(".txt") || path.endsWith(".json");
            out.addObject().put("path", path).put("uploadMode", text ? "regular" : "lfs").put("shouldIgnore", false);
        }
        send(exchange, 200, answer);
    }

    private void batch(HttpExchange exchange, JsonNode request) throws IOException {
        ObjectNode answer = JSON.createObjectNode().put("transfer", "basic");
        ArrayNode objects = answer.putArray("objects");
        for (JsonNode object : request.path("objects")) {
            String oid = object.path("oid").asText();
            long size = object.path("size").asLong();
            ObjectNode out = objects.addObject().put("oid", oid).put("size", size);
            if (lfs.containsKey(oid)) continue;
            ObjectNode actions = out.putObject("actions");
            if (size > multipartAbove) {
                ObjectNode upload = actions.putObject("upload").put("href", endpoint() + "/lfs-complete/" + oid);
                ObjectNode header = upload.putObject("header").put("chunk_size", String.valueOf(chunkSize));
                for (int i = 1; i <= (size + chunkSize - 1) / chunkSize; i++) {
                    header.put(String.format("%05d", i), storage() + "/lfs-part/" + oid + "/" + i);
                }
            } else {
                actions.putObject("upload").put("href", storage() + "/lfs/" + oid).putObject("header").put("X-Lfs-Key", "k1");
                actions.putObject("verify").put("href", endpoint() + "/lfs-verify").putObject("header").put("X-Verify", "v");
            }
        }
        send(exchange, 200, answer);
    }

    private void storage(HttpExchange exchange, String method, String path, byte[] body) throws IOException {
        String[] segments = path.split("/");
        String oid = segments[2];
        if (method.equals("PUT") && path.startsWith("/lfs/")) {
            if (!"k1".equals(exchange.getRequestHeaders().getFirst("X-Lfs-Key")) || !sha256(body).equals(oid)) {
                send(exchange, 400, JSON.createObjectNode().put("error", "bad LFS upload"));
                return;
            }
            lfs.put(oid, body);
            sendBytes(exchange, 200, new byte[0]);
        } else if (method.equals("PUT") && path.startsWith("/lfs-part/")) {
            int part = Integer.parseInt(segments[3]);
            parts.computeIfAbsent(oid, k -> new ConcurrentHashMap<>()).put(part, body);
            exchange.getResponseHeaders().set("ETag", "\"etag-" + part + "\"");
            sendBytes(exchange, 200, new byte[0]);
        } else if (method.equals("POST") && path.startsWith("/lfs-complete/")) {
            Map<Integer, byte[]> received = new TreeMap<>(parts.getOrDefault(oid, Map.of()));
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            int expected = 1;
            for (JsonNode part : JSON.readTree(body).path("parts")) {
                int number = part.path("partNumber").asInt();
                if (number != expected++ || !part.path("etag").asText().equals("\"etag-" + number + "\"") || !received.containsKey(number)) {
                    send(exchange, 400, JSON.createObjectNode().put("error", "bad part list"));
                    return;
                }
                whole.write(received.get(number));
            }
            if (!sha256(whole.toByteArray()).equals(oid)) {
                send(exchange, 400, JSON.createObjectNode().put("error", "assembled object does not match its oid"));
                return;
            }
            lfs.put(oid, whole.toByteArray());
            sendBytes(exchange, 200, new byte[0]);
        } else {
            send(exchange, 405, JSON.createObjectNode().put("error", "method not allowed"));
        }
    }

    private void commit(HttpExchange exchange, String type, String repo, String revision, byte[] body) throws IOException {
        if (!"application/x-ndjson".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
            send(exchange, 400, JSON.createObjectNode().put("error", "Content-Type must be application/x-ndjson"));
            return;
        }
        String[] lines = new String(body, StandardCharsets.UTF_8).split("\n");
        JsonNode header = JSON.readTree(lines[0]);
        if (!header.path("key").asText().equals("header") || header.path("value").path("summary").asText().isEmpty()) {
            send(exchange, 400, JSON.createObjectNode().put("error", "the first line must be the header with a summary"));
            return;
        }
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            JsonNode line = JSON.readTree(lines[i]);
            JsonNode value = line.path("value");
            String path = value.path("path").asText();
            byte[] content;
            switch (line.path("key").asText()) {
                case "file" -> {
                    if (!value.path("encoding").asText().equals("base64")) {
                        send(exchange, 400, JSON.createObjectNode().put("error", "encoding must be base64"));
                        return;
                    }
                    content = Base64.getDecoder().decode(value.path("content").asText());
                }
                case "lfsFile" -> {
                    content = lfs.get(value.path("oid").asText());
                    if (content == null || !value.path("algo").asText().equals("sha256") || content.length != value.path("size").asLong()) {
                        send(exchange, 400, JSON.createObjectNode().put("error", "LFS object missing or wrong: " + path));
                        return;
                    }
                }
                default -> {
                    send(exchange, 400, JSON.createObjectNode().put("error", "unknown key " + line.path("key").asText()));
                    return;
                }
            }
            files.put(type + ":" + repo + "@" + revision + "/" + path, content);
            commits.add(new Commit(type, repo, revision, header.path("value").path("summary").asText(), path, line.path("key").asText()));
        }
        send(exchange, 200, JSON.createObjectNode().put("commitUrl", endpoint() + "/" + repo + "/commit/abc").put("commitOid", "abc"));
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        sendBytes(exchange, status, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void sendBytes(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
