package org.comfyapi.server.comfy;

import org.comfyapi.server.config.Manifest;
import org.comfyapi.server.log.Log;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a manifest's installers in order: apt, pip (uv when present), custom nodes (git clone with an
 * optional {@code @ref}, or {@code comfy node install} for registry names). The first failing step
 * stops start-up with a message that names it.
 */
public final class ManifestInstaller {
    private static final Log LOG = Log.get("manifest");
    private static final long STEP_TIMEOUT_MINUTES = 30;

    /** A failed installation step; its message names the step and the command's exit code. */
    public static final class InstallException extends Exception {
        InstallException(String message) {
            super(message);
        }
    }

    private final Path comfyHome;
    private final Map<String, String> env;

    public ManifestInstaller(Path comfyHome, Map<String, String> env) {
        this.comfyHome = comfyHome;
        this.env = env;
    }

    public void install(Manifest manifest) throws InstallException, InterruptedException {
        if (!manifest.apt().isEmpty()) {
            run("apt", List.of("apt-get", "update"), comfyHome);
            List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y", "--no-install-recommends"));
            cmd.addAll(manifest.apt());
            run("apt", cmd, comfyHome);
        }
        if (!manifest.pip().isEmpty()) {
            List<String> cmd = new ArrayList<>(onPath("uv") ? List.of("uv", "pip", "install") : List.of("pip", "install"));
            cmd.addAll(manifest.pip());
            run("pip", cmd, comfyHome);
        }
        for (String node : manifest.customNodes()) installNode(node);
    }

    private void installNode(String spec) throws InstallException, InterruptedException {
        boolean isUrl = spec.startsWith("http://") || spec.startsWith("https://") || spec.startsWith("git@")
                || spec.startsWith("file:");
        if (!isUrl) {
            run("custom_nodes " + spec, List.of("comfy", "--workspace", comfyHome.toString(), "node", "install", spec),
                    comfyHome);
            return;
        }
        String url = spec;
        String ref = null;
        int at = spec.lastIndexOf('@');
        if (at > spec.indexOf("://") + 3 && at > spec.lastIndexOf('/')) {
            url = spec.substring(0, at);
            ref = spec.substring(at + 1);
        }
        String name = url.substring(url.lastIndexOf('/') + 1).replaceFirst("\\.git$", "");
        Path target = comfyHome.resolve("custom_nodes").resolve(name);
        if (Files.isDirectory(target.resolve(".git"))) {
            LOG.info("custom node already present", "node", name);
        } else {
            try {
                Files.createDirectories(target.getParent());
            } catch (IOException e) {
                throw new InstallException("custom_nodes " + spec + ": cannot create " + target.getParent());
            }
            run("custom_nodes " + spec, List.of("git", "clone", url, target.toString()), comfyHome);
        }
        if (ref != null) run("custom_nodes " + spec, List.of("git", "checkout", ref), target);
        if (Files.isRegularFile(target.resolve("requirements.txt"))) {
            List<String> cmd = new ArrayList<>(onPath("uv") ? List.of("uv", "pip", "install") : List.of("pip", "install"));
            cmd.addAll(List.of("-r", "requirements.txt"));
            run("custom_nodes " + spec + " requirements", cmd, target);
        }
    }

    private boolean onPath(String command) {
        return resolve(command) != null;
    }

    /** Finds a command on the PATH of the environment we run installers with, not our own. */
    private String resolve(String command) {
        if (command.contains("/")) return command;
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) return Path.of(dir, command).toString();
        }
        return null;
    }

    private void run(String step, List<String> command, Path dir) throws InstallException, InterruptedException {
        LOG.info("running", "step", step, "cmd", String.join(" ", command));
        String executable = resolve(command.getFirst());
        if (executable == null) {
            throw new InstallException("manifest step \"" + step + "\" failed: " + command.getFirst() + " is not on the PATH");
        }
        List<String> resolved = new ArrayList<>(command);
        resolved.set(0, executable);
        ProcessBuilder builder = new ProcessBuilder(resolved).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new InstallException("manifest step \"" + step + "\" failed: cannot run " + command.getFirst()
                    + " (" + e.getMessage() + ")");
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) LOG.info(line, "step", step);
        } catch (IOException ignored) {
            // the process ended
        }
        if (!process.waitFor(STEP_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new InstallException("manifest step \"" + step + "\" timed out after " + STEP_TIMEOUT_MINUTES + " minutes");
        }
        if (process.exitValue() != 0) {
            throw new InstallException("manifest step \"" + step + "\" failed: " + String.join(" ", command)
                    + " exited with code " + process.exitValue());
        }
    }
}
