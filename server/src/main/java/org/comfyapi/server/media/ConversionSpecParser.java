package org.comfyapi.server.media;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns a {@code convert_output} JSON object into a {@link ConversionSpec}, applying sharp's option rules:
 * British and American spellings are both accepted, {@code mozjpeg: true} expands to trellis quantisation,
 * overshoot deringing, optimised progressive scans and quantisation table 3, and {@code optimizeScans}
 * forces a progressive JPEG. Unknown option names are ignored, as sharp does.
 */
final class ConversionSpecParser {

    static final String ROOT = "convert_output";
    private static final String OPTIONS = ROOT + ".options";

    private ConversionSpecParser() {
    }

    static ConversionSpec parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new InvalidConversionSpecException(ROOT, "must be an object");
        }
        JsonNode format = node.get("format");
        if (format == null || !format.isTextual()) {
            throw new InvalidConversionSpecException(ROOT + ".format", "must be one of: jpeg, jpg, webp");
        }
        JsonNode options = node.get("options");
        if (options != null && !options.isNull() && !options.isObject()) {
            throw new InvalidConversionSpecException(OPTIONS, "must be an object");
        }
        Options opts = new Options(options != null && options.isObject() ? options : null);
        return switch (format.textValue()) {
            case "jpeg", "jpg" -> jpeg(opts);
            case "webp" -> webp(opts);
            default -> throw new InvalidConversionSpecException(ROOT + ".format", "must be one of: jpeg, jpg, webp");
        };
    }

    private static JpegOptions jpeg(Options o) {
        JpegOptions d = JpegOptions.DEFAULTS;
        int quality = o.integer("quality", 1, 100, d.quality());
        boolean progressive = o.bool("progressive", d.progressive());
        ChromaSubsampling subsampling = o.oneOf("chromaSubsampling", ChromaSubsampling.class,
                ChromaSubsampling::label, d.chromaSubsampling());
        boolean optimizeCoding = o.bool(o.spelling("optimizeCoding", "optimiseCoding"), d.optimizeCoding());
        boolean trellis = d.trellisQuantisation();
        boolean deringing = d.overshootDeringing();
        boolean optimizeScans = d.optimizeScans();
        int quantTable = d.quantisationTable();
        if (o.bool("mozjpeg", false)) {
            trellis = true;
            deringing = true;
            optimizeScans = true;
            progressive = true;
            quantTable = 3;
        }
        trellis = o.bool(o.spelling("trellisQuantization", "trellisQuantisation"), trellis);
        deringing = o.bool("overshootDeringing", deringing);
        String scansField = o.spelling("optimizeScans", "optimiseScans");
        if (o.has(scansField)) {
            optimizeScans = o.bool(scansField, optimizeScans);
            progressive |= optimizeScans;
        }
        quantTable = o.integer(o.numberSpelling("quantizationTable", "quantisationTable"), 0, 8, quantTable);
        return new JpegOptions(quality, progressive, subsampling, optimizeCoding, trellis, deringing,
                optimizeScans, quantTable);
    }

    private static WebpOptions webp(Options o) {
        WebpOptions d = WebpOptions.DEFAULTS;
        return new WebpOptions(
                o.integer("quality", 1, 100, d.quality()),
                o.integer("alphaQuality", 0, 100, d.alphaQuality()),
                o.bool("lossless", d.lossless()),
                o.bool("nearLossless", d.nearLossless()),
                o.bool("smartSubsample", d.smartSubsample()),
                o.oneOf("preset", WebpPreset.class, WebpPreset::nick, d.preset()),
                o.integer("effort", 0, 6, d.effort()));
    }

    /** Typed reads of one options object; a present JSON null counts as a wrongly typed value. */
    private record Options(JsonNode node) {

        boolean has(String name) {
            return node != null && node.has(name);
        }

        /**
         * Which of two spellings to read: like sharp, the first one when it holds a boolean, else the
         * second one; but a wrongly typed first spelling with no second one is read, so that it is rejected.
         */
        String spelling(String preferred, String other) {
            return has(preferred) && (node.get(preferred).isBoolean() || !has(other)) ? preferred : other;
        }

        /** As {@link #spelling}, for a numeric option. */
        String numberSpelling(String preferred, String other) {
            return has(preferred) && (node.get(preferred).isNumber() || !has(other)) ? preferred : other;
        }

        boolean bool(String name, boolean fallback) {
            if (!has(name)) {
                return fallback;
            }
            JsonNode value = node.get(name);
            if (!value.isBoolean()) {
                throw new InvalidConversionSpecException(OPTIONS + "." + name, "must be a boolean");
            }
            return value.booleanValue();
        }

        int integer(String name, int min, int max, int fallback) {
            if (!has(name)) {
                return fallback;
            }
            JsonNode value = node.get(name);
            // JSON has no integer type: 80.0 is accepted as 80, as JavaScript would.
            if (value.isNumber() && value.canConvertToExactIntegral()) {
                double d = value.doubleValue();
                if (d >= min && d <= max) {
                    return value.intValue();
                }
            }
            throw new InvalidConversionSpecException(OPTIONS + "." + name,
                    "must be an integer between " + min + " and " + max);
        }

        <E extends Enum<E>> E oneOf(String name, Class<E> type, Function<E, String> label,
                                    E fallback) {
            if (!has(name)) {
                return fallback;
            }
            JsonNode value = node.get(name);
            if (value.isTextual()) {
                for (E e : type.getEnumConstants()) {
                    if (label.apply(e).equals(value.textValue())) {
                        return e;
                    }
                }
            }
            String allowed = Arrays.stream(type.getEnumConstants()).map(label).collect(Collectors.joining(", "));
            throw new InvalidConversionSpecException(OPTIONS + "." + name, "must be one of: " + allowed);
        }
    }
}
