package org.comfyapi.server.workflow;

import org.comfyapi.server.log.Log;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.io.IOAccess;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The one GraalJS engine of the process and the bundled scripts. Contexts made here share the engine,
 * so a script parsed in one context (zod, a workflow file) is not parsed again in the next.
 */
final class JsEngine {
    private static final String ZOD_PROPERTIES = "/META-INF/maven/org.webjars.npm/zod/pom.properties";

    private JsEngine() {
    }

    private static final class Shared {
        static final Engine ENGINE = Engine.newBuilder("js")
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        static final Source RUNTIME = resource("/js/workflow-runtime.js", "workflow-runtime.js");
        static final Source ZOD = resource(zodPath(), "zod.js");
        static final Source ZOD_TO_JSON_SCHEMA = resource("/js/zod-to-json-schema.js", "zod-to-json-schema.js");
    }

    private static final class Sucrase {
        static final Source SOURCE = Source.newBuilder("js", read("/js/sucrase.js"), "sucrase.js").buildLiteral();
    }

    static Context newContext() {
        return Context.newBuilder("js")
                .engine(Shared.ENGINE)
                .allowHostAccess(HostAccess.NONE)
                .allowIO(IOAccess.NONE)
                .allowCreateThread(false)
                .option("js.load", "false")
                .out(new ConsoleLog(Log.Level.INFO))
                .err(new ConsoleLog(Log.Level.WARN))
                .build();
    }

    static Source runtime() {
        return Shared.RUNTIME;
    }

    /** A bundled CommonJS module that workflow code may require. */
    static Source builtin(String name) {
        return switch (name) {
            case "zod" -> Shared.ZOD;
            case "zod-to-json-schema" -> Shared.ZOD_TO_JSON_SCHEMA;
            default -> throw new IllegalArgumentException("no bundled module " + name);
        };
    }

    static Source sucrase() {
        return Sucrase.SOURCE;
    }

    /** Wraps CommonJS code in the module function, keeping its line numbers. */
    static Source commonJs(String code, String name) {
        return Source.newBuilder("js", "(function (exports, require, module, __filename, __dirname) {" + code + "\n})", name)
                .buildLiteral();
    }

    private static Source resource(String path, String name) {
        return path.endsWith("workflow-runtime.js")
                ? Source.newBuilder("js", read(path), name).buildLiteral()
                : commonJs(read(path), name);
    }

    private static String zodPath() {
        Properties properties = new Properties();
        try (InputStream in = JsEngine.class.getResourceAsStream(ZOD_PROPERTIES)) {
            if (in == null) throw new IllegalStateException("the zod webjar is not on the class path");
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "/META-INF/resources/webjars/zod/" + properties.getProperty("version") + "/lib/index.umd.js";
    }

    private static String read(String path) {
        try (InputStream in = JsEngine.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing resource " + path + " (built by src/build/bundle-js.xml)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
