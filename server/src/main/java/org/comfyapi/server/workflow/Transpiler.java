package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.comfyapi.server.json.Json;

import java.util.List;

/**
 * Turns a workflow file into CommonJS with sucrase, in memory: TypeScript loses its types, and ES
 * module syntax (in .ts and .js files alike) becomes require/exports. Single-threaded; used while loading.
 */
final class Transpiler implements AutoCloseable {
    private final TranspileCache cache;
    private Context context;
    private Value transform;

    Transpiler() {
        this(TranspileCache.NONE);
    }

    Transpiler(TranspileCache cache) {
        this.cache = cache;
    }

    String toCommonJs(String code, String fileName) throws WorkflowLoadException {
        String key = TranspileCache.key(fileName.endsWith(".ts") ? "typescript,imports" : "imports", code);
        var cached = cache.get(key);
        if (cached.isPresent()) return cached.get();
        String commonJs = transpile(code, fileName);
        cache.put(key, commonJs);
        return commonJs;
    }

    private String transpile(String code, String fileName) throws WorkflowLoadException {
        ObjectNode options = Json.MAPPER.createObjectNode();
        options.putArray("transforms").addAll(fileName.endsWith(".ts")
                ? List.of(TextNode.valueOf("typescript"), TextNode.valueOf("imports"))
                : List.of(TextNode.valueOf("imports")));
        options.put("filePath", fileName);
        // GraalJS runs current JavaScript: leave optional chaining, ?? and class fields as written.
        options.put("disableESTransforms", true);
        try {
            return transform().execute(code, options.toString()).asString();
        } catch (PolyglotException e) {
            if (e.isInternalError() || e.isCancelled() || e.isResourceExhausted()) throw e;
            throw new WorkflowLoadException("cannot transpile: " + e.getMessage());
        }
    }

    private Value transform() {
        if (context == null) {
            context = JsEngine.newContext();
            context.eval(JsEngine.sucrase());
            transform = context.eval("js",
                    "(function (code, options) { return Sucrase.transform(code, JSON.parse(options)).code; })");
        }
        return transform;
    }

    @Override
    public void close() {
        if (context != null) context.close();
    }
}
