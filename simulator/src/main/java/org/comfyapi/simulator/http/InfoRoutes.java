package org.comfyapi.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import org.comfyapi.simulator.SimulatorConfig;
import org.comfyapi.simulator.fs.FolderPaths;
import org.comfyapi.simulator.nodes.NodeEnv;
import org.comfyapi.simulator.nodes.NodeRegistry;
import org.comfyapi.simulator.nodes.NodeType;
import org.comfyapi.graph.py.PyJson;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** /models, /object_info, /system_stats and /view_metadata. */
final class InfoRoutes {
    static final String COMFYUI_VERSION = "0.3.64";

    private final SimulatorConfig config;
    private final FolderPaths paths;
    private final NodeRegistry registry;
    private final NodeEnv env;

    InfoRoutes(SimulatorConfig config, FolderPaths paths, NodeRegistry registry, NodeEnv env) {
        this.config = config;
        this.paths = paths;
        this.registry = registry;
        this.env = env;
    }

    void models(Context ctx) {
        ArrayNode a = PyJson.array();
        paths.modelFolders().keySet().forEach(a::add);
        Responses.json(ctx, a);
    }

    void modelFolder(Context ctx) {
        String folder = ctx.pathParam("folder");
        if (!paths.modelFolders().containsKey(folder)) {
            Responses.empty(ctx, 404);
            return;
        }
        ArrayNode a = PyJson.array();
        paths.filenameList(folder).forEach(a::add);
        Responses.json(ctx, a);
    }

    void objectInfo(Context ctx) {
        ObjectNode out = PyJson.object();
        for (NodeType t : registry.all()) out.set(t.name(), nodeInfo(t));
        Responses.json(ctx, out);
    }

    void objectInfoOne(Context ctx) {
        ObjectNode out = PyJson.object();
        NodeType t = registry.get(ctx.pathParam("node_class"));
        if (t != null) out.set(t.name(), nodeInfo(t));
        Responses.json(ctx, out);
    }

    private ObjectNode nodeInfo(NodeType t) {
        ObjectNode info = PyJson.object();
        ObjectNode input = t.inputTypes(env);
        info.set("input", input);
        ObjectNode order = info.putObject("input_order");
        input.properties().forEach(e -> {
            ArrayNode names = order.putArray(e.getKey());
            e.getValue().fieldNames().forEachRemaining(names::add);
        });
        ArrayNode output = info.putArray("output");
        t.returnTypes().forEach(output::add);
        ArrayNode isList = info.putArray("output_is_list");
        t.outputIsList().forEach(isList::add);
        ArrayNode names = info.putArray("output_name");
        (t.returnNames() == null ? t.returnTypes() : t.returnNames()).forEach(names::add);
        if (t.v3Schema()) {
            ArrayNode tips = info.putArray("output_tooltips");
            List<String> given = t.outputTooltips();
            for (int i = 0; i < t.returnTypes().size(); i++) tips.add(given == null ? null : given.get(i));
        }
        info.put("name", t.name());
        info.put("display_name", t.displayName());
        info.put("description", t.description());
        info.put("python_module", t.pythonModule());
        info.put("category", t.category());
        info.put("output_node", t.outputNode());
        if (t.v3Schema()) {
            info.put("deprecated", false);
            info.put("experimental", false);
            info.put("api_node", false);
            return info;
        }
        List<String> tips = t.outputTooltips();
        if (tips != null) {
            ArrayNode a = info.putArray("output_tooltips");
            tips.forEach(a::add);
        }
        return info;
    }

    void systemStats(Context ctx) {
        long total;
        long free;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            total = os.getTotalMemorySize();
            free = os.getFreeMemorySize();
        } else {
            total = Runtime.getRuntime().maxMemory();
            free = Runtime.getRuntime().freeMemory();
        }
        ObjectNode out = PyJson.object();
        ObjectNode system = out.putObject("system");
        system.put("os", "posix");
        system.put("ram_total", total);
        system.put("ram_free", free);
        system.put("comfyui_version", COMFYUI_VERSION);
        system.put("required_frontend_version", "1.27.10");
        system.put("installed_templates_version", "0.1.95");
        system.put("required_templates_version", "0.1.95");
        system.put("python_version", "3.12.3 (main, Aug 14 2025, 17:47:21) [GCC 13.3.0]");
        system.put("pytorch_version", "2.8.0+cpu");
        system.put("embedded_python", false);
        ArrayNode argv = system.putArray("argv");
        config.argv().forEach(argv::add);
        ArrayNode devices = out.putArray("devices");
        ObjectNode dev = devices.addObject();
        dev.put("name", "cpu");
        dev.put("type", "cpu");
        dev.putNull("index");
        dev.put("vram_total", total);
        dev.put("vram_free", free);
        dev.put("torch_vram_total", total);
        dev.put("torch_vram_free", free);
        Responses.json(ctx, out);
    }

    void viewMetadata(Context ctx) throws IOException {
        String filename = ctx.queryParam("filename");
        if (filename == null || !filename.endsWith(".safetensors")) {
            Responses.empty(ctx, 404);
            return;
        }
        String path = paths.fullPath(ctx.pathParam("folder"), filename);
        if (path == null) {
            Responses.empty(ctx, 404);
            return;
        }
        try (RandomAccessFile f = new RandomAccessFile(path, "r")) {
            if (f.length() < 8) {
                Responses.empty(ctx, 404);
                return;
            }
            byte[] lenBytes = new byte[8];
            f.readFully(lenBytes);
            long len = 0;
            for (int i = 7; i >= 0; i--) len = (len << 8) | (lenBytes[i] & 0xff);
            if (len > 1024 * 1024 || len > f.length() - 8) {
                Responses.empty(ctx, 404);
                return;
            }
            byte[] header = new byte[(int) len];
            f.readFully(header);
            JsonNode dt = PyJson.loads(new String(header, StandardCharsets.UTF_8));
            if (!dt.has("__metadata__")) {
                Responses.empty(ctx, 404);
                return;
            }
            Responses.json(ctx, dt.get("__metadata__"));
        }
    }
}
