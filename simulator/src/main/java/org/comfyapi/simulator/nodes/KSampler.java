package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyException;

import java.util.List;
import java.util.Objects;

/** KSampler: reports a progress step every --step-ms and returns a latent fingerprinted by its settings. */
public final class KSampler extends FixedNode {
    public static final List<String> SAMPLERS = List.of("euler", "euler_cfg_pp", "euler_ancestral", "euler_ancestral_cfg_pp",
            "heun", "heunpp2", "dpm_2", "dpm_2_ancestral", "lms", "dpm_fast", "dpm_adaptive", "dpmpp_2s_ancestral",
            "dpmpp_2s_ancestral_cfg_pp", "dpmpp_sde", "dpmpp_sde_gpu", "dpmpp_2m", "dpmpp_2m_cfg_pp", "dpmpp_2m_sde",
            "dpmpp_2m_sde_gpu", "dpmpp_2m_sde_heun", "dpmpp_2m_sde_heun_gpu", "dpmpp_3m_sde", "dpmpp_3m_sde_gpu", "ddpm",
            "lcm", "ipndm", "ipndm_v", "deis", "res_multistep", "res_multistep_cfg_pp", "res_multistep_ancestral",
            "res_multistep_ancestral_cfg_pp", "gradient_estimation", "gradient_estimation_cfg_pp", "er_sde", "seeds_2",
            "seeds_3", "sa_solver", "sa_solver_pece", "ddim", "uni_pc", "uni_pc_bh2");
    public static final List<String> SCHEDULERS = List.of("simple", "sgm_uniform", "karras", "exponential", "ddim_uniform",
            "beta", "normal", "linear_quadratic", "kl_optimal");

    public KSampler() {
        super("KSampler", Family.core("sampling"), "LATENT");
    }

    @Override
    public String description() {
        return "Uses the provided model, positive and negative conditioning to denoise the latent image.";
    }

    @Override
    public List<String> outputTooltips() {
        return List.of("The denoised latent.");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("model", Spec.tooltip("MODEL", "The model used for denoising the input latent."))
                .required("seed", Spec.seedWidget())
                .required("steps", Spec.type("INT", Spec.intOpts(20, 1, 10000).put("tooltip", "The number of steps used in the denoising process.")))
                .required("cfg", Spec.type("FLOAT", Spec.floatOpts(8.0, 0.0, 100.0, 0.1).put("round", 0.01).put("tooltip",
                        "The Classifier-Free Guidance scale balances creativity and adherence to the prompt. Higher values result in images more closely matching the prompt however too high values will negatively impact quality.")))
                .required("sampler_name", Spec.combo(SAMPLERS, Spec.opts().put("tooltip",
                        "The algorithm used when sampling, this can affect the quality, speed, and style of the generated output.")))
                .required("scheduler", Spec.combo(SCHEDULERS, Spec.opts().put("tooltip",
                        "The scheduler controls how noise is gradually removed to form the image.")))
                .required("positive", Spec.tooltip("CONDITIONING", "The conditioning describing the attributes you want to include in the image."))
                .required("negative", Spec.tooltip("CONDITIONING", "The conditioning describing the attributes you want to exclude from the image."))
                .required("latent_image", Spec.tooltip("LATENT", "The latent image to denoise."))
                .required("denoise", Spec.type("FLOAT", Spec.floatOpts(1.0, 0.0, 1.0, 0.01).put("tooltip",
                        "The amount of denoising applied, lower values will maintain the structure of the initial image allowing for image to image sampling.")))
                .build();
    }

    /** latent2rgb-style previews are latent-sized; taesd previews are full-sized; both capped at --preview-size. */
    private static java.awt.image.BufferedImage preview(NodeEnv env, Latent latent, long fingerprint, long step, long steps) {
        int scale = "taesd".equals(env.previewMethod()) ? 8 : 1;
        int w = Math.max(1, latent.width() * scale);
        int h = Math.max(1, latent.height() * scale);
        double f = Math.min(1.0, (double) env.previewSize() / Math.max(w, h));
        w = Math.max(1, (int) (w * f));
        h = Math.max(1, (int) (h * f));
        return VaeDecode.render(w, h, fingerprint * 1000 + step, 0);
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) throws InterruptedException {
        ModelRefs.Model model = in.obj("model", ModelRefs.Model.class, "get_model_object");
        Latent latent = in.obj("latent_image", Latent.class, "__getitem__");
        ModelRefs.Conditioning pos = in.obj("positive", ModelRefs.Conditioning.class, "__iter__");
        ModelRefs.Conditioning neg = in.obj("negative", ModelRefs.Conditioning.class, "__iter__");
        long steps = in.integer("steps");
        if (steps < 1) throw new PyException("IndexError", "index -1 is out of bounds for dimension 0 with size 0");
        long fingerprint = Objects.hash(in.jsonOrNull("seed"), steps, in.jsonOrNull("cfg"), in.jsonOrNull("sampler_name"),
                in.jsonOrNull("scheduler"), in.jsonOrNull("denoise"), model, pos.text(), neg.text(), latent.fingerprint());
        if (fingerprint == 0) fingerprint = 1;
        for (long k = 1; k <= steps; k++) {
            if (ctx.env().stepMs() > 0) Thread.sleep(ctx.env().stepMs());
            ctx.progress(k, steps, ctx.env().previews() ? preview(ctx.env(), latent, fingerprint, k, steps) : null);
        }
        return NodeResult.of(new Latent(latent.batch(), latent.width(), latent.height(), fingerprint));
    }
}
