package org.comfyapi.server;

import org.comfyapi.server.config.Config;
import org.comfyapi.server.config.ConfigurationTable;

import java.io.PrintStream;
import java.util.List;
import java.util.OptionalInt;

/** The few command-line options: {@code --help} and {@code --version} answer and exit; the rest is environment. */
final class CommandLine {
    static final String USAGE = """
            Usage: java --sun-misc-unsafe-memory-access=allow -jar comfyui-api.jar [--help | --version]

            Starts ComfyUI (CMD, in COMFY_HOME) and serves its HTTP API on HOST:PORT.
            Configuration is read from environment variables:
            """;

    private CommandLine() {
    }

    /** An exit code when the arguments were fully handled here, or empty when the server should start. */
    static OptionalInt handle(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) return OptionalInt.empty();
        switch (args.getFirst()) {
            case "--help", "-h" -> {
                out.print(USAGE);
                out.println();
                out.print(ConfigurationTable.text());
                return OptionalInt.of(0);
            }
            case "--version", "-V" -> {
                out.println("comfyui-api " + Config.VERSION);
                return OptionalInt.of(0);
            }
            default -> {
                err.println("Unknown option: " + args.getFirst());
                err.print(USAGE.lines().findFirst().orElseThrow());
                err.println();
                return OptionalInt.of(2);
            }
        }
    }
}
