package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.graph.py.Py;
import org.comfyapi.graph.py.PyException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A node function's keyword arguments. */
public final class Inputs {
    private final Map<String, Object> values;

    public Inputs(Map<String, Object> values) {
        this.values = new LinkedHashMap<>(values);
    }

    public boolean has(String name) {
        return values.containsKey(name) && values.get(name) != null
                && !(values.get(name) instanceof JsonNode j && j.isNull());
    }

    public Object raw(String name) {
        return values.get(name);
    }

    private JsonNode json(String name) {
        Object v = values.get(name);
        if (v instanceof JsonNode j) return j;
        throw new PyException("TypeError", "unsupported operand type for " + name + ": '" + pyType(v) + "'");
    }

    public long integer(String name) {
        JsonNode j = json(name);
        if (j.isNumber() || j.isBoolean()) return j.isBoolean() ? (j.booleanValue() ? 1 : 0) : j.asLong();
        throw new PyException("TypeError", "'" + Py.typeName(j) + "' object cannot be interpreted as an integer");
    }

    public long integer(String name, long def) {
        return has(name) ? integer(name) : def;
    }

    public double dbl(String name) {
        JsonNode j = json(name);
        if (j.isNumber()) return j.asDouble();
        if (j.isBoolean()) return j.booleanValue() ? 1 : 0;
        throw new PyException("TypeError", "must be real number, not " + Py.typeName(j));
    }

    public String str(String name) {
        JsonNode j = json(name);
        if (j.isTextual()) return j.textValue();
        throw new PyException("AttributeError", "'" + Py.typeName(j) + "' object has no attribute 'replace'");
    }

    public boolean bool(String name) {
        return Py.truthy(json(name));
    }

    /** An INPUT_IS_LIST node's input: every value given, in order. */
    public List<Object> list(String name) {
        Object v = values.get(name);
        if (v instanceof List<?> l) return new ArrayList<>(l);
        throw new PyException("TypeError", "'NoneType' object is not iterable");
    }

    public JsonNode jsonOrNull(String name) {
        Object v = values.get(name);
        return v instanceof JsonNode j ? j : null;
    }

    /** A linked value of the given class, with Python's AttributeError when something else was wired in. */
    public <T> T obj(String name, Class<T> type, String attribute) {
        Object v = values.get(name);
        if (type.isInstance(v)) return type.cast(v);
        throw new PyException("AttributeError", "'" + pyType(v) + "' object has no attribute '" + attribute + "'");
    }

    private static String pyType(Object v) {
        if (v == null) return "NoneType";
        if (v instanceof JsonNode j) return Py.typeName(j);
        if (v instanceof PyValue p) return p.pyTypeName();
        return v.getClass().getSimpleName();
    }
}
