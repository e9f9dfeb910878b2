package org.comfyapi.server.comfy;

import org.comfyapi.server.log.Log;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One launch of ComfyUI as a child process, with its output copied into our log. */
public final class ComfyProcess {
    private static final Log LOG = Log.get("comfyui");

    private final Process process;

    private ComfyProcess(Process process) {
        this.process = process;
    }

    public static ComfyProcess launch(List<String> command, Path workingDir) {
        if (!Files.isDirectory(workingDir)) {
            throw new ComfyUnavailableException("COMFY_HOME " + workingDir + " is not a directory");
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true);
        try {
            Process process = builder.start();
            LOG.info("launched ComfyUI", "pid", process.pid(), "cmd", String.join(" ", command));
            Thread.ofVirtual().name("comfyui-output").start(() -> pump(process));
            return new ComfyProcess(process);
        } catch (IOException e) {
            throw new ComfyUnavailableException("cannot launch CMD \"" + String.join(" ", command) + "\": " + e.getMessage(), e);
        }
    }

    private static void pump(Process process) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                LOG.info(line);
            }
        } catch (IOException ignored) {
            // the stream closes when the process dies
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    public int exitCode() {
        return process.exitValue();
    }

    /** Stops ComfyUI and everything it started: TERM first, KILL after the grace period. */
    public void stop(Duration grace) {
        List<ProcessHandle> tree = process.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("ComfyUI did not stop in time; killing it", "pid", process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
