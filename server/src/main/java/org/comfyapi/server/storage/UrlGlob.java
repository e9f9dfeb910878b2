package org.comfyapi.server.storage;

import java.util.regex.Pattern;

/**
 * A URL pattern from {@code credentials[].url_pattern}, matched against the whole URL:
 * {@code *} is any run of characters but {@code /}, {@code **} any run of characters,
 * {@code ?} exactly one character; everything else is literal.
 */
public record UrlGlob(String pattern, Pattern regex) {

    public static UrlGlob compile(String pattern) {
        StringBuilder regex = new StringBuilder(pattern.length() + 16);
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '*' && c != '?') {
                literal.append(c);
                continue;
            }
            if (!literal.isEmpty()) {
                regex.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
            }
            if (c == '?') {
                regex.append('.');
            } else if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                while (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') i++;
                regex.append(".*");
            } else {
                regex.append("[^/]*");
            }
        }
        if (!literal.isEmpty()) regex.append(Pattern.quote(literal.toString()));
        return new UrlGlob(pattern, Pattern.compile(regex.toString(), Pattern.DOTALL));
    }

    public boolean matches(String url) {
        return regex.matcher(url).matches();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
