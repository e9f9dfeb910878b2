package org.comfyapi.simulator.fs;

import org.comfyapi.graph.py.PyException;
import org.comfyapi.simulator.py.PyPath;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The directory layout and path helpers of ComfyUI's folder_paths.py. All paths are absolute POSIX strings. */
public final class FolderPaths {
    public static final Set<String> PT_EXTENSIONS = Set.of(".ckpt", ".pt", ".pt2", ".bin", ".pth", ".safetensors", ".pkl", ".sft");

    /** A model folder: its search roots and allowed extensions (empty = any). */
    public record ModelFolder(List<String> roots, Set<String> extensions) {
    }

    /** Result of get_save_image_path. */
    public record SavePath(String fullOutputFolder, String filename, int counter, String subfolder, String filenamePrefix) {
    }

    private final String baseDir;
    private final String inputDir;
    private final String outputDir;
    private final String tempDir;
    private final String modelsDir;
    private final Map<String, ModelFolder> modelFolders = new LinkedHashMap<>();

    public FolderPaths(Path base, Path input, Path output, Path temp) {
        this.baseDir = abs(base);
        this.inputDir = abs(input);
        this.outputDir = abs(output);
        this.tempDir = abs(temp);
        this.modelsDir = PyPath.join(baseDir, "models");
        addPt("checkpoints", "checkpoints");
        modelFolders.put("configs", new ModelFolder(List.of(models("configs")), Set.of(".yaml")));
        addPt("loras", "loras");
        addPt("vae", "vae");
        addPt("text_encoders", "text_encoders", "clip");
        addPt("diffusion_models", "unet", "diffusion_models");
        addPt("clip_vision", "clip_vision");
        addPt("style_models", "style_models");
        addPt("embeddings", "embeddings");
        modelFolders.put("diffusers", new ModelFolder(List.of(models("diffusers")), Set.of("folder")));
        addPt("vae_approx", "vae_approx");
        addPt("controlnet", "controlnet", "t2i_adapter");
        addPt("gligen", "gligen");
        addPt("upscale_models", "upscale_models");
        modelFolders.put("custom_nodes", new ModelFolder(List.of(PyPath.join(baseDir, "custom_nodes")), Set.of()));
        addPt("hypernetworks", "hypernetworks");
        addPt("photomaker", "photomaker");
        modelFolders.put("classifiers", new ModelFolder(List.of(models("classifiers")), Set.of("")));
        addPt("model_patches", "model_patches");
        addPt("audio_encoders", "audio_encoders");
    }

