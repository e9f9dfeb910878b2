package org.comfyapi.server.config;

import java.net.URI;
import java.util.Optional;

/** On SaladCloud: where the instance metadata service answers (for deletion cost), else empty. */
public record SaladSettings(Optional<URI> metadataUrl) {

    static SaladSettings fromEnv(Env env) {
        boolean onSalad = env.optional("SALAD_MACHINE_ID").isPresent() || env.optional("SALAD_CONTAINER_GROUP_ID").isPresent();
        return new SaladSettings(onSalad
                ? Optional.of(Env.httpUrl("SALAD_METADATA_URL", env.string("SALAD_METADATA_URL", "http://169.254.169.254")))
                : Optional.empty());
    }
}
