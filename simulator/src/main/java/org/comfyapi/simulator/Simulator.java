package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import org.comfyapi.graph.py.PyJson;
import org.comfyapi.simulator.exec.InterruptFlag;
import org.comfyapi.simulator.exec.PromptExecutor;
import org.comfyapi.simulator.exec.PromptWorker;
import org.comfyapi.simulator.exec.ServerState;
import org.comfyapi.simulator.fs.FolderPaths;
import org.comfyapi.simulator.http.HttpApi;
import org.comfyapi.simulator.nodes.NodeEnv;
import org.comfyapi.simulator.nodes.NodeRegistry;
import org.comfyapi.simulator.queue.PromptQueue;
import org.comfyapi.simulator.ws.WsHub;
import org.eclipse.jetty.server.ServerConnector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One running ComfyUI stand-in: HTTP + websocket server, prompt queue and worker thread. */
public final class Simulator implements AutoCloseable {
    private final SimulatorConfig config;
    private final FolderPaths paths;
    private final WsHub hub;
    private final PromptWorker worker;
    private final Thread workerThread;
    private final Javalin app;
    private volatile boolean closed;

    private Simulator(SimulatorConfig config) {
        this.config = config;
        this.paths = new FolderPaths(config.baseDir(), config.inputDir(), config.outputDir(), config.tempDir());
        paths.wipeTemp();
        paths.createDirectories();
        NodeRegistry registry = NodeRegistry.standard();
        NodeEnv env = new NodeEnv(paths, config.stepMs(), config.disableMetadata(), config.hangOnPrompt(),
                config.previewMethod(), config.previewSize(), config.nodeMs());
        ServerState state = new ServerState();
        InterruptFlag interrupt = new InterruptFlag();
        HttpApi[] api = new HttpApi[1];
        PromptQueue[] queueRef = new PromptQueue[1];
        this.hub = new WsHub(new WsHub.ConnectState() {
            public com.fasterxml.jackson.databind.node.ObjectNode queueInfo() {
                return api[0].queueInfo();
            }

            public String currentClientId() {
                return state.clientId();
            }

            public String lastNodeId() {
                return state.lastNodeId();
            }
        }, () -> api[0].serverFeatures());
        PromptQueue queue = new PromptQueue(() -> {
            ObjectNode data = PyJson.object();
            data.set("status", api[0].queueInfo());
            hub.send("status", data, null);
        });
        queueRef[0] = queue;
        api[0] = new HttpApi(config, paths, registry, env, queue, hub, interrupt);
        PromptExecutor executor = new PromptExecutor(registry, env, hub, interrupt, state);
        this.worker = new PromptWorker(queue, executor, hub, state, config.crashOnPrompt());
        this.workerThread = new Thread(worker, "prompt_worker");
        workerThread.setDaemon(true);
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = Long.MAX_VALUE;
            cfg.router.ignoreTrailingSlashes = false;
            cfg.http.prefer405over404 = true;
            cfg.jetty.modifyWebSocketServletFactory(f -> {
                f.setIdleTimeout(Duration.ofDays(3650));
                f.setMaxTextMessageSize(64L * 1024 * 1024);
                f.setMaxBinaryMessageSize(64L * 1024 * 1024);
            });
            cfg.jetty.multipartConfig.maxFileSize(Long.MAX_VALUE / 2, io.javalin.config.SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxTotalRequestSize(Long.MAX_VALUE / 2, io.javalin.config.SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxInMemoryFileSize(16, io.javalin.config.SizeUnit.MB);
            for (String extra : extraHosts()) {
                cfg.jetty.addConnector((server, httpConfig) -> {
                    ServerConnector c = new ServerConnector(server);
                    c.setHost(extra);
                    c.setPort(config.port());
                    return c;
                });
            }
            api[0].configure(cfg);
        });
    }

    private List<String> hosts() {
        Set<String> h = new LinkedHashSet<>(config.listen());
        // Java's "::" socket is dual-stack, so binding 0.0.0.0 as well would collide.
        if (h.contains("::")) h.remove("0.0.0.0");
        return new ArrayList<>(h);
    }

    private List<String> extraHosts() {
        List<String> h = hosts();
        return h.subList(1, h.size());
    }

    public static Simulator start(SimulatorConfig config) throws InterruptedException {
        for (String w : config.warnings()) Log.warn(w);
        Log.info("Checkpoint files will always be loaded safely.");
        Log.info("Total VRAM " + (Runtime.getRuntime().maxMemory() >> 20) + " MB, total RAM " + (Runtime.getRuntime().maxMemory() >> 20) + " MB");
        Log.info("pytorch version: 2.8.0+cpu");
        Log.info("Set vram state to: DISABLED");
        Log.info("Device: cpu");
        Log.info("Python version: 3.12.3 (main, Aug 14 2025, 17:47:21) [GCC 13.3.0]");
        Log.info("ComfyUI version: 0.3.64");
        Log.info("ComfyUI frontend version: 1.27.10");
        Simulator s = new Simulator(config);
        s.workerThread.start();
        Log.info("Import times for custom nodes:");
        Log.info("   0.0 seconds: " + s.paths.baseDir() + "/custom_nodes/comfyui_simulator.py");
        Log.info("");
        if (config.slowStartMs() > 0) Thread.sleep(config.slowStartMs());
        try {
            s.app.start(s.hosts().getFirst(), config.port());
        } catch (RuntimeException e) {
            s.close();
            String host = s.hosts().getFirst();
            throw new IllegalStateException("OSError: [Errno 98] error while attempting to bind on address ('" + host + "', "
                    + config.port() + "): address already in use", e);
        }
        Log.info("Starting server\n");
        if (!config.dontPrintServer()) {
            for (String addr : config.listen()) {
                String shown = addr.contains(":") ? "[" + addr + "]" : addr;
                Log.info("To see the GUI go to: http://" + shown + ":" + s.port());
            }
        }
        return s;
    }

    public int port() {
        return app.port();
    }

    /** How many websocket client ids are registered (a socket that reuses an id replaces the older one). */
    public int webSocketCount() {
        return hub.openCount();
    }

    public FolderPaths paths() {
        return paths;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        worker.stop();
        try {
            app.stop();
        } catch (RuntimeException ignored) {
            // stopping a half-started server
        }
        hub.close();
        paths.wipeTemp();
    }
}
