package org.comfyapi.server.http;

import org.comfyapi.server.error.NotFound;

import io.javalin.http.Context;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * Serves Swagger UI from its webjar, pointed at {@code /docs/json}. Its files are cached by browsers for a
 * day (revalidated by an ETag of the webjar version) and gzipped once in memory for clients that accept it.
 */
final class SwaggerUi {
    private static final String CACHE_CONTROL = "public, max-age=86400";
    private static final String FAVICON = "favicon-32x32.png";
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>comfyui-api docs</title>
              <link rel="icon" type="image/png" href="/favicon.ico">
              <link rel="stylesheet" href="/docs/static/swagger-ui.css">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="/docs/static/swagger-ui-bundle.js"></script>
              <script>
                window.ui = SwaggerUIBundle({url: "/docs/json", dom_id: "#swagger-ui", deepLinking: true});
              </script>
            </body>
            </html>
            """;

    private final String version;
    private final String root;
    private final Map<String, byte[]> gzipped = new ConcurrentHashMap<>();

    SwaggerUi() {
        this.version = version();
        this.root = WEBJAR + version + "/";
    }

    private static String version() {
        try (InputStream in = SwaggerUi.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            Properties props = new Properties();
            if (in != null) props.load(in);
            return props.getProperty("version", "");
        } catch (IOException e) {
            return "";
        }
    }

    void page(Context ctx) {
        ctx.contentType("text/html; charset=utf-8").result(PAGE);
    }

    void asset(Context ctx) {
        serve(ctx, ctx.pathParam("file"));
    }

    void favicon(Context ctx) {
        serve(ctx, FAVICON);
    }

    private void serve(Context ctx, String name) {
        if (name.contains("..") || name.contains("/")) throw new NotFound("Not found", "path");
        InputStream in = SwaggerUi.class.getClassLoader().getResourceAsStream(root + name);
        if (in == null) throw new NotFound("Not found", "path");
        String etag = "\"" + version + "-" + name + "\"";
        ctx.header("Cache-Control", CACHE_CONTROL).header("ETag", etag).header("Vary", "Accept-Encoding");
        boolean text = name.endsWith(".js") || name.endsWith(".css");
        String type = name.endsWith(".js") ? "application/javascript"
                : name.endsWith(".css") ? "text/css" : name.endsWith(".png") ? "image/png" : "application/octet-stream";
        ctx.contentType(type);
        if (etag.equals(ctx.header("If-None-Match"))) {
            close(in);
            ctx.status(304);
            return;
        }
        String accepted = ctx.header("Accept-Encoding");
        if (text && accepted != null && accepted.contains("gzip")) {
            byte[] body = gzipped.get(name);
            if (body == null) {
                body = gzip(in);
                gzipped.put(name, body);
            } else {
                close(in);
            }
            ctx.header("Content-Encoding", "gzip").result(body);
        } else {
            ctx.result(in);
        }
    }

    private static byte[] gzip(InputStream in) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (in; GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // a classpath resource: nothing to release that matters
        }
    }
}
