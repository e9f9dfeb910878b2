package org.comfyapi.server.storage;

import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The file name a {@code Content-Disposition} header suggests, reduced to a bare name. */
final class ContentDisposition {
    private static final Pattern EXTENDED = Pattern.compile("(?i)(?:^|;)\\s*filename\\*\\s*=\\s*([^';]*)'[^']*'([^;]+)");
    private static final Pattern QUOTED = Pattern.compile("(?i)(?:^|;)\\s*filename\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern TOKEN = Pattern.compile("(?i)(?:^|;)\\s*filename\\s*=\\s*([^;\\s]+)");

    private ContentDisposition() {}

    static Optional<String> filename(String header) {
        if (header == null || header.isBlank()) return Optional.empty();
        Matcher extended = EXTENDED.matcher(header);
        if (extended.find()) {
            try {
                Charset charset = extended.group(1).isBlank() ? StandardCharsets.UTF_8 : Charset.forName(extended.group(1).trim());
                return clean(URLDecoder.decode(extended.group(2).trim().replace("+", "%2B"), charset));
            } catch (RuntimeException e) {
                // unknown charset or bad escape: fall through to the plain form
            }
        }
        Matcher quoted = QUOTED.matcher(header);
        if (quoted.find()) return clean(quoted.group(1).replaceAll("\\\\(.)", "$1"));
        Matcher token = TOKEN.matcher(header);
        if (token.find()) return clean(token.group(1));
        return Optional.empty();
    }

    private static Optional<String> clean(String name) {
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).strip();
        if (base.isEmpty() || base.equals(".") || base.equals("..") || base.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Optional.empty();
        }
        return Optional.of(base);
    }

    /** {@code image/png; charset=x} becomes {@code image/png}. */
    static Optional<String> mediaType(String contentType) {
        if (contentType == null) return Optional.empty();
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.isEmpty() ? Optional.empty() : Optional.of(type);
    }
}
