package org.comfyapi.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Node classes as a running ComfyUI describes them at {@code GET /object_info}. That document does not say
 * which classes have VALIDATE_INPUTS; the core file loaders that do are known here, and checked the way
 * their VALIDATE_INPUTS would: the file must be among the input folder's files that object_info lists.
 */
public final class ObjectInfoCatalog implements NodeCatalog {
    /** Core classes whose VALIDATE_INPUTS replaces the choices check of one input, with that input. */
    private static final Map<String, String> FILE_LOADERS = Map.of(
            "LoadImage", "image", "LoadImageMask", "image", "LoadImageOutput", "image");

    private final JsonNode objectInfo;

    public ObjectInfoCatalog(JsonNode objectInfo) {
        this.objectInfo = objectInfo;
    }

    @Override
    public NodeSchema find(String classType) {
        JsonNode info = objectInfo.get(classType);
        if (info == null || !info.isObject()) return null;
        return new InfoSchema(classType, info, FILE_LOADERS.get(classType));
    }

    private record InfoSchema(String name, JsonNode info, String fileInput) implements NodeSchema {
        @Override
        public ObjectNode inputTypes() {
            JsonNode input = info.get("input");
            return input instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        }

        @Override
        public List<String> returnTypes() {
            List<String> types = new ArrayList<>();
            // A combo output is listed as its choices; links from it carry the COMBO type.
            for (JsonNode t : info.path("output")) types.add(t.isTextual() ? t.textValue() : "COMBO");
            return types;
        }

        @Override
        public boolean outputNode() {
            return info.path("output_node").asBoolean(false);
        }

        @Override
        public List<String> validateInputNames() {
            return fileInput == null ? List.of() : List.of("s", fileInput);
        }

        @Override
        public String validateInputs(Map<String, JsonNode> inputs) {
            JsonNode value = inputs.get(fileInput);
            if (value == null || !value.isTextual()) return null; // linked: ComfyUI checks it when it runs
            String name = value.textValue();
            if (name.endsWith(" [output]") || name.endsWith(" [temp]")) return null; // folders object_info does not list
            String plain = name.endsWith(" [input]") ? name.substring(0, name.length() - " [input]".length()) : name;
            GraphValidator.InputInfo declared = GraphValidator.inputInfo(inputTypes(), fileInput);
            if (declared == null) return null;
            for (JsonNode choice : GraphValidator.choices(declared)) {
                if (choice.isTextual() && choice.textValue().equals(plain)) return null;
            }
            return "Invalid image file: " + name;
        }
    }
}
