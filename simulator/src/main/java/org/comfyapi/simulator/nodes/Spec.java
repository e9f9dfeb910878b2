package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;

import java.math.BigInteger;
import java.util.List;

/** Builders for INPUT_TYPES dictionaries: {"required": {name: [type, options]}, "optional": ..., "hidden": ...}. */
public final class Spec {
    private final ObjectNode root = PyJson.object();

    public static Spec create() {
        return new Spec();
    }

    public Spec required(String name, ArrayNode spec) {
        section("required").set(name, spec);
        return this;
    }

    public Spec optional(String name, ArrayNode spec) {
        section("optional").set(name, spec);
        return this;
    }

    public Spec hidden(String name, String kind) {
        section("hidden").put(name, kind);
        return this;
    }

    /** hidden prompt + extra_pnginfo, as every saving node declares. */
    public Spec hiddenPromptInfo() {
        return hidden("prompt", "PROMPT").hidden("extra_pnginfo", "EXTRA_PNGINFO");
    }

    private ObjectNode section(String s) {
        return root.has(s) ? (ObjectNode) root.get(s) : root.putObject(s);
    }

    public ObjectNode build() {
        return root;
    }

    public static ArrayNode type(String type) {
        return PyJson.array().add(type);
    }

    public static ArrayNode type(String type, ObjectNode options) {
        return PyJson.array().add(type).add(options);
    }

    public static ArrayNode tooltip(String type, String tooltip) {
        return type(type, opts().put("tooltip", tooltip));
    }

    public static ArrayNode combo(List<String> values) {
        ArrayNode list = PyJson.array();
        values.forEach(list::add);
        return PyJson.array().add(list);
    }

    public static ArrayNode combo(List<String> values, ObjectNode options) {
        return combo(values).add(options);
    }

    public static ObjectNode opts() {
        return PyJson.object();
    }

    public static ObjectNode intOpts(long def, long min, JsonNode max) {
        ObjectNode o = opts().put("default", def).put("min", min);
        o.set("max", max);
        return o;
    }

    public static ObjectNode intOpts(long def, long min, long max) {
        return opts().put("default", def).put("min", min).put("max", max);
    }

    public static ObjectNode floatOpts(double def, double min, double max, double step) {
        return opts().put("default", def).put("min", min).put("max", max).put("step", step);
    }

    /** ["INT", {"default", "min", "max"}]. */
    public static ArrayNode intWidget(long def, long min, long max) {
        return type("INT", intOpts(def, min, max));
    }

    /** ["INT", {"default", "min", "max", "step"}]. */
    public static ArrayNode intWidget(long def, long min, long max, long step) {
        return type("INT", intOpts(def, min, max).put("step", step));
    }

    /** An INT widget for a size or position in pixels, up to MAX_RESOLUTION. */
    public static ArrayNode pixels(long def, long min, long step) {
        return intWidget(def, min, ImageScale.MAX_RESOLUTION, step);
    }

    /** ["FLOAT", {"default", "min", "max", "step"}]. */
    public static ArrayNode floatWidget(double def, double min, double max, double step) {
        return type("FLOAT", floatOpts(def, min, max, step));
    }

    /** KSampler's seed widget, 0 to 2^64-1, which other seeded nodes copy. */
    public static ArrayNode seedWidget() {
        ObjectNode seed = intOpts(0, 0, BigIntegerNode.valueOf(U64_MAX));
        seed.put("control_after_generate", true).put("tooltip", "The random seed used for creating the noise.");
        return type("INT", seed);
    }

    public static final BigInteger U64_MAX = new BigInteger("18446744073709551615");
}
