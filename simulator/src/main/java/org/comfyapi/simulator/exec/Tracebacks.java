package org.comfyapi.simulator.exec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import org.comfyapi.graph.py.PyJson;

/** Plausible traceback.format_tb() lists for the errors the simulator raises. */
final class Tracebacks {
    private Tracebacks() {
    }

    static ArrayNode execution(String module, String function) {
        ArrayNode a = PyJson.array();
        a.add("  File \"/ComfyUI/execution.py\", line 496, in execute\n    output_data, output_ui, has_subgraph, has_pending_tasks = await get_output_data(prompt_id, unique_id, obj, input_data_all, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n                                                                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n");
        a.add("  File \"/ComfyUI/execution.py\", line 315, in get_output_data\n    return_values = await _async_map_node_over_list(prompt_id, unique_id, obj, input_data_all, obj.FUNCTION, allow_interrupt=True, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n                    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n");
        a.add("  File \"/ComfyUI/execution.py\", line 289, in _async_map_node_over_list\n    await process_inputs(input_dict, i)\n");
        a.add("  File \"/ComfyUI/execution.py\", line 277, in process_inputs\n    result = f(**inputs)\n             ^^^^^^^^^^^\n");
        a.add("  File \"/ComfyUI/" + module.replace('.', '/') + ".py\", line 1, in " + function + "\n");
        return a;
    }
}
