package org.comfyapi.server;

import org.comfyapi.server.log.Log;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.concurrent.atomic.AtomicBoolean;

/** SIGTERM and SIGINT start a graceful drain instead of the JVM's immediate exit; a second one exits at once. */
final class StopSignals {
    private static final Log LOG = Log.get("main");

    private StopSignals() {
    }

    static void install(Runnable drainThenExit) {
        AtomicBoolean draining = new AtomicBoolean();
        SignalHandler handler = signal -> {
            if (draining.compareAndSet(false, true)) {
                LOG.info("received SIG" + signal.getName() + "; draining");
                Thread.ofPlatform().name("drain").start(drainThenExit);
            } else {
                LOG.warn("received SIG" + signal.getName() + " again; exiting without waiting");
                System.exit(1);
            }
        };
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
    }
}
