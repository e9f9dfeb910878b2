package org.comfyapi.simulator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The command line, parsed like ComfyUI's cli_args.py for the flags a host uses, plus simulator-only flags. */
public record SimulatorConfig(
        List<String> listen,
        int port,
        Path baseDir,
        Path inputDir,
        Path outputDir,
        Path tempDir,
        double maxUploadSizeMb,
        boolean maxUploadSizeExplicit,
        boolean dontPrintServer,
        boolean disableMetadata,
        String enableCorsHeader,
        long stepMs,
        long slowStartMs,
        boolean crashOnPrompt,
        boolean hangOnPrompt,
        String previewMethod,
        int previewSize,
        Map<String, Long> nodeMs,
        List<String> argv,
        List<String> warnings) {

    /** Known ComfyUI flags that take no value (accepted and ignored unless handled). */
    private static final Set<String> KNOWN_SWITCHES = Set.of("--cpu", "--auto-launch", "--disable-auto-launch", "--highvram",
            "--normalvram", "--lowvram", "--novram", "--gpu-only", "--disable-smart-memory", "--multi-user", "--log-stdout",
            "--quick-test-for-ci", "--windows-standalone-build", "--disable-all-custom-nodes", "--disable-api-nodes",
            "--enable-compress-response-body", "--force-fp16", "--force-fp32", "--fp16-vae", "--bf16-vae", "--fp32-vae",
            "--cpu-vae", "--force-channels-last", "--use-split-cross-attention", "--use-quad-cross-attention",
            "--use-pytorch-cross-attention", "--use-sage-attention", "--use-flash-attention", "--disable-xformers",
            "--force-upcast-attention", "--dont-upcast-attention", "--cache-classic", "--cache-none", "--deterministic",
            "--fast", "--mmap-torch-files", "--disable-mmap", "--dont-print-server", "--disable-metadata",
            "--crash-on-prompt", "--hang-on-prompt", "--disable-ipex-optimize", "--supports-fp8-compute",
            "--fp8_e4m3fn-unet", "--fp8_e5m2-unet", "--fp16-unet", "--bf16-unet", "--fp32-unet", "--fp64-unet",
            "--fp8_e4m3fn-text-enc", "--fp8_e5m2-text-enc", "--fp16-text-enc", "--fp32-text-enc", "--bf16-text-enc",
            "--disable-pinned-memory", "--async-offload");
    private static final Set<String> KNOWN_WITH_VALUE = Set.of("--port", "--base-directory", "--input-directory",
            "--output-directory", "--temp-directory", "--user-directory", "--max-upload-size", "--step-ms", "--slow-start-ms",
            "--tls-keyfile", "--tls-certfile", "--extra-model-paths-config", "--cuda-device", "--default-device",
            "--reserve-vram", "--preview-method", "--preview-size", "--cache-lru", "--front-end-version", "--front-end-root",
            "--database-url", "--whitelist-custom-nodes", "--oneapi-device-selector", "--directml", "--verbose",
            "--listen", "--enable-cors-header", "--node-ms");

    public static SimulatorConfig parse(String... args) {
        List<String> listen = List.of("127.0.0.1");
        int port = 8188;
        Path base = Path.of("").toAbsolutePath();
        Path input = null;
        Path output = null;
        Path temp = null;
        double maxUpload = 100;
        boolean maxUploadExplicit = false;
        boolean dontPrint = false;
        boolean disableMetadata = false;
        String cors = null;
        long stepMs = 20;
        long slowStartMs = 0;
        boolean crash = false;
        boolean hang = false;
        String previewMethod = "none";
        int previewSize = 512;
        Map<String, Long> nodeMs = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();

        List<String> a = new ArrayList<>(Arrays.asList(args));
        for (int i = 0; i < a.size(); i++) {
            String flag = a.get(i);
            if (!flag.startsWith("--")) {
                warnings.add("WARNING: ignoring unexpected argument: " + flag);
                continue;
            }
            String inline = null;
            int eq = flag.indexOf('=');
            if (flag.startsWith("--") && eq > 0) {
                inline = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            }
            boolean nextIsValue = i + 1 < a.size() && !a.get(i + 1).startsWith("-");
            String value = inline != null ? inline : (nextIsValue ? a.get(i + 1) : null);
            boolean consumed = inline == null && value != null;
            switch (flag) {
                case "--listen" -> listen = List.of((value == null ? "0.0.0.0,::" : value).split(","));
                case "--enable-cors-header" -> cors = value == null ? "*" : value;
                case "--verbose" -> {
                    if (value == null || !Set.of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL").contains(value)) consumed = false;
                }
                case "--dont-print-server" -> {
                    dontPrint = true;
                    consumed = false;
                }
                case "--disable-metadata" -> {
                    disableMetadata = true;
                    consumed = false;
                }
                case "--crash-on-prompt" -> {
                    crash = true;
                    consumed = false;
                }
                case "--hang-on-prompt" -> {
                    hang = true;
                    consumed = false;
                }
                default -> {
                    if (KNOWN_SWITCHES.contains(flag)) {
                        consumed = false;
                        break;
                    }
                    if (value == null) {
                        if (KNOWN_WITH_VALUE.contains(flag)) throw new IllegalArgumentException("argument " + flag + ": expected one argument");
                        warnings.add("WARNING: ignoring unknown argument: " + flag);
                        break;
                    }
                    switch (flag) {
                        case "--port" -> port = parseInt(flag, value);
                        case "--base-directory" -> base = Path.of(value).toAbsolutePath().normalize();
                        case "--input-directory" -> input = Path.of(value).toAbsolutePath().normalize();
                        case "--output-directory" -> output = Path.of(value).toAbsolutePath().normalize();
                        case "--temp-directory" -> temp = Path.of(value).toAbsolutePath().normalize().resolve("temp");
                        case "--max-upload-size" -> {
                            maxUpload = parseDouble(flag, value);
                            maxUploadExplicit = true;
                        }
                        case "--step-ms" -> stepMs = parseInt(flag, value);
                        case "--slow-start-ms" -> slowStartMs = parseInt(flag, value);
                        case "--preview-method" -> {
                            if (!Set.of("none", "auto", "latent2rgb", "taesd").contains(value)) {
                                throw new IllegalArgumentException("argument --preview-method: invalid choice: '" + value + "'");
                            }
                            previewMethod = value;
                        }
                        case "--preview-size" -> previewSize = parseInt(flag, value);
                        case "--node-ms" -> parseNodeMs(value, nodeMs);
                        default -> {
                            if (!KNOWN_WITH_VALUE.contains(flag)) warnings.add("WARNING: ignoring unknown argument: " + flag + " " + value);
                        }
                    }
                }
            }
            if (consumed) i++;
        }
        if (input == null) input = base.resolve("input");
        if (output == null) output = base.resolve("output");
        if (temp == null) temp = base.resolve("temp");
        List<String> argv = new ArrayList<>();
        argv.add("main.py");
        argv.addAll(Arrays.asList(args));
        return new SimulatorConfig(listen, port, base, input, output, temp, maxUpload, maxUploadExplicit, dontPrint,
                disableMetadata, cors, stepMs, slowStartMs, crash, hang, previewMethod, previewSize, Map.copyOf(nodeMs), List.copyOf(argv), List.copyOf(warnings));
    }

    /** {@code Class=ms[,Class=ms...]}; the flag may repeat, later values win. */
    private static void parseNodeMs(String value, Map<String, Long> into) {
        for (String pair : value.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("argument --node-ms: expected CLASS=MS, got: '" + pair + "'");
            into.put(pair.substring(0, eq).strip(), (long) parseInt("--node-ms", pair.substring(eq + 1)));
        }
    }

    private static int parseInt(String flag, String v) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("argument " + flag + ": invalid int value: '" + v + "'");
        }
    }

    private static double parseDouble(String flag, String v) {
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("argument " + flag + ": invalid float value: '" + v + "'");
        }
    }

    /** Request body limit in bytes (client_max_size). */
    public long maxUploadBytes() {
        return (long) (maxUploadSizeMb * 1024 * 1024);
    }
}
