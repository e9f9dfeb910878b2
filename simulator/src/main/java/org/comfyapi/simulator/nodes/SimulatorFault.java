package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.simulator.image.ImageOps;
import org.comfyapi.graph.py.PyException;

import java.util.List;

/** Simulator-only node that injects faults: none, crash (halt the JVM), hang (until interrupted), error, slow. */
public final class SimulatorFault extends FixedNode {
    public SimulatorFault() {
        super("SimulatorFault", "Simulator Fault", new Family("_for_testing", "custom_nodes.comfyui_simulator"), "IMAGE");
    }

    @Override
    public String description() {
        return "Test helper of the ComfyUI simulator: passes images through after injecting the chosen fault.";
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("mode", Spec.combo(List.of("none", "crash", "hang", "error", "slow")))
                .required("ms", Spec.intWidget(0, 0, Integer.MAX_VALUE))
                .optional("images", Spec.type("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) throws InterruptedException {
        String mode = in.str("mode");
        long ms = in.integer("ms", 0);
        ImageBatch images = in.has("images") ? in.obj("images", ImageBatch.class, "clone")
                : new ImageBatch(List.of(ImageOps.rgb(64, 64)));
        if (!mode.equals("hang") && ms > 0) Thread.sleep(ms);
        switch (mode) {
            case "crash" -> {
                System.err.println("SimulatorFault: crashing the process (mode=crash)");
                System.err.flush();
                Runtime.getRuntime().halt(1);
            }
            case "hang" -> ctx.blockUntilInterrupted();
            case "error" -> throw new PyException("RuntimeError", "SimulatorFault: injected error (mode=error)");
            default -> {
                // none / slow: pass through
            }
        }
        return NodeResult.of(images);
    }
}
