package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.simulator.image.ImageOps;
import org.comfyapi.graph.py.PyException;
import org.comfyapi.graph.py.PyJson;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pixel values of the weight-free image and mask nodes, called directly with the values a prompt would give them. */
class ImageNodesTest {
    private static final int RED = 0xC81E0A;
    private static final int WHITE = 0xFFFFFF;

    private static final ExecContext CTX = new ExecContext() {
        public String promptId() {
            return "p";
        }

        public String nodeId() {
            return "1";
        }

        public NodeEnv env() {
            return null;
        }

        public void progress(long value, long max) {
        }

        public void progress(long value, long max, BufferedImage preview) {
        }

        public void checkInterrupted() {
        }

        public void blockUntilInterrupted() {
        }

        public Map<String, Object> instance() {
            return new HashMap<>();
        }
    };

    /** Runs a node with keyword arguments; plain Java numbers, strings and booleans become prompt (JSON) values. */
    private static List<Object> run(NodeType node, Object... kv) throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            args.put((String) kv[i], v instanceof Number || v instanceof String || v instanceof Boolean ? PyJson.MAPPER.valueToTree(v) : v);
        }
        return node.execute(CTX, new Inputs(args)).outputs();
    }

    private static ImageBatch image(Object result) {
        return (ImageBatch) result;
    }

    private static ImageBatch solid(int w, int h, int... colours) {
        List<BufferedImage> l = new ArrayList<>();
        for (int c : colours) l.add(ImageOps.filled(w, h, c));
        return new ImageBatch(l);
    }

    /** A black w x h image with one white pixel. */
    private static ImageBatch dot(int w, int h, int x, int y) {
        BufferedImage img = ImageOps.filled(w, h, 0);
        img.setRGB(x, y, WHITE);
        return new ImageBatch(List.of(img));
    }

    private static int px(ImageBatch b, int i, int x, int y) {
        return b.images().get(i).getRGB(x, y) & 0xffffff;
    }

    private static int grey(int v) {
        return v << 16 | v << 8 | v;
    }

    private static int toByte(double v) {
        return (int) (255.0f * (float) v);
    }

    @Test
    void imageBlurSpreadsADotWithTheGaussianOfLinspaceAndReflectPadding() throws Exception {
        ImageBatch out = image(run(new ImageBlur(), "image", dot(3, 3, 1, 1), "blur_radius", 1, "sigma", 1.0).getFirst());
        double centre = 1;
        double edge = Math.exp(-0.5);
        double corner = Math.exp(-1);
        double sum = centre + 4 * edge + 4 * corner;
        assertThat(px(out, 0, 1, 1)).isEqualTo(grey(toByte(centre / sum)));
        // the reflection mirrors the centre into the border: an edge pixel sees it twice, a corner pixel four times
        assertThat(px(out, 0, 1, 0)).isEqualTo(grey(toByte(2 * edge / sum)));
        assertThat(px(out, 0, 0, 0)).isEqualTo(grey(toByte(4 * corner / sum)));
    }

    @Test
    void imageBlurWithARadiusAsLargeAsTheImageFailsLikeTorchPad() {
        assertThatThrownBy(() -> run(new ImageBlur(), "image", solid(4, 6, RED), "blur_radius", 4, "sigma", 1.0))
                .isInstanceOfSatisfying(PyException.class, e -> {
                    assertThat(e.type()).isEqualTo("RuntimeError");
                    assertThat(e.str()).isEqualTo("Argument #4: Padding size should be less than the corresponding input dimension, "
                            + "but got: padding (4, 4) at dimension 3 of input [1, 3, 6, 4]");
                });
        assertThatThrownBy(() -> run(new ImageBlur(), "image", solid(8, 3, RED), "blur_radius", 5, "sigma", 1.0))
                .hasMessageContaining("Argument #6").hasMessageContaining("padding (5, 5) at dimension 2 of input [1, 3, 3, 8]");
    }

    @Test
    void imageSharpenBoostsTheCentreAndDarkensItsNeighbours() throws Exception {
        ImageBatch out = image(run(new ImageSharpen(), "image", dot(5, 5, 2, 2), "sharpen_radius", 1, "sigma", 1.0, "alpha", 1.0).getFirst());
        assertThat(px(out, 0, 2, 2)).isEqualTo(WHITE);
        assertThat(px(out, 0, 2, 1)).isZero();
        assertThat(px(out, 0, 1, 1)).isZero();
        assertThat(px(out, 0, 0, 0)).isZero();
        ImageBatch flat = image(run(new ImageSharpen(), "image", solid(4, 4, grey(100)), "sharpen_radius", 1, "sigma", 1.0, "alpha", 2.0).getFirst());
        // the kernel sums to 1, so a flat image stays flat (within float32 rounding)
        assertThat(px(flat, 0, 0, 0) & 0xff).isBetween(99, 100);
        assertThat(px(flat, 0, 3, 3)).isEqualTo(px(flat, 0, 0, 0));
    }

    @Test
    void imageQuantizeKeepsImagesWithFewColoursAndReducesOthers() throws Exception {
        BufferedImage four = ImageOps.filled(4, 4, 0);
        int[] colours = {0xFF0000, 0x00FF00, 0x0000FF, 0xFFFF00};
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) four.setRGB(x, y, colours[(x / 2) + 2 * (y / 2)]);
        ImageBatch in = new ImageBatch(List.of(four));
        ImageBatch same = image(run(new ImageQuantize(), "image", in, "colors", 4, "dither", "none").getFirst());
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) assertThat(px(same, 0, x, y)).isEqualTo(four.getRGB(x, y) & 0xffffff);
        for (String dither : List.of("none", "floyd-steinberg", "bayer-4")) {
            ImageBatch two = image(run(new ImageQuantize(), "image", in, "colors", 2, "dither", dither).getFirst());
            Set<Integer> seen = new HashSet<>();
            for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) seen.add(px(two, 0, x, y));
            assertThat(seen).as(dither).hasSizeBetween(1, 2);
        }
    }

    @Test
    void imageBatchAppendsTheSecondBatchResizedToTheFirst() throws Exception {
        ImageBatch out = image(run(new BatchImages(), "image1", solid(4, 4, RED), "image2", solid(2, 2, WHITE, 0)).getFirst());
        assertThat(out.size()).isEqualTo(3);
        assertThat(out.width()).isEqualTo(4);
        assertThat(out.images().get(2).getHeight()).isEqualTo(4);
        assertThat(px(out, 0, 3, 3)).isEqualTo(RED);
        assertThat(px(out, 1, 3, 3)).isEqualTo(WHITE);
        assertThat(px(out, 2, 0, 0)).isZero();
    }

    @Test
    void repeatImageBatchRepeatsTheWholeBatch() throws Exception {
        ImageBatch out = image(run(new RepeatImageBatch(), "image", solid(2, 2, RED, WHITE), "amount", 3).getFirst());
        assertThat(out.size()).isEqualTo(6);
        for (int i = 0; i < 6; i++) assertThat(px(out, i, 1, 1)).isEqualTo(i % 2 == 0 ? RED : WHITE);
    }

    @Test
    void imageFromBatchClampsIndexAndLength() throws Exception {
        ImageBatch in = solid(2, 2, RED, WHITE, 0x123456);
        ImageBatch mid = image(run(new ImageFromBatch(), "image", in, "batch_index", 1, "length", 5).getFirst());
        assertThat(mid.size()).isEqualTo(2);
        assertThat(px(mid, 0, 0, 0)).isEqualTo(WHITE);
        assertThat(px(mid, 1, 0, 0)).isEqualTo(0x123456);
        ImageBatch past = image(run(new ImageFromBatch(), "image", in, "batch_index", 9, "length", 2).getFirst());
        assertThat(past.size()).isEqualTo(1);
        assertThat(px(past, 0, 1, 1)).isEqualTo(0x123456);
    }

    @Test
    void imageCropCutsAndClampsTheOrigin() throws Exception {
        ImageBatch in = dot(4, 4, 3, 2);
        ImageBatch out = image(run(new ImageCrop(), "image", in, "width", 2, "height", 2, "x", 2, "y", 1).getFirst());
        assertThat(out.width()).isEqualTo(2);
        assertThat(out.height()).isEqualTo(2);
        assertThat(px(out, 0, 1, 1)).isEqualTo(WHITE);
        assertThat(px(out, 0, 0, 0)).isZero();
        ImageBatch clamped = image(run(new ImageCrop(), "image", in, "width", 512, "height", 512, "x", 100, "y", 2).getFirst());
        assertThat(clamped.width()).isEqualTo(1);
        assertThat(clamped.height()).isEqualTo(2);
        assertThat(px(clamped, 0, 0, 0)).isEqualTo(WHITE);
    }

    @Test
    void imagePadForOutpaintAddsGreyBordersAndAFeatheredMask() throws Exception {
        List<Object> out = run(new ImagePadForOutpaint(), "image", solid(4, 4, RED), "left", 2, "top", 0, "right", 0, "bottom", 1,
                "feathering", 1);
        ImageBatch img = image(out.get(0));
        MaskBatch mask = (MaskBatch) out.get(1);
        assertThat(img.width()).isEqualTo(6);
        assertThat(img.height()).isEqualTo(5);
        assertThat(px(img, 0, 0, 0)).isEqualTo(grey(toByte(0.5)));
        assertThat(px(img, 0, 2, 0)).isEqualTo(RED);
        assertThat(px(img, 0, 5, 4)).isEqualTo(grey(toByte(0.5)));
        float[] m = mask.masks().getFirst();
        assertThat(mask.width()).isEqualTo(6);
        assertThat(m[0]).isEqualTo(1.0f);
        assertThat(m[2]).as("left image column is within the feathering").isEqualTo(1.0f);
        assertThat(m[3]).isEqualTo(0.0f);
        // ComfyUI measures the bottom distance as height - row, so its last image row is 1 away and not feathered at 1
        assertThat(m[3 * 6 + 4]).as("bottom image row").isEqualTo(0.0f);
        assertThat(m[4 * 6 + 4]).as("bottom padding").isEqualTo(1.0f);
    }

    @Test
    void imageScaleByRoundsTheNewSize() throws Exception {
        ImageBatch out = image(run(new ImageScaleBy(), "image", solid(4, 2, RED), "upscale_method", "nearest-exact", "scale_by", 1.5).getFirst());
        assertThat(out.width()).isEqualTo(6);
        assertThat(out.height()).isEqualTo(3);
        assertThat(px(out, 0, 5, 2)).isEqualTo(RED);
    }

    @Test
    void imageCompositeMaskedPastesAndBlends() throws Exception {
        ImageBatch dst = solid(4, 4, 0);
        ImageBatch src = solid(2, 2, WHITE);
        ImageBatch plain = image(run(new ImageCompositeMasked(), "destination", dst, "source", src, "x", 1, "y", 1, "resize_source", false).getFirst());
        assertThat(px(plain, 0, 1, 1)).isEqualTo(WHITE);
        assertThat(px(plain, 0, 2, 2)).isEqualTo(WHITE);
        assertThat(px(plain, 0, 3, 3)).isZero();
        assertThat(px(plain, 0, 0, 0)).isZero();
        MaskBatch half = (MaskBatch) run(new SolidMask(), "value", 0.5, "width", 2, "height", 2).getFirst();
        ImageBatch blended = image(run(new ImageCompositeMasked(), "destination", dst, "source", src, "x", 3, "y", 0,
                "resize_source", false, "mask", half).getFirst());
        assertThat(px(blended, 0, 3, 0)).isEqualTo(grey(toByte(0.5)));
        assertThat(px(blended, 0, 3, 1)).isEqualTo(grey(toByte(0.5)));
        assertThat(px(blended, 0, 3, 2)).isZero();
        ImageBatch resized = image(run(new ImageCompositeMasked(), "destination", dst, "source", src, "x", 0, "y", 0, "resize_source", true).getFirst());
        assertThat(px(resized, 0, 3, 3)).isEqualTo(WHITE);
    }

    @Test
    void imageToMaskAndMaskToImageRoundTripAChannel() throws Exception {
        MaskBatch red = (MaskBatch) run(new ImageToMask(), "image", solid(2, 2, RED), "channel", "red").getFirst();
        assertThat(red.masks().getFirst()[0]).isEqualTo(0xC8 / 255.0f);
        MaskBatch blue = (MaskBatch) run(new ImageToMask(), "image", solid(2, 2, RED), "channel", "blue").getFirst();
        assertThat(blue.masks().getFirst()[3]).isEqualTo(0x0A / 255.0f);
        ImageBatch back = image(run(new MaskToImage(), "mask", red).getFirst());
        assertThat(px(back, 0, 1, 1)).isEqualTo(grey(toByte(0xC8 / 255.0f)));
        assertThatThrownBy(() -> run(new ImageToMask(), "image", solid(2, 2, RED), "channel", "alpha"))
                .isInstanceOfSatisfying(PyException.class, e -> assertThat(e.type()).isEqualTo("IndexError"));
    }

    @Test
    void solidMaskAndInvertMask() throws Exception {
        MaskBatch solid = (MaskBatch) run(new SolidMask(), "value", 0.25, "width", 3, "height", 2).getFirst();
        assertThat(solid.width()).isEqualTo(3);
        assertThat(solid.height()).isEqualTo(2);
        assertThat(solid.masks()).hasSize(1);
        assertThat(solid.masks().getFirst()).containsOnly(0.25f);
        MaskBatch inverted = (MaskBatch) run(new InvertMask(), "mask", solid).getFirst();
        assertThat(inverted.masks().getFirst()).containsOnly(0.75f);
        assertThat(px(image(run(new MaskToImage(), "mask", inverted).getFirst()), 0, 2, 1)).isEqualTo(grey(toByte(0.75)));
    }

    @Test
    void imageAddNoiseIsSeededAndScaledByStrength() throws Exception {
        ImageBatch in = solid(8, 8, grey(128));
        ImageBatch none = image(run(new ImageAddNoise(), "image", in, "seed", 5, "strength", 0.0).getFirst());
        assertThat(px(none, 0, 3, 3)).isEqualTo(grey(toByte(128 / 255.0f)));
        ImageBatch a = image(run(new ImageAddNoise(), "image", in, "seed", 5, "strength", 0.5).getFirst());
        ImageBatch b = image(run(new ImageAddNoise(), "image", in, "seed", 5, "strength", 0.5).getFirst());
        ImageBatch c = image(run(new ImageAddNoise(), "image", in, "seed", 6, "strength", 0.5).getFirst());
        Set<Integer> values = new HashSet<>();
        boolean differs = false;
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                assertThat(px(a, 0, x, y)).isEqualTo(px(b, 0, x, y));
                differs |= px(a, 0, x, y) != px(c, 0, x, y);
                values.add(px(a, 0, x, y));
            }
        }
        assertThat(differs).isTrue();
        assertThat(values.size()).isGreaterThan(10);
    }

    @Test
    void primitivesPassTheirValueThrough() throws Exception {
        JsonNode v = PyJson.MAPPER.valueToTree(7);
        assertThat(run(Primitive.integer(), "value", v).getFirst()).isEqualTo(v);
        assertThat(PreviewAny.text(PyJson.MAPPER.valueToTree(false))).isEqualTo("False");
        assertThat(PreviewAny.text(PyJson.loads("{\"a\": [1, 2.0]}"))).isEqualTo("{\"a\": [1, 2.0]}");
        assertThat(PreviewAny.text(null)).isEqualTo("None");
    }

    @Test
    void rebatchImagesRegroupsEveryImageOfEveryBatch() throws Exception {
        List<Object> lists = new RebatchImages().execute(CTX, new Inputs(Map.of(
                "images", List.of(solid(2, 2, RED, WHITE), solid(2, 2, 0x123456)),
                "batch_size", List.of(PyJson.MAPPER.valueToTree(2))))).outputs();
        List<?> batches = (List<?>) lists.getFirst();
        assertThat(batches).hasSize(2);
        assertThat(image(batches.get(0)).images()).extracting(i -> i.getRGB(0, 0) & 0xFFFFFF).containsExactly(RED, WHITE);
        assertThat(image(batches.get(1)).images()).extracting(i -> i.getRGB(1, 1) & 0xFFFFFF).containsExactly(0x123456);
    }

    @Test
    void rebatchImagesRefusesImagesOfDifferentSizesInOneBatch() {
        Inputs mixed = new Inputs(Map.of("images", List.of(solid(4, 8, RED), solid(4, 6, RED)),
                "batch_size", List.of(PyJson.MAPPER.valueToTree(2))));
        assertThatThrownBy(() -> new RebatchImages().execute(CTX, mixed))
                .isInstanceOf(PyException.class)
                .hasMessageContaining("Sizes of tensors must match except in dimension 0. Expected size 8 but got size 6 for tensor number 1 in the list.");
    }
}
