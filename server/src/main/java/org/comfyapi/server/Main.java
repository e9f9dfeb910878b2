package org.comfyapi.server;

import org.comfyapi.server.config.Config;
import org.comfyapi.server.config.ConfigException;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.storage.StorageSettings;

import java.util.List;
import java.util.OptionalInt;

/** Entry point: read the environment, start, and stop ComfyUI with us on SIGTERM/SIGINT. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        OptionalInt handled = CommandLine.handle(List.of(args), System.out, System.err);
        if (handled.isPresent()) {
            System.exit(handled.getAsInt());
            return;
        }
        Config config;
        StorageSettings storage;
        try {
            config = Config.load(System.getenv());
            storage = StorageSettings.fromEnv(System.getenv());
        } catch (ConfigException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        Log.configure(config.log().level(), config.log().json());
        Log log = Log.get("main");
        App app = new App(config, storage, code -> {
            log.error("exiting", "code", code);
            System.exit(code);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
        StopSignals.install(() -> {
            try {
                app.drain();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.info("exiting", "code", 0);
            System.exit(0);
        });
        try {
            app.start();
        } catch (ConfigException e) {
            log.error("Invalid configuration: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            log.error("start-up failed: " + e.getMessage());
            System.exit(1);
        }
    }
}
