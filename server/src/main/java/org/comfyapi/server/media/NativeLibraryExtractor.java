package org.comfyapi.server.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;

/**
 * Unpacks the libvips shared library that the build put on the class path (native/linux-x64/) into a
 * folder on disk, where it can be loaded. A copy already there is reused once its SHA-256 matches, so
 * concurrent or repeated starts share one copy and a truncated or altered file is replaced.
 */
final class NativeLibraryExtractor {

    static final String RESOURCE_DIR = "/native/linux-x64/";

    private NativeLibraryExtractor() {
    }

    /** Where the library goes when no folder is given: {@code ${java.io.tmpdir}/comfyui-api-native-<sha prefix>}. */
    static Path defaultDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "comfyui-api-native-" + descriptor().sha256.substring(0, 16));
    }

    /** Returns the path of the unpacked library inside {@code dir}, unpacking it first if needed. */
    static Path extract(Path dir) {
        Descriptor descriptor = descriptor();
        Path target = dir.resolve(descriptor.library);
        try {
            createPrivateDirectory(dir);
            if (Files.isRegularFile(target) && descriptor.sha256.equals(sha256(target))) {
                return target;
            }
            Path tmp = Files.createTempFile(dir, descriptor.library, ".part");
            try {
                String written;
                try (InputStream in = resource(descriptor.library)) {
                    written = copyHashing(in, tmp);
                }
                if (!descriptor.sha256.equals(written)) {
                    throw new IllegalStateException("libvips resource " + descriptor.library
                            + " does not match its recorded SHA-256; rebuild the jar");
                }
                move(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack libvips into " + dir, e);
        }
    }

    /** Version of the npm package the library came from, e.g. 1.3.4. */
    static String packageVersion() {
        return descriptor().npmVersion;
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException raced) {
            // another process or thread made it first
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(dir);
        }
    }

    private static String copyHashing(InputStream in, Path target) throws IOException {
        MessageDigest digest = sha256Digest();
        try (DigestInputStream din = new DigestInputStream(in, digest)) {
            Files.copy(din, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256Digest();
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = NativeLibraryExtractor.class.getResourceAsStream(RESOURCE_DIR + name);
        if (in == null) {
            throw new IllegalStateException("class-path resource " + RESOURCE_DIR + name
                    + " is missing; the build fetches it (see server/src/build/fetch-libvips.xml)");
        }
        return in;
    }

    private static Descriptor descriptor() {
        return Descriptor.load();
    }

    /** The build's record of the bundled library (libvips.properties). */
    private record Descriptor(String library, String sha256, String npmVersion) {

        static Descriptor load() {
            Properties p = new Properties();
            try (InputStream in = resource("libvips.properties")) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Descriptor(p.getProperty("library"), p.getProperty("sha256"), p.getProperty("npm.version"));
        }
    }
}