    private static String abs(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

    private String models(String name) {
        return PyPath.join(modelsDir, name);
    }

    private void addPt(String name, String... dirs) {
        List<String> roots = new ArrayList<>();
        for (String d : dirs) roots.add(models(d));
        modelFolders.put(name, new ModelFolder(roots, PT_EXTENSIONS));
    }

    public String baseDir() {
        return baseDir;
    }

    public String inputDir() {
        return inputDir;
    }

    public String outputDir() {
        return outputDir;
    }

    public String tempDir() {
        return tempDir;
    }

    public String modelsDir() {
        return modelsDir;
    }

    public Map<String, ModelFolder> modelFolders() {
        return modelFolders;
    }

    /** Creates input/output/temp and the primary model folders. */
    public void createDirectories() {
        try {
            for (String d : List.of(inputDir, outputDir, tempDir, modelsDir)) Files.createDirectories(Path.of(d));
            for (Map.Entry<String, ModelFolder> e : modelFolders.entrySet()) {
                if (!e.getKey().equals("custom_nodes")) Files.createDirectories(Path.of(e.getValue().roots().getFirst()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** folder_paths.get_directory_by_type. */
    public String directoryByType(String type) {
        return switch (type) {
            case "output" -> outputDir;
            case "temp" -> tempDir;
            case "input" -> inputDir;
            default -> null;
        };
    }

    /** A name with its annotation removed and the directory that the annotation selects (null if none). */
    public record Annotated(String name, String baseDir) {
    }

    /** folder_paths.annotated_filepath: the suffix is stripped together with the character before it. */
    public Annotated annotatedFilepath(String name) {
        if (name.endsWith("[output]")) return new Annotated(cut(name, 9), outputDir);
        if (name.endsWith("[input]")) return new Annotated(cut(name, 8), inputDir);
        if (name.endsWith("[temp]")) return new Annotated(cut(name, 7), tempDir);
        return new Annotated(name, null);
    }

    private static String cut(String s, int n) {
        return s.length() >= n ? s.substring(0, s.length() - n) : "";
    }

    public String getAnnotatedFilepath(String name) {
        Annotated a = annotatedFilepath(name);
        return PyPath.join(a.baseDir() == null ? inputDir : a.baseDir(), a.name());
    }

    public boolean existsAnnotatedFilepath(String name) {
        return Files.exists(Path.of(getAnnotatedFilepath(name)));
    }

    /** Sorted relative paths of the files of a model folder, filtered by extension. */
    public List<String> filenameList(String folder) {
        ModelFolder mf = modelFolders.get(folder);
        if (mf == null) return List.of();
        TreeSet<String> out = new TreeSet<>();
        for (String root : mf.roots()) {
            for (String rel : recursiveSearch(root)) {
                String ext = PyPath.splitext(rel)[1].toLowerCase(Locale.ROOT);
                if (mf.extensions().isEmpty() || mf.extensions().contains(ext)) out.add(rel);
            }
        }
        return new ArrayList<>(out);
    }

    public String fullPath(String folder, String filename) {
        ModelFolder mf = modelFolders.get(folder);
        if (mf == null) return null;
        for (String root : mf.roots()) {
            Path p = Path.of(PyPath.join(root, filename));
            if (Files.isRegularFile(p)) return p.toString();
        }
        return null;
    }

    private static List<String> recursiveSearch(String dir) {
        Path root = Path.of(dir);
        if (!Files.isDirectory(root)) return List.of();
        List<String> result = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
            s.filter(Files::isRegularFile)
                    .filter(p -> !root.relativize(p).toString().startsWith(".git/") && !root.relativize(p).toString().contains("/.git/"))
                    .forEach(p -> result.add(root.relativize(p).toString()));
        } catch (IOException | UncheckedIOException e) {
            return result;
        }
        return result;
    }

    /** Top-level files of the input directory, sorted, optionally only those whose mime type is image/*. */
    public List<String> inputFiles(boolean imagesOnly) {
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of(inputDir))) {
            s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).forEach(files::add);
        } catch (IOException e) {
            return List.of();
        }
        if (imagesOnly) files.removeIf(f -> !MimeTypes.isImage(f));
        files.sort(null);
        return files;
    }

    /** folder_paths.get_save_image_path. */
    public SavePath saveImagePath(String filenamePrefix, String outputDir, int width, int height) {
        if (filenamePrefix.contains("%")) filenamePrefix = computeVars(filenamePrefix, width, height);
        String norm = PyPath.normpath(filenamePrefix);
        String subfolder = PyPath.dirname(norm);
        String filename = PyPath.basename(norm);
        String fullOutputFolder = PyPath.join(outputDir, subfolder);
        String absFull = PyPath.abspath(fullOutputFolder, baseDir);
        String common = PyPath.commonpath(outputDir, absFull);
        if (!common.equals(outputDir)) {
            throw new PyException("Exception", "**** ERROR: Saving image outside the output folder is not allowed."
                    + "\n full_output_folder: " + absFull
                    + "\n         output_dir: " + outputDir
                    + "\n         commonpath: " + common);
        }
        int prefixLen = PyPath.basename(filenamePrefix).length();
        Path dir = Path.of(fullOutputFolder);
        int counter;
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new PyException("OSError", e.toString());
            }
            counter = 1;
        } else {
            long max = -1;
            String bestPrefix = null;
            try (Stream<Path> s = Files.list(dir)) {
                for (String f : s.map(p -> p.getFileName().toString()).toList()) {
                    String prefix = f.substring(0, Math.min(f.length(), prefixLen + 1));
                    long digits = parseDigits(f.length() > prefixLen + 1 ? f.substring(prefixLen + 1) : "");
                    if (prefix.isEmpty() || !prefix.substring(0, prefix.length() - 1).equals(filename) || prefix.charAt(prefix.length() - 1) != '_') {
                        continue;
                    }
                    if (digits > max || (digits == max && (bestPrefix == null || prefix.compareTo(bestPrefix) > 0))) {
                        max = digits;
                        bestPrefix = prefix;
                    }
                }
            } catch (IOException e) {
                throw new PyException("OSError", e.toString());
            }
            counter = max < 0 ? 1 : (int) max + 1;
        }
        return new SavePath(fullOutputFolder, filename, counter, subfolder, filenamePrefix);
    }

    private static long parseDigits(String rest) {
        String first = rest.split("_", -1)[0].strip();
        if (!first.matches("[+-]?\\d+")) return 0;
        try {
            return Long.parseLong(first.startsWith("+") ? first.substring(1) : first);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String computeVars(String input, int width, int height) {
        LocalDateTime now = LocalDateTime.now();
        return input.replace("%width%", String.valueOf(width))
                .replace("%height%", String.valueOf(height))
                .replace("%year%", String.valueOf(now.getYear()))
                .replace("%month%", two(now.getMonthValue()))
                .replace("%day%", two(now.getDayOfMonth()))
                .replace("%hour%", two(now.getHour()))
                .replace("%minute%", two(now.getMinute()))
                .replace("%second%", two(now.getSecond()));
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : String.valueOf(v);
    }

    /** Deletes the temp directory tree (ComfyUI's cleanup_temp). */
    public void wipeTemp() {
        Path t = Path.of(tempDir);
        if (!Files.exists(t)) return;
        try (Stream<Path> s = Files.walk(t)) {
            s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort, as shutil.rmtree(ignore_errors=True)
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
