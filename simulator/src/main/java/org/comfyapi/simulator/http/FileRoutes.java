package org.comfyapi.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import org.comfyapi.simulator.fs.FolderPaths;
import org.comfyapi.simulator.fs.MimeTypes;
import org.comfyapi.simulator.image.PngEncoder;
import org.comfyapi.simulator.image.WebpEncoder;
import org.comfyapi.simulator.nodes.ImageFiles;
import org.comfyapi.graph.py.PyException;
import org.comfyapi.graph.py.PyJson;
import org.comfyapi.simulator.py.PyPath;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** /upload/image, /upload/mask, /view and /internal/files. */
final class FileRoutes {
    private final FolderPaths paths;

    FileRoutes(FolderPaths paths) {
        this.paths = paths;
    }

    void upload(Context ctx, boolean mask) throws Exception {
        String type = ctx.formParam("type");
        String dirType = type == null ? "input" : type;
        String uploadDir = switch (dirType) {
            case "input" -> paths.inputDir();
            case "temp" -> paths.tempDir();
            case "output" -> paths.outputDir();
            default -> throw new PyException("UnboundLocalError", "cannot access local variable 'type_dir' where it is not associated with a value");
        };
        UploadedFile image = ctx.uploadedFile("image");
        if (image == null) {
            if (ctx.formParam("image") != null) throw new PyException("AttributeError", "'str' object has no attribute 'file'");
            Responses.empty(ctx, 400);
            return;
        }
        String filename = image.filename();
        if (filename == null || filename.isEmpty()) {
            Responses.empty(ctx, 400);
            return;
        }
        String subfolder = ctx.formParam("subfolder") == null ? "" : ctx.formParam("subfolder");
        String fullOutputFolder = PyPath.join(uploadDir, PyPath.normpath(subfolder));
        String filepath = PyPath.abspath(PyPath.join(fullOutputFolder, filename), paths.baseDir());
        if (!PyPath.commonpath(uploadDir, filepath).equals(uploadDir)) {
            Responses.empty(ctx, 400);
            return;
        }
        Files.createDirectories(Path.of(fullOutputFolder));
        byte[] content;
        try (InputStream in = image.content()) {
            content = in.readAllBytes();
        }
        String overwrite = ctx.formParam("overwrite");
        boolean duplicate = false;
        if (!("true".equals(overwrite) || "1".equals(overwrite))) {
            String[] split = PyPath.splitext(filename);
            int i = 1;
            while (Files.exists(Path.of(filepath))) {
                if (Files.isRegularFile(Path.of(filepath)) && sameHash(Path.of(filepath), content)) {
                    duplicate = true;
                    break;
                }
                filename = split[0] + " (" + i + ")" + split[1];
                filepath = PyPath.join(fullOutputFolder, filename);
                i++;
            }
        }
        if (!duplicate) {
            if (mask) saveMask(ctx, content, filepath);
            else Files.write(Path.of(filepath), content);
        }
        ObjectNode resp = PyJson.object();
        resp.put("name", filename);
        resp.put("subfolder", subfolder);
        resp.put("type", dirType);
        Responses.json(ctx, resp);
    }

    private static boolean sameHash(Path existing, byte[] content) throws Exception {
        MessageDigest a = MessageDigest.getInstance("SHA-256");
        MessageDigest b = MessageDigest.getInstance("SHA-256");
        return MessageDigest.isEqual(a.digest(Files.readAllBytes(existing)), b.digest(content));
    }

