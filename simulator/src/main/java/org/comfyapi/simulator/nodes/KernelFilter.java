package org.comfyapi.simulator.nodes;

/** ImageBlur and ImageSharpen: a kernel made from gaussian_kernel(2r+1, sigma), convolved over the reflect-padded image. */
abstract class KernelFilter extends FixedNode {
    private final String radiusInput;

    KernelFilter(String name, String displayName, String radiusInput) {
        super(name, displayName, Family.POST_PROCESSING, "IMAGE");
        this.radiusInput = radiusInput;
    }

    /** image, the radius and sigma; the nodes differ in sigma's step and what follows. */
    final Spec declaration(double sigmaStep) {
        return Spec.create()
                .required("image", Spec.type("IMAGE"))
                .required(radiusInput, Spec.intWidget(1, 1, 31, 1))
                .required("sigma", Spec.floatWidget(1.0, 0.1, 10.0, sigmaStep));
    }

    /** The kernel to convolve with, made from the normalised gaussian (which it may change in place). */
    abstract float[][] kernel(float[][] gaussian, int radius, Inputs in);

    @Override
    public final NodeResult execute(ExecContext ctx, Inputs in) {
        ImageBatch batch = in.obj("image", ImageBatch.class, "to");
        int radius = (int) in.integer(radiusInput);
        if (radius == 0) return NodeResult.of(batch);
        Convolution.checkReflectPad(batch, radius);
        float[][] kernel = kernel(Convolution.gaussian(radius * 2 + 1, in.dbl("sigma")), radius, in);
        return NodeResult.of(batch.map(img -> Convolution.apply(Planes.of(img), kernel).toImage()));
    }
}
