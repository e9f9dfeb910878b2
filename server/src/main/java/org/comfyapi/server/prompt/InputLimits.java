package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.error.BadInput;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Our own limits on a graph's inputs: a text input no longer than {@code MAX_STRING_INPUT_KB} (media we fetch
 * may be longer), and a {@code filename_prefix} that stays inside ComfyUI's output folder.
 */
public record InputLimits(long maxStringInputBytes) {
    private static final Pattern ABSOLUTE = Pattern.compile("^([/\\\\]|[A-Za-z]:).*", Pattern.DOTALL);
    private static final Pattern SEPARATOR = Pattern.compile("[/\\\\]");

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
                if (tooLong(text) && !InputResolver.needsFetch(input.getKey(), text)) {
                    throw new BadInput("String input is longer than MAX_STRING_INPUT_KB ("
                            + maxStringInputBytes / 1024 + " KB)", location);
                }
            }
        }
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
