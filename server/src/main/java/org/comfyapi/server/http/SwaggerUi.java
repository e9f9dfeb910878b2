package org.comfyapi.server.http;

import org.comfyapi.server.error.NotFound;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Serves Swagger UI from its webjar, pointed at {@code /docs/json}. */
final class SwaggerUi {
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>comfyui-api docs</title>
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

    private final String root;

    SwaggerUi() {
        this.root = WEBJAR + version() + "/";
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
        String name = ctx.pathParam("file");
        if (name.contains("..") || name.contains("/")) throw new NotFound("Not found", "path");
        InputStream in = SwaggerUi.class.getClassLoader().getResourceAsStream(root + name);
        if (in == null) throw new NotFound("Not found", "path");
        String type = name.endsWith(".js") ? "application/javascript"
                : name.endsWith(".css") ? "text/css" : name.endsWith(".png") ? "image/png" : "application/octet-stream";
        ctx.contentType(type).result(in);
    }
}
