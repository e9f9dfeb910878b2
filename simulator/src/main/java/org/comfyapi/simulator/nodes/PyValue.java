package org.comfyapi.simulator.nodes;

/** A run-time value flowing between nodes; toString() is what Python's str() would print. */
public interface PyValue {
    String pyTypeName();
}
