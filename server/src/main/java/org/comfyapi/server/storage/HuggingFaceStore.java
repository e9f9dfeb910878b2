package org.comfyapi.server.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The Hugging Face Hub ({@code huggingface.co}, {@code hf.co} or the {@code HF_ENDPOINT} mirror):
 * downloads are plain GETs with {@code HF_TOKEN}; {@code hf_upload} commits each file through the
 * Hub's commit API ({@link HubCommit}). Uploads land at the file's {@code resolve} URL, which this
 * provider downloads again.
 */
final class HuggingFaceStore implements StorageProvider<UploadTarget.HfRepo> {
    static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    private final StorageSettings settings;
    private final HttpStore http;
    private final String endpoint;
    private final HubCommit commits;

    HuggingFaceStore(StorageSettings settings, HttpStore http) {
        this.settings = settings;
        this.http = http;
        this.endpoint = settings.hfEndpoint().orElse(DEFAULT_ENDPOINT).replaceAll("/+$", "");
        this.commits = new HubCommit(settings, URI.create(endpoint));
    }

    /** huggingface.co, hf.co, or the origin of {@code HF_ENDPOINT} (a mirror). */
    @Override
    public boolean downloads(URI url, Optional<Auth> auth) {
        return isHuggingFace(url, settings);
    }

    static boolean isHuggingFace(URI url, StorageSettings settings) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) return false;
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("huggingface.co") || host.equals("hf.co")) return true;
        return settings.hfEndpoint().map(URI::create).filter(endpoint -> Urls.sameOrigin(url, endpoint)).isPresent();
    }

    @Override
    public DownloadResult download(URI url, Path destination, Optional<Auth> auth) throws DownloadException {
        return http.download(url, destination, auth.or(() -> settings.hfToken().map(Auth.Bearer::new)), false);
    }

    @Override
    public Class<UploadTarget.HfRepo> targetType() {
        return UploadTarget.HfRepo.class;
    }

    /** {@code {endpoint}/[datasets/|spaces/]{repo}/resolve/{revision}/{directory}/{name}}. */
    @Override
    public String destination(UploadTarget.HfRepo target, String name) {
        StringBuilder url = new StringBuilder(endpoint).append('/').append(repoPrefix(target.repoType())).append(target.repo())
                .append("/resolve/").append(Urls.encodePathSegment(target.revision()));
        for (String segment : target.pathInRepo(name).split("/")) url.append('/').append(Urls.encodePathSegment(segment));
        return url.toString();
    }

    /** The request's own bearer credential for the destination wins over {@code HF_TOKEN}. */
    @Override
    public void upload(Path file, String name, UploadTarget.HfRepo target, Optional<Auth> auth, Cancellation cancellation)
            throws UploadException {
        String token = auth.filter(Auth.Bearer.class::isInstance).map(a -> ((Auth.Bearer) a).token())
                .or(settings::hfToken)
                .orElseThrow(() -> new UploadException("hf_upload needs HF_TOKEN (or a bearer credential for " + endpoint + ")"));
        commits.commit(file, target, target.pathInRepo(name), token, cancellation);
    }

    /** Where the Hub puts a repository type in its git URLs: models have none. */
    static String repoPrefix(String repoType) {
        return switch (repoType) {
            case "dataset" -> "datasets/";
            case "space" -> "spaces/";
            default -> "";
        };
    }
}
