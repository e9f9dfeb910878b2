package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The V3-schema primitives of comfy_extras.nodes_primitive: PrimitiveString(Multiline)/Int/Float/Boolean pass their widget value on. */
public final class Primitive extends FixedNode {
    /** sys.maxsize on a 64-bit CPython. The V3 serializer keeps every option that is not None (String's multiline=False). */
    private static final long MAXSIZE = Long.MAX_VALUE;

    private final String type;
    private final ObjectNode options;

    private Primitive(String name, String displayName, String type, ObjectNode options) {
        super(name, displayName, new Family("utils/primitive", "comfy_extras.nodes_primitive"), type);
        this.type = type;
        this.options = options;
    }

    public static Primitive string() {
        return new Primitive("PrimitiveString", "String", "STRING", Spec.opts().put("multiline", false));
    }

    public static Primitive multilineString() {
        return new Primitive("PrimitiveStringMultiline", "String (Multiline)", "STRING", Spec.opts().put("multiline", true));
    }

    public static Primitive integer() {
        return new Primitive("PrimitiveInt", "Int", "INT",
                Spec.opts().put("min", -MAXSIZE).put("max", MAXSIZE).put("control_after_generate", true));
    }

    public static Primitive floating() {
        return new Primitive("PrimitiveFloat", "Float", "FLOAT", Spec.opts().put("min", -MAXSIZE).put("max", MAXSIZE));
    }

    public static Primitive bool() {
        return new Primitive("PrimitiveBoolean", "Boolean", "BOOLEAN", Spec.opts());
    }

    @Override
    public boolean v3Schema() {
        return true;
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create().required("value", Spec.type(type, options.deepCopy())).build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        return NodeResult.of(in.raw("value"));
    }
}
