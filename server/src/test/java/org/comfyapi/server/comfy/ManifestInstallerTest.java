package org.comfyapi.server.comfy;

import org.comfyapi.server.config.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestInstallerTest {

    /** Fake installers on PATH that record how they were called; git is the real one. */
    private static Map<String, String> fakePath(Path dir, Path log, String failing) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String name : List.of("apt-get", "pip", "comfy")) {
            String exit = name.equals(failing) ? "exit 3" : "exit 0";
            Path script = Files.writeString(bin.resolve(name),
                    "#!/bin/sh\necho \"" + name + " $*\" >> " + log + "\n" + exit + "\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        return env;
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.email=t@t", "-c", "user.name=t"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void installsInOrderAndChecksOutTheRef(@TempDir Path dir) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("src/my-nodes"));
        git(repo, "init", "-q", "-b", "main");
        Files.writeString(repo.resolve("nodes.py"), "v1");
        Files.writeString(repo.resolve("requirements.txt"), "requests\n");
        git(repo, "add", ".");
        git(repo, "commit", "-q", "-m", "one");
        git(repo, "tag", "v1");
        Files.writeString(repo.resolve("nodes.py"), "v2");
        git(repo, "commit", "-q", "-am", "two");

        Path home = Files.createDirectories(dir.resolve("comfy"));
        Path log = dir.resolve("calls.log");
        Manifest manifest = new Manifest(List.of("ffmpeg"), List.of("numpy"),
                List.of("impact-pack", "file://" + repo + "@v1"), List.of(), List.of());
        new ManifestInstaller(home, fakePath(dir, log, "")).install(manifest);

        assertThat(Files.readAllLines(log)).containsExactly(
                "apt-get update",
                "apt-get install -y --no-install-recommends ffmpeg",
                "pip install numpy",
                "comfy --workspace " + home + " node install impact-pack",
                "pip install -r requirements.txt");
        assertThat(Files.readString(home.resolve("custom_nodes/my-nodes/nodes.py"))).isEqualTo("v1");
    }

    @Test
    void aFailingStepStopsWithAMessageNamingIt(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("calls.log");
        Manifest manifest = new Manifest(List.of(), List.of("numpy"), List.of("impact-pack"), List.of(), List.of());
        assertThatThrownBy(() -> new ManifestInstaller(Files.createDirectories(dir.resolve("c")),
                fakePath(dir, log, "pip")).install(manifest))
                .isInstanceOf(ManifestInstaller.InstallException.class)
                .hasMessage("manifest step \"pip\" failed: pip install numpy exited with code 3");
        assertThat(Files.readAllLines(log)).containsExactly("pip install numpy");
    }
}
