package org.comfyapi.server.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Converts real files with the bundled libvips and checks the results with Java's own decoders. */
class ImageConverterTest {

    @TempDir
    static Path nativeDir;
    @TempDir
    Path dir;

    private static ImageConverter converter;

    @BeforeAll
    static void loadLibvips() {
        converter = new ImageConverter(nativeDir, 2, 1);
    }

    @AfterAll
    static void close() {
        converter.close();
    }

    private static JpegOptions jpeg(int quality, boolean progressive, ChromaSubsampling subsampling) {
        return new JpegOptions(quality, progressive, subsampling, true, false, false, false, 0);
    }

    @Test
    void reportsTheBundledLibvipsVersion() {
        assertThat(converter.libvipsVersion()).isEqualTo("8.18.7");
    }

    @Test
    void convertsPngToBaselineJpegWithSharpDefaults() throws Exception {
        Path png = TestImages.png(dir.resolve("ComfyUI_00001_.png"), TestImages.noisy(320, 200, 1));

        Path out = converter.convert(png, JpegOptions.DEFAULTS);

        assertThat(out).isEqualTo(dir.resolve("ComfyUI_00001_.jpg"));
        assertThat(png).exists();
        BufferedImage decoded = ImageIO.read(out.toFile());
        assertThat(decoded.getWidth()).isEqualTo(320);
        assertThat(decoded.getHeight()).isEqualTo(200);
        Probe.JpegFrame frame = Probe.jpegFrame(out);
        assertThat(frame.progressive()).isFalse();
        assertThat(frame.chromaSubsampling()).isEqualTo("4:2:0");
        assertThat(dir).isDirectoryNotContaining("glob:**.part");
    }

    @Test
    void honoursChromaSubsamplingAndProgressive() throws Exception {
        Path png = TestImages.png(dir.resolve("a.png"), TestImages.noisy(64, 64, 2));

        Path full = converter.convert(png, jpeg(95, true, ChromaSubsampling.YUV444), dir.resolve("full.jpg"));
        Path sub = converter.convert(png, jpeg(95, false, ChromaSubsampling.YUV420), dir.resolve("sub.jpg"));

        assertThat(Probe.jpegFrame(full).chromaSubsampling()).isEqualTo("4:4:4");
        assertThat(Probe.jpegFrame(full).progressive()).isTrue();
        assertThat(Probe.jpegFrame(sub).chromaSubsampling()).isEqualTo("4:2:0");
        assertThat(Probe.jpegFrame(sub).progressive()).isFalse();
    }

    @Test
    void mozjpegOptionsProduceAValidProgressiveJpeg() throws Exception {
        Path png = TestImages.png(dir.resolve("m.png"), TestImages.noisy(200, 120, 3));
        JpegOptions mozjpeg = new JpegOptions(75, true, ChromaSubsampling.YUV420, true, true, true, true, 3);

        Path out = converter.convert(png, mozjpeg);

        assertThat(Probe.jpegFrame(out).progressive()).isTrue();
        assertThat(ImageIO.read(out.toFile()).getWidth()).isEqualTo(200);
    }

    @Test
    void jpegQualityChangesTheSize() throws Exception {
        Path png = TestImages.png(dir.resolve("q.png"), TestImages.noisy(256, 256, 4));

        long low = Files.size(converter.convert(png, jpeg(20, false, ChromaSubsampling.YUV420), dir.resolve("low.jpg")));
        long high = Files.size(converter.convert(png, jpeg(95, false, ChromaSubsampling.YUV420), dir.resolve("high.jpg")));

        assertThat(high).isGreaterThan(low * 2);
    }

    @Test
    void stripsMetadataLikeSharp() throws Exception {
        Path png = TestImages.pngWithText(dir.resolve("meta.png"), TestImages.noisy(32, 32, 5),
                "prompt", "WORKFLOW-SECRET-TEXT");
        assertThat(Probe.contains(png, "WORKFLOW-SECRET-TEXT")).isTrue();

        assertThat(Probe.contains(converter.convert(png, JpegOptions.DEFAULTS), "WORKFLOW-SECRET-TEXT")).isFalse();
        assertThat(Probe.contains(converter.convert(png, WebpOptions.DEFAULTS), "WORKFLOW-SECRET-TEXT")).isFalse();
    }

    @Test
    void convertsPngToWebpKeepingAlpha() throws Exception {
        Path png = TestImages.png(dir.resolve("alpha.png"), TestImages.halfTransparent(40, 20));

        Path out = converter.convert(png, WebpOptions.DEFAULTS);

        assertThat(out).isEqualTo(dir.resolve("alpha.webp"));
        BufferedImage decoded = ImageIO.read(out.toFile());
        assertThat(decoded.getWidth()).isEqualTo(40);
        assertThat(decoded.getHeight()).isEqualTo(20);
        assertThat(decoded.getColorModel().hasAlpha()).isTrue();
        assertThat(decoded.getRGB(35, 10) >>> 24).isZero();
        assertThat(decoded.getRGB(5, 10) >>> 24).isEqualTo(0xff);
    }

