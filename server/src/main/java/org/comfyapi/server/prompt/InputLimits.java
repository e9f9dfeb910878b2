package org.comfyapi.server.prompt;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.json.StringLimit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Our own limits on a graph's inputs: a text input no longer than {@code MAX_STRING_INPUT_KB} (media we fetch
 * may be longer), and a {@code filename_prefix} that stays inside ComfyUI's output folder.
 */
public record InputLimits(long maxStringInputBytes) {
    private static final Pattern ABSOLUTE = Pattern.compile("^([/\\\\]|[A-Za-z]:).*", Pattern.DOTALL);
    private static final Pattern SEPARATOR = Pattern.compile("[/\\\\]");

    /**
     * The same limit while the request body is parsed, for the inputs that are always text ({@code text},
     * {@code prompt} ...): such a string at {@code prompt.<node>.inputs.<name>} is refused before it is whole.
     * Other inputs may hold media we fetch, known only from the whole value, so {@link #check} sees them.
     */
    public StringLimit whileParsing() {
        return (where, length) -> {
            if (length > maxStringInputBytes) textInputAt(where).ifPresent(location -> {
                throw refused(location);
            });
        };
    }

    /** {@code prompt.<node>.inputs.<name>} when {@code where} is such a text input of the body's graph. */
    private static Optional<String> textInputAt(JsonStreamContext where) {
        List<String> names = new ArrayList<>(); // innermost first
        for (JsonStreamContext c = where; c != null && !c.inRoot(); c = c.getParent()) {
            if (!c.inObject() || c.getCurrentName() == null) return Optional.empty();
            names.add(c.getCurrentName());
        }
        if (names.size() != 4 || !names.get(3).equals("prompt") || !names.get(1).equals("inputs")
                || !InputResolver.isTextInput(names.get(0))) {
            return Optional.empty();
        }
        return Optional.of("prompt." + names.get(2) + ".inputs." + names.get(0));
    }

    void check(ObjectNode graph) {
        for (var node : graph.properties()) {
            JsonNode inputs = node.getValue().get("inputs");
            if (inputs == null) continue;
            for (var input : inputs.properties()) {
                JsonNode value = input.getValue();
                if (!value.isTextual()) continue;
                String location = "prompt." + node.getKey() + ".inputs." + input.getKey();
                String text = value.asText();
                if (input.getKey().equals("filename_prefix")) checkPrefix(text, location);
                if (tooLong(text) && !InputResolver.needsFetch(input.getKey(), text)) throw refused(location);
            }
        }
    }

    private BadInput refused(String location) {
        return new BadInput("String input is longer than MAX_STRING_INPUT_KB (" + maxStringInputBytes / 1024 + " KB)", location);
    }

    private boolean tooLong(String text) {
        if (text.length() > maxStringInputBytes) return true;
        return text.length() * 3L > maxStringInputBytes && text.getBytes(StandardCharsets.UTF_8).length > maxStringInputBytes;
    }

    private static void checkPrefix(String prefix, String location) {
        boolean escapes = ABSOLUTE.matcher(prefix).matches();
        for (String segment : SEPARATOR.split(prefix, -1)) escapes |= segment.equals("..");
        if (escapes) {
            throw new BadInput("\"filename_prefix\" must be a relative path inside the output folder "
                    + "(no \"..\" and not absolute)", location);
        }
    }
}
