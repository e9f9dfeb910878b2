package org.comfyapi.graph;

/** NODE_CLASS_MAPPINGS as validation sees it. */
@FunctionalInterface
public interface NodeCatalog {
    /** The class registered as {@code classType}, or null. */
    NodeSchema find(String classType);
}
