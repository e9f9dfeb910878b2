package org.comfyapi.simulator.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.Py;
import org.comfyapi.graph.py.PyException;
import org.comfyapi.graph.py.PyJson;

import java.util.List;

/** The queue tuple (number, prompt_id, prompt, extra_data, outputs_to_execute), ordered as Python compares tuples. */
public record QueueItem(JsonNode number, String promptId, ObjectNode prompt, ObjectNode extraData, List<String> outputs)
        implements Comparable<QueueItem> {

    public ArrayNode toJson() {
        ArrayNode a = PyJson.array();
        a.add(number);
        a.add(promptId);
        a.add(prompt);
        a.add(extraData);
        ArrayNode outs = a.addArray();
        outputs.forEach(outs::add);
        return a;
    }

    public QueueItem deepCopy() {
        return new QueueItem(number.deepCopy(), promptId, prompt.deepCopy(), extraData.deepCopy(), List.copyOf(outputs));
    }

    public String clientId() {
        JsonNode c = extraData.get("client_id");
        if (c == null || c.isNull()) return null;
        // A non-string client id can never match a socket; keep it distinct from every real sid.
        return c.isTextual() ? c.textValue() : "\u0000" + PyJson.dumps(c);
    }

    @Override
    public int compareTo(QueueItem o) {
        Integer c = Py.compareNumbers(number, o.number);
        if (c == null) c = 0;
        if (c != 0) return c;
        c = compareCodePoints(promptId, o.promptId);
        if (c != 0) return c;
        if (!prompt.equals(o.prompt) || !extraData.equals(o.extraData)) {
            throw new PyException("TypeError", "'<' not supported between instances of 'dict' and 'dict'");
        }
        for (int i = 0; i < Math.min(outputs.size(), o.outputs.size()); i++) {
            int d = compareCodePoints(outputs.get(i), o.outputs.get(i));
            if (d != 0) return d;
        }
        return Integer.compare(outputs.size(), o.outputs.size());
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) return Integer.compare(x, y);
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
