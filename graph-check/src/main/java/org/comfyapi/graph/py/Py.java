package org.comfyapi.graph.py;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/** Python value semantics (str, repr, int(), float(), bool()) over Jackson trees. */
public final class Py {
    private Py() {
    }

    private static final Pattern INT_LITERAL = Pattern.compile("[+-]?\\d+(_\\d+)*");
    private static final Pattern FLOAT_LITERAL = Pattern.compile(
            "[+-]?((\\d+(_\\d+)*)?\\.?\\d+(_\\d+)*([eE][+-]?\\d+)?|\\d+(_\\d+)*\\.([eE][+-]?\\d+)?)");
    private static final Pattern SPECIAL_FLOAT = Pattern.compile("(?i)[+-]?(inf|infinity|nan)");

    /** Python type name of a JSON value, as in error messages. */
    public static String typeName(JsonNode v) {
        if (v == null || v.isNull()) return "NoneType";
        if (v.isBoolean()) return "bool";
        if (v.isIntegralNumber()) return "int";
        if (v.isNumber()) return "float";
        if (v.isTextual()) return "str";
        if (v.isArray()) return "list";
        return "dict";
    }

    /** Python {@code str(value)}. */
    public static String str(JsonNode v) {
        if (v == null || v.isNull()) return "None";
        if (v.isTextual()) return v.textValue();
        return repr(v);
    }

