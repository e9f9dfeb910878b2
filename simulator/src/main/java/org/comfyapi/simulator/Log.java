package org.comfyapi.simulator;

import java.io.PrintStream;

/** Console output in ComfyUI's style; tests may silence it. */
public final class Log {
    private static volatile PrintStream out = System.out;

    private Log() {
    }

    public static void to(PrintStream stream) {
        out = stream;
    }

    public static void info(String line) {
        PrintStream o = out;
        if (o != null) {
            o.println(line);
            o.flush();
        }
    }

    public static void warn(String line) {
        info(line);
    }
}
