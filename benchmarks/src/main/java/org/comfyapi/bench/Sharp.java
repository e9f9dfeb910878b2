package org.comfyapi.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Node's sharp on the same images, as the baseline of the conversion figures (npm install in a cache folder). */
final class Sharp {
    /** sharp 0.35.5 depends on @img/sharp-libvips 1.3.4: the very libvips build our jar bundles. */
    static final String VERSION = "0.35.5";

    private static final String SCRIPT = """
            'use strict';
            const fs = require('fs');
            const path = require('path');
            const sharp = require('sharp');
            const [input, outDir, singleN, parallelN] = process.argv.slice(2);
            const specs = {
              jpeg: s => s.jpeg({ quality: 80 }),
              jpeg_prog444: s => s.jpeg({ quality: 80, progressive: true, chromaSubsampling: '4:4:4' }),
              webp: s => s.webp({ quality: 80 }),
            };
            const ext = { jpeg: 'jpg', jpeg_prog444: 'jpg', webp: 'webp' };
            const now = () => Number(process.hrtime.bigint()) / 1e6;
            const median = a => { a.sort((x, y) => x - y); return a[Math.ceil(a.length / 2) - 1]; };
            async function main() {
              sharp.cache(false);
              const defaultConcurrency = sharp.concurrency();
              const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('sharp')), '..', 'package.json')));
              const res = { sharp: pkg.version, vips: sharp.versions.vips, defaultConcurrency, single: {}, parallel: {}, cpu: {} };
              const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
              sharp.concurrency(1);
              for (const k of Object.keys(specs)) {
                for (let i = 0; i < 2; i++) await specs[k](sharp(input)).toFile(path.join(outDir, `w-${k}-${i}.${ext[k]}`));
                const times = [];
                const c0 = cpu();
                for (let i = 0; i < Number(singleN); i++) {
                  const t = now();
                  await specs[k](sharp(input)).toFile(path.join(outDir, `s-${k}-${i}.${ext[k]}`));
                  times.push(now() - t);
                }
                res.single[k] = median(times);
                res.cpu['single_' + k] = (cpu() - c0) / Number(singleN);
              }
              sharp.concurrency(defaultConcurrency);
              for (const k of Object.keys(specs)) {
                await specs[k](sharp(input)).toFile(path.join(outDir, `w-${k}.${ext[k]}`));
                const n = Number(parallelN);
                const t = now();
                const c0 = cpu();
                await Promise.all(Array.from({ length: n }, (_, i) =>
                  specs[k](sharp(input)).toFile(path.join(outDir, `p-${k}-${i}.${ext[k]}`))));
                res.parallel[k] = (now() - t) / n;
                res.cpu['parallel_' + k] = (cpu() - c0) / n;
              }
              console.log(JSON.stringify(res));
            }
            main().catch(e => { console.error(e); process.exit(1); });
            """;

    private Sharp() {
    }

    /** {@code dir} when sharp is already installed there, else null. */
    static Path installed(Path dir) {
        try {
            Path marker = dir.resolve("node_modules/sharp/package.json");
            return Files.exists(marker) && Files.readString(marker).contains("\"version\": \"" + VERSION + "\"") ? dir : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Installs sharp into {@code dir} if needed; returns null (and why, on stderr) when that fails. */
    static Path install(Path dir) {
        try {
            if (installed(dir) != null) return dir;
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("package.json"), "{\"name\":\"bench-sharp\",\"private\":true}\n");
            Process p = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                    "sharp@" + VERSION).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("npm-install.log").toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                System.err.println("[bench] npm install sharp timed out");
                return null;
            }
            if (p.exitValue() != 0) {
                System.err.println("[bench] npm install sharp failed: " + Files.readString(dir.resolve("npm-install.log")));
                return null;
            }
            return dir;
        } catch (Exception e) {
            System.err.println("[bench] cannot install sharp: " + e);
            return null;
        }
    }

    /** Runs the script; the JSON it prints, or null. */
    static JsonNode run(Path dir, Path input, Path outDir, int singleN, int parallelN) {
        try {
            Path script = dir.resolve("bench-sharp.js");
            Files.writeString(script, SCRIPT);
            Files.createDirectories(outDir);
            Path log = outDir.resolve("sharp.out");
            Process p = new ProcessBuilder(List.of("node", script.toString(), input.toString(), outDir.toString(),
                    String.valueOf(singleN), String.valueOf(parallelN))).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return null;
            }
            List<String> lines = Files.readAllLines(log);
            if (p.exitValue() != 0 || lines.isEmpty()) {
                System.err.println("[bench] sharp script failed: " + String.join("\n", lines));
                return null;
            }
            return Clients.JSON.readTree(lines.getLast());
        } catch (Exception e) {
            System.err.println("[bench] sharp script failed: " + e);
            return null;
        }
    }
}