    /** Python {@code repr(value)}. */
    public static String repr(JsonNode v) {
        if (v == null || v.isNull()) return "None";
        if (v.isBoolean()) return v.booleanValue() ? "True" : "False";
        if (v.isIntegralNumber()) return v.bigIntegerValue().toString();
        if (v.isNumber()) return floatRepr(v.doubleValue());
        if (v.isTextual()) return repr(v.textValue());
        StringBuilder sb = new StringBuilder();
        if (v.isArray()) {
            sb.append('[');
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) sb.append(", ");
                sb.append(repr(v.get(i)));
            }
            return sb.append(']').toString();
        }
        sb.append('{');
        Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator();
        boolean first = true;
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!first) sb.append(", ");
            first = false;
            sb.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
        }
        return sb.append('}').toString();
    }

    /** Python {@code repr(str)}. */
    public static String repr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c == quote) sb.append('\\').append(c);
                    else if (c < 0x20 || (c >= 0x7f && c <= 0xa0)) sb.append(String.format("\\x%02x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append(quote).toString();
    }

    /** Python {@code repr(float)}: shortest round-trip digits, exponent form outside [1e-4, 1e16). */
    public static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int decpt = digits.length() - bd.scale();
        String sign = d < 0 ? "-" : "";
        if (decpt > -4 && decpt <= 16) {
            if (decpt <= 0) return sign + "0." + "0".repeat(-decpt) + digits;
            if (decpt >= digits.length()) return sign + digits + "0".repeat(decpt - digits.length()) + ".0";
            return sign + digits.substring(0, decpt) + "." + digits.substring(decpt);
        }
        int exp = decpt - 1;
        String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String e = String.valueOf(Math.abs(exp));
        if (e.length() < 2) e = "0" + e;
        return sign + mant + "e" + (exp < 0 ? "-" : "+") + e;
    }

    public static JsonNode intNode(BigInteger v) {
        if (v.bitLength() < 32) return IntNode.valueOf(v.intValue());
        if (v.bitLength() < 64) return LongNode.valueOf(v.longValue());
        return BigIntegerNode.valueOf(v);
    }

    /** Python {@code int(value)}. */
    public static JsonNode toInt(JsonNode v) {
        if (v == null || v.isNull() || v.isContainerNode()) {
            throw new PyException("TypeError", "int() argument must be a string, a bytes-like object or a real number, not '" + typeName(v) + "'");
        }
        if (v.isBoolean()) return IntNode.valueOf(v.booleanValue() ? 1 : 0);
        if (v.isIntegralNumber()) return intNode(v.bigIntegerValue());
        if (v.isNumber()) {
            double d = v.doubleValue();
            if (Double.isNaN(d)) throw new PyException("ValueError", "cannot convert float NaN to integer");
            if (Double.isInfinite(d)) throw new PyException("OverflowError", "cannot convert float infinity to integer");
            return intNode(new BigDecimal(d).toBigInteger());
        }
        String s = v.textValue().strip();
        if (!INT_LITERAL.matcher(s).matches()) {
            throw new PyException("ValueError", "invalid literal for int() with base 10: " + repr(v.textValue()));
        }
        return intNode(new BigInteger(s.replace("_", "")));
    }

    /** Python {@code float(value)}. */
    public static JsonNode toFloat(JsonNode v) {
        if (v == null || v.isNull() || v.isContainerNode()) {
            throw new PyException("TypeError", "float() argument must be a string or a real number, not '" + typeName(v) + "'");
        }
        if (v.isBoolean()) return DoubleNode.valueOf(v.booleanValue() ? 1.0 : 0.0);
        if (v.isIntegralNumber()) {
            double d = v.bigIntegerValue().doubleValue();
            if (Double.isInfinite(d)) throw new PyException("OverflowError", "int too large to convert to float");
            return DoubleNode.valueOf(d);
        }
        if (v.isNumber()) return DoubleNode.valueOf(v.doubleValue());
        String s = v.textValue().strip();
        if (SPECIAL_FLOAT.matcher(s).matches()) {
            boolean neg = s.startsWith("-");
            String w = s.replaceFirst("^[+-]", "").toLowerCase();
            if (w.equals("nan")) return DoubleNode.valueOf(Double.NaN);
            return DoubleNode.valueOf(neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        if (!FLOAT_LITERAL.matcher(s).matches()) {
            throw new PyException("ValueError", "could not convert string to float: " + repr(v.textValue()));
        }
        return DoubleNode.valueOf(Double.parseDouble(s.replace("_", "")));
    }

    /** Python {@code bool(value)}. */
    public static boolean truthy(JsonNode v) {
        if (v == null || v.isNull()) return false;
        if (v.isBoolean()) return v.booleanValue();
        if (v.isIntegralNumber()) return v.bigIntegerValue().signum() != 0;
        if (v.isNumber()) return v.doubleValue() != 0.0;
        if (v.isTextual()) return !v.textValue().isEmpty();
        return !v.isEmpty();
    }

    public static JsonNode toStr(JsonNode v) {
        return TextNode.valueOf(str(v));
    }

    public static JsonNode toBool(JsonNode v) {
        return BooleanNode.valueOf(truthy(v));
    }

    /** Numeric comparison as Python does between int/float/bool; NaN compares false. Returns null when not comparable. */
    public static Integer compareNumbers(JsonNode a, JsonNode b) {
        BigDecimal x = decimal(a);
        BigDecimal y = decimal(b);
        if (x != null && y != null) return x.compareTo(y);
        if (!isNumeric(a) || !isNumeric(b)) return null;
        double dx = a.isBoolean() ? (a.booleanValue() ? 1 : 0) : a.doubleValue();
        double dy = b.isBoolean() ? (b.booleanValue() ? 1 : 0) : b.doubleValue();
        if (Double.isNaN(dx) || Double.isNaN(dy)) return null;
        return Double.compare(dx, dy);
    }

    private static boolean isNumeric(JsonNode n) {
        return n != null && (n.isNumber() || n.isBoolean());
    }

    private static BigDecimal decimal(JsonNode n) {
        if (n == null) return null;
        if (n.isBoolean()) return n.booleanValue() ? BigDecimal.ONE : BigDecimal.ZERO;
        if (n.isIntegralNumber()) return new BigDecimal(n.bigIntegerValue());
        if (n.isNumber()) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) return null;
            return new BigDecimal(d);
        }
        return null;
    }

    /** Python-ish equality between JSON values ({@code ==}), where 1 == 1.0 == True. */
    public static boolean equal(JsonNode a, JsonNode b) {
        if (isNumeric(a) && isNumeric(b)) {
            Integer c = compareNumbers(a, b);
            return c != null && c == 0;
        }
        return a != null && a.equals(b);
    }
}
