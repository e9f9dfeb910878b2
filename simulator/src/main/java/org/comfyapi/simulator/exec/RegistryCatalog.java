package org.comfyapi.simulator.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.NodeCatalog;
import org.comfyapi.graph.NodeSchema;
import org.comfyapi.simulator.nodes.NodeEnv;
import org.comfyapi.simulator.nodes.NodeRegistry;
import org.comfyapi.simulator.nodes.NodeType;

import java.util.List;
import java.util.Map;

/** The simulator's node classes, as the shared graph validator sees them. */
public final class RegistryCatalog implements NodeCatalog {
    private final NodeRegistry registry;
    private final NodeEnv env;

    public RegistryCatalog(NodeRegistry registry, NodeEnv env) {
        this.registry = registry;
        this.env = env;
    }

    @Override
    public NodeSchema find(String classType) {
        NodeType type = registry.get(classType);
        return type == null ? null : new Schema(type, env);
    }

    private record Schema(NodeType type, NodeEnv env) implements NodeSchema {
        @Override
        public String name() {
            return type.name();
        }

        @Override
        public ObjectNode inputTypes() {
            return type.inputTypes(env);
        }

        @Override
        public List<String> returnTypes() {
            return type.returnTypes();
        }

        @Override
        public boolean outputNode() {
            return type.outputNode();
        }

        @Override
        public List<String> validateInputNames() {
            return type.validateInputNames();
        }

        @Override
        public String validateInputs(Map<String, JsonNode> inputs) {
            return type.validateInputs(inputs, env);
        }
    }
}