    @Test
    void losslessWebpKeepsEveryPixel() throws Exception {
        BufferedImage source = TestImages.noisy(48, 32, 6);
        Path png = TestImages.png(dir.resolve("ll.png"), source);

        Path out = converter.convert(png, new WebpOptions(80, 100, true, false, false, WebpPreset.DEFAULT, 4));

        assertThat(Probe.webpChunks(out)).contains("VP8L");
        BufferedImage decoded = ImageIO.read(out.toFile());
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 48; x++) {
                assertThat(decoded.getRGB(x, y) & 0xffffff).as("pixel %d,%d", x, y).isEqualTo(source.getRGB(x, y) & 0xffffff);
            }
        }
    }

    @Test
    void webpQualityChangesTheSize() throws Exception {
        Path png = TestImages.png(dir.resolve("wq.png"), TestImages.noisy(256, 256, 7));

        long low = Files.size(converter.convert(png,
                new WebpOptions(10, 100, false, false, false, WebpPreset.PHOTO, 2), dir.resolve("low.webp")));
        long high = Files.size(converter.convert(png,
                new WebpOptions(95, 100, false, false, true, WebpPreset.PHOTO, 2), dir.resolve("high.webp")));

        assertThat(Probe.webpChunks(dir.resolve("low.webp"))).contains("VP8 ");
        assertThat(high).isGreaterThan(low * 2);
    }

    @Test
    void animatedGifKeepsAllFramesAsAnimatedWebp() throws Exception {
        Path gif = TestImages.animatedGif(dir.resolve("anim.gif"), 40, 30, Color.RED, Color.GREEN, Color.BLUE);
        assertThat(gifFrames(gif)).isEqualTo(3);

        Path webp = converter.convert(gif, WebpOptions.DEFAULTS);

        assertThat(Probe.webpChunks(webp)).contains("VP8X", "ANIM");
        assertThat(Probe.webpFrames(webp)).isEqualTo(3);
        assertThat(Probe.webpCanvas(webp)).containsExactly(40, 30);

        Path again = converter.convert(webp, WebpOptions.DEFAULTS, dir.resolve("again.webp"));
        assertThat(Probe.webpFrames(again)).isEqualTo(3);
        assertThat(Probe.webpCanvas(again)).containsExactly(40, 30);
    }

    @Test
    void animatedInputBecomesItsFirstFrameAsJpeg() throws Exception {
        Path gif = TestImages.animatedGif(dir.resolve("anim.gif"), 40, 30, Color.RED, Color.GREEN, Color.BLUE);

        Path jpg = converter.convert(gif, JpegOptions.DEFAULTS);

        BufferedImage decoded = ImageIO.read(jpg.toFile());
        assertThat(decoded.getWidth()).isEqualTo(40);
        assertThat(decoded.getHeight()).isEqualTo(30);
        assertThat(new Color(decoded.getRGB(20, 15)).getRed()).isGreaterThan(200);
    }

    @Test
    void convertsJpegInPlaceWhenTargetIsTheSource() throws Exception {
        Path png = TestImages.png(dir.resolve("self.png"), TestImages.noisy(128, 128, 8));
        Path jpg = converter.convert(png, jpeg(95, false, ChromaSubsampling.YUV444));
        long before = Files.size(jpg);

        Path out = converter.convert(jpg, jpeg(30, false, ChromaSubsampling.YUV420));

        assertThat(out).isEqualTo(jpg);
        assertThat(Files.size(out)).isLessThan(before);
        assertThat(Probe.jpegFrame(out).chromaSubsampling()).isEqualTo("4:2:0");
        assertThat(ImageIO.read(out.toFile()).getWidth()).isEqualTo(128);
    }

    @Test
    void corruptImageFailsWithLibvipsMessageAndLeavesNothingBehind() throws Exception {
        byte[] png = Files.readAllBytes(TestImages.png(dir.resolve("good.png"), TestImages.noisy(64, 64, 9)));
        Path corrupt = dir.resolve("corrupt.png");
        byte[] broken = Arrays.copyOf(png, png.length);
        for (int i = 40; i < broken.length - 20; i++) {
            broken[i] = (byte) (i * 31);
        }
        Files.write(corrupt, broken);

        assertThatThrownBy(() -> converter.convert(corrupt, JpegOptions.DEFAULTS))
                .isInstanceOf(ImageConversionException.class)
                .hasMessageMatching("(?s)cannot read .*corrupt\\.png: .*\\S.*");
        assertThat(dir.resolve("corrupt.jpg")).doesNotExist();
        assertThat(dir).isDirectoryNotContaining("glob:**.part");
    }

    @Test
    void notAnImageFailsWithLibvipsMessage() throws Exception {
        Path fake = Files.writeString(dir.resolve("fake.webp"), "this is not an image");

        assertThatThrownBy(() -> converter.convert(fake, WebpOptions.DEFAULTS))
                .isInstanceOf(ImageConversionException.class)
                .hasMessageContaining("is not a known file format");
        assertThatThrownBy(() -> converter.convert(fake, JpegOptions.DEFAULTS))
                .isInstanceOf(ImageConversionException.class)
                .hasMessageContaining("is not a known file format");
    }

    @Test
    void truncatedImageFailsLikeSharpsFailOnWarning() throws Exception {
        byte[] png = Files.readAllBytes(TestImages.png(dir.resolve("whole.png"), TestImages.noisy(256, 256, 10)));
        Path truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));

        assertThatThrownBy(() -> converter.convert(truncated, JpegOptions.DEFAULTS))
                .isInstanceOf(ImageConversionException.class)
                .hasMessageContaining("truncated.png");
    }

    @Test
    void missingFileFails() {
        assertThatThrownBy(() -> converter.convert(dir.resolve("nope.png"), JpegOptions.DEFAULTS))
                .isInstanceOf(ImageConversionException.class)
                .hasMessageContaining("nope.png");
    }

    @Test
    void handlesFileNamesWithSpacesBracketsAndNonAscii() throws Exception {
        Path png = TestImages.png(dir.resolve("ComfyUI [batch, 1] 画像 %d.png"), TestImages.noisy(30, 20, 11));

        Path out = converter.convert(png, ConversionSpec.fromJson(new ObjectMapper()
                .readTree("{\"format\":\"jpg\",\"options\":{\"mozjpeg\":true,\"chromaSubsampling\":\"4:4:4\"}}")));

        assertThat(out.getFileName().toString()).isEqualTo("ComfyUI [batch, 1] 画像 %d.jpg");
        Probe.JpegFrame frame = Probe.jpegFrame(out);
        assertThat(frame.width()).isEqualTo(30);
        assertThat(frame.progressive()).isTrue();
        assertThat(frame.chromaSubsampling()).isEqualTo("4:4:4");
    }

    @Test
    void neverConvertsVideoOrAudio() throws Exception {
        for (String name : List.of("clip.mp4", "clip.webm", "song.mp3", "voice.wav", "clip.mov", "notes.txt", "png")) {
            assertThat(ImageConverter.isConvertible(Path.of(name))).as(name).isFalse();
        }
        for (String name : List.of("a.png", "b.JPG", "c.jpeg", "d.webp", "e.gif", "f.tif", "g.tiff")) {
            assertThat(ImageConverter.isConvertible(Path.of(name))).as(name).isTrue();
        }
        Path video = Files.write(dir.resolve("clip.mp4"), new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
        assertThatThrownBy(() -> converter.convert(video, JpegOptions.DEFAULTS))
                .isInstanceOf(ImageConversionException.class);
        assertThat(dir.resolve("clip.jpg")).doesNotExist();
    }

    @Test
    void targetNameReplacesTheExtension() {
        assertThat(ImageConverter.targetFor(Path.of("/o/x.y.png"), JpegOptions.DEFAULTS)).isEqualTo(Path.of("/o/x.y.jpg"));
        assertThat(ImageConverter.targetFor(Path.of("/o/x.gif"), WebpOptions.DEFAULTS)).isEqualTo(Path.of("/o/x.webp"));
    }

    @Test
    void manyVirtualThreadsConvertAtOnce() throws Exception {
        List<Path> sources = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sources.add(TestImages.png(dir.resolve("c" + i + ".png"), TestImages.noisy(96 + i, 64, 100 + i)));
        }
        Path bad = Files.writeString(dir.resolve("bad.png"), "garbage");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < sources.size(); i++) {
                Path source = sources.get(i);
                ConversionSpec spec = i % 2 == 0 ? JpegOptions.DEFAULTS : WebpOptions.DEFAULTS;
                results.add(pool.submit((Callable<Path>) () -> converter.convert(source, spec)));
            }
            Future<Path> failed = pool.submit(() -> converter.convert(bad, JpegOptions.DEFAULTS));
            for (int i = 0; i < results.size(); i++) {
                BufferedImage decoded = ImageIO.read(results.get(i).get().toFile());
                assertThat(decoded.getWidth()).isEqualTo(96 + i);
            }
            assertThatThrownBy(failed::get).hasCauseInstanceOf(ImageConversionException.class);
        }
    }

    private static int gifFrames(Path gif) throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            reader.setInput(in);
            return reader.getNumImages(true);
        } finally {
            reader.dispose();
        }
    }
}
