package org.comfyapi.simulator;

/** {@code java -jar comfyui-simulator.jar [ComfyUI main.py flags] [--step-ms N] [--slow-start-ms N] ...}. */
public final class SimulatorMain {
    private SimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        SimulatorConfig config;
        try {
            config = SimulatorConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("usage: main.py [-h] [--listen [IP]] [--port PORT] [--base-directory BASE_DIRECTORY] ...");
            System.err.println("main.py: error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Simulator sim;
        try {
            sim = Simulator.start(config);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Log.info("\nStopped server");
            sim.close();
        }, "shutdown"));
        Thread.currentThread().join();
    }
}
