package org.comfyapi.simulator.nodes;

import java.util.List;

/** A node class whose name, display name, family and RETURN_TYPES are fixed when it is made. */
abstract class FixedNode extends NodeType {
    private final String name;
    private final String displayName;
    private final Family family;
    private final List<String> returnTypes;

    FixedNode(String name, Family family, String... returnTypes) {
        this(name, name, family, returnTypes);
    }

    FixedNode(String name, String displayName, Family family, String... returnTypes) {
        this.name = name;
        this.displayName = displayName;
        this.family = family;
        this.returnTypes = List.of(returnTypes);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String displayName() {
        return displayName;
    }

    @Override
    public final String category() {
        return family.category();
    }

    @Override
    public final String pythonModule() {
        return family.module();
    }

    @Override
    public final List<String> returnTypes() {
        return returnTypes;
    }
}
