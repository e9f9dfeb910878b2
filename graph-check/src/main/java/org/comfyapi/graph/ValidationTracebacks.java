package org.comfyapi.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import org.comfyapi.graph.py.PyJson;

/** Plausible traceback.format_tb() lists for the exceptions validate_prompt reports. */
final class ValidationTracebacks {
    private ValidationTracebacks() {
    }

    static ArrayNode validation() {
        ArrayNode a = PyJson.array();
        a.add("  File \"/ComfyUI/execution.py\", line 1006, in validate_prompt\n    m = await validate_inputs(prompt_id, prompt, o, validated)\n        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n");
        a.add("  File \"/ComfyUI/execution.py\", line 760, in validate_inputs\n    o_class_type = prompt[o_id]['class_type']\n                   ~~~~~~^^^^^^\n");
        return a;
    }

    static ArrayNode innerValidation() {
        ArrayNode a = PyJson.array();
        a.add("  File \"/ComfyUI/execution.py\", line 780, in validate_inputs\n    r = await validate_inputs(prompt_id, prompt, o_id, validated)\n        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n");
        a.add("  File \"/ComfyUI/execution.py\", line 760, in validate_inputs\n    o_class_type = prompt[o_id]['class_type']\n                   ~~~~~~^^^^^^\n");
        return a;
    }
}
