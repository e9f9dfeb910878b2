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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One launch of ComfyUI (or the wrapper script that starts it) as the leader of its own process group,
 * with its output copied into our log. Stopping it stops the whole group, orphans included.
 */
public final class ComfyProcess {
    private static final Log LOG = Log.get("comfyui");

    private final Process process;
    private final Optional<ProcessGroup> group;
    private final long startedAt = System.nanoTime();

    private ComfyProcess(Process process, Optional<ProcessGroup> group) {
        this.process = process;
        this.group = group;
    }

    public static ComfyProcess launch(List<String> command, Path workingDir) {
        if (!Files.isDirectory(workingDir)) {
            throw new ComfyUnavailableException("COMFY_HOME " + workingDir + " is not a directory");
        }
        List<String> launched = ProcessGroup.leading(command);
        ProcessBuilder builder = new ProcessBuilder(launched).directory(workingDir.toFile()).redirectErrorStream(true);
        try {
            Process process = builder.start();
            // setsid runs in place (our child is no group leader), so the group id is the child's pid
            Optional<ProcessGroup> group = ProcessGroup.supported(launched)
                    ? Optional.of(new ProcessGroup(process.pid())) : Optional.empty();
            if (group.isEmpty()) LOG.warn("setsid is not available; processes ComfyUI leaves behind may survive it");
            LOG.info("launched ComfyUI", "pid", process.pid(), "cmd", String.join(" ", command));
            Thread.ofVirtual().name("comfyui-output").start(() -> pump(process));
            return new ComfyProcess(process, group);
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

    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startedAt);
    }

    /** Processes of this launch still alive besides the one we started (0 without a process group). */
    public int leftBehind() {
        return group.map(g -> (int) g.members().stream().filter(pid -> pid != process.pid()).count()).orElse(0);
    }

    /** Stops ComfyUI and everything it started: TERM first, KILL after the grace period. */
    public void stop(Duration grace) {
        List<ProcessHandle> tree = process.descendants().toList();
        group.ifPresent(g -> g.signal(ProcessGroup.SIGTERM));
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("ComfyUI did not stop in time; killing it", "pid", process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (group.isPresent() && !group.get().stop(grace)) {
            LOG.error("processes of ComfyUI's group survived SIGKILL", "pgid", group.get().id(), "pids", group.get().members());
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