    /** The mask's alpha replaces the alpha of the referenced original image; nothing is written if it is missing. */
    private void saveMask(Context ctx, byte[] maskBytes, String filepath) throws IOException {
        JsonNode ref = PyJson.loads(ctx.formParam("original_ref") == null ? "" : ctx.formParam("original_ref"));
        FolderPaths.Annotated a = paths.annotatedFilepath(ref.path("filename").asText(""));
        String filename = a.name();
        if (filename.isEmpty() || filename.startsWith("/") || filename.contains("..")) return;
        String outputDir = a.baseDir() != null ? a.baseDir() : paths.directoryByType(ref.has("type") ? ref.get("type").asText() : "output");
        if (outputDir == null) return;
        String sub = ref.path("subfolder").asText("");
        if (!sub.isEmpty()) {
            String full = PyPath.join(outputDir, sub);
            if (!PyPath.commonpath(PyPath.abspath(full, paths.baseDir()), outputDir).equals(outputDir)) return;
            outputDir = full;
        }
        Path original = Path.of(PyPath.join(outputDir, filename));
        if (!Files.isRegularFile(original)) return;
        BufferedImage orig = ImageFiles.read(original.toString());
        BufferedImage maskImg = ImageIO.read(new java.io.ByteArrayInputStream(maskBytes));
        int w = orig.getWidth();
        int h = orig.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int alpha = 255;
                if (maskImg != null && x < maskImg.getWidth() && y < maskImg.getHeight()) {
                    alpha = maskImg.getColorModel().hasAlpha() ? maskImg.getRGB(x, y) >>> 24 : 255;
                }
                out.setRGB(x, y, (alpha << 24) | (orig.getRGB(x, y) & 0xffffff));
            }
        }
        Files.write(Path.of(filepath), PngEncoder.encode(out, true, null, 4));
    }

    void view(Context ctx) throws IOException {
        String filenameParam = ctx.queryParam("filename");
        if (filenameParam == null) {
            Responses.empty(ctx, 404);
            return;
        }
        FolderPaths.Annotated a = paths.annotatedFilepath(filenameParam);
        String filename = a.name();
        if (filename.isEmpty()) {
            Responses.empty(ctx, 400);
            return;
        }
        if (filename.charAt(0) == '/' || filename.contains("..")) {
            Responses.empty(ctx, 400);
            return;
        }
        String outputDir = a.baseDir();
        if (outputDir == null) {
            String type = ctx.queryParam("type") == null ? "output" : ctx.queryParam("type");
            outputDir = paths.directoryByType(type);
        }
        if (outputDir == null) {
            Responses.empty(ctx, 400);
            return;
        }
        String subfolder = ctx.queryParam("subfolder");
        if (subfolder != null) {
            String full = PyPath.join(outputDir, subfolder);
            if (!PyPath.commonpath(PyPath.abspath(full, paths.baseDir()), outputDir).equals(outputDir)) {
                Responses.empty(ctx, 403);
                return;
            }
            outputDir = full;
        }
        filename = PyPath.basename(filename);
        Path file = Path.of(PyPath.join(outputDir, filename));
        if (!Files.isRegularFile(file)) {
            Responses.empty(ctx, 404);
            return;
        }
        String disposition = "filename=\"" + filename + "\"";
        String channelParam = ctx.queryParam("channel");
        String preview = ctx.queryParam("preview");
        if (preview != null) {
            BufferedImage img = ImageFiles.read(file.toString());
            String[] info = preview.split(";", -1);
            String format = info[0];
            String channel = channelParam == null ? "" : channelParam;
            if (!Set.of("webp", "jpeg").contains(format) || channel.contains("a")) format = "webp";
            int quality = 90;
            String last = info[info.length - 1];
            if (!last.isEmpty() && last.chars().allMatch(Character::isDigit)) quality = Integer.parseInt(last);
            if (format.equals("jpeg") || channel.equals("rgb")) img = org.comfyapi.simulator.image.ImageOps.toRgb(img);
            byte[] body = format.equals("jpeg") ? org.comfyapi.simulator.image.Jpeg.encode(img, quality) : WebpEncoder.encode(List.of(img), 0, null);
            ctx.header("Content-Disposition", disposition);
            ctx.contentType("image/" + format);
            ctx.result(body);
            return;
        }
        String channel = channelParam == null ? "rgba" : channelParam;
        if (channel.equals("rgb") || channel.equals("a")) {
            BufferedImage img = ImageFiles.read(file.toString());
            byte[] body;
            if (channel.equals("rgb")) {
                body = PngEncoder.encode(org.comfyapi.simulator.image.ImageOps.toRgb(img), false, null, 6);
            } else {
                BufferedImage alpha = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_ARGB);
                boolean hasAlpha = img.getColorModel().hasAlpha();
                for (int y = 0; y < img.getHeight(); y++) {
                    for (int x = 0; x < img.getWidth(); x++) {
                        int av = hasAlpha ? img.getRGB(x, y) >>> 24 : 255;
                        alpha.setRGB(x, y, av << 24);
                    }
                }
                body = PngEncoder.encode(alpha, true, null, 6);
            }
            ctx.header("Content-Disposition", disposition);
            ctx.contentType("image/png");
            ctx.result(body);
            return;
        }
        String contentType = MimeTypes.guess(filename);
        if (contentType == null) contentType = "application/octet-stream";
        if (Set.of("text/html", "text/html-sandboxed", "application/xhtml+xml", "text/javascript", "text/css").contains(contentType)) {
            contentType = "application/octet-stream";
        }
        ctx.header("Content-Disposition", disposition);
        ctx.contentType(contentType);
        ctx.header("Last-Modified", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.ofInstant(Files.getLastModifiedTime(file).toInstant(), java.time.ZoneOffset.UTC)));
        ctx.result(Files.readAllBytes(file));
    }

    /** /internal/files/{type}: top-level file names, newest first. */
    void internalFiles(Context ctx) throws IOException {
        String dir = paths.directoryByType(ctx.pathParam("type"));
        if (dir == null) {
            Responses.text(ctx, 400, "Invalid directory type");
            return;
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            s.filter(Files::isRegularFile).forEach(files::add);
        }
        files.sort(Comparator.comparing((Path p) -> {
            try {
                return Files.getLastModifiedTime(p).toMillis();
            } catch (IOException e) {
                return 0L;
            }
        }).reversed());
        ArrayNode a = PyJson.array();
        files.forEach(p -> a.add(p.getFileName().toString()));
        Responses.json(ctx, a);
    }
}
