package org.comfyapi.simulator.nodes;

import org.comfyapi.graph.py.Py;
import org.comfyapi.graph.py.PyException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Reading image files the way PIL would fail on them. */
public final class ImageFiles {
    private ImageFiles() {
    }

    public static BufferedImage read(String path) {
        Path p = Path.of(path);
        if (Files.isDirectory(p)) throw new PyException("IsADirectoryError", "[Errno 21] Is a directory: " + Py.repr(path));
        if (!Files.exists(p)) throw new PyException("FileNotFoundError", "[Errno 2] No such file or directory: " + Py.repr(path));
        try (InputStream in = Files.newInputStream(p)) {
            BufferedImage img = ImageIO.read(in);
            if (img == null) throw new PyException("PIL.UnidentifiedImageError", "cannot identify image file " + Py.repr(path));
            return img;
        } catch (IOException e) {
            throw new PyException("OSError", e.getMessage());
        }
    }

    public static String sha256Hex(String path) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(Files.readAllBytes(Path.of(path))));
        } catch (IOException e) {
            throw new PyException("FileNotFoundError", "[Errno 2] No such file or directory: " + Py.repr(path));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
