package org.comfyapi.simulator.py;

import org.comfyapi.graph.py.PyException;

import java.util.ArrayList;
import java.util.List;

/** POSIX os.path functions with Python's exact string semantics. */
public final class PyPath {
    private PyPath() {
    }

    public static String normpath(String path) {
        if (path.isEmpty()) return ".";
        boolean absolute = path.startsWith("/");
        int initialSlashes = absolute ? (path.startsWith("//") && !path.startsWith("///") ? 2 : 1) : 0;
        List<String> out = new ArrayList<>();
        for (String comp : path.split("/")) {
            if (comp.isEmpty() || comp.equals(".")) continue;
            if (!comp.equals("..") || (!absolute && out.isEmpty()) || (!out.isEmpty() && out.getLast().equals(".."))) {
                out.add(comp);
            } else if (!out.isEmpty()) {
                out.removeLast();
            }
        }
        String joined = String.join("/", out);
        String result = "/".repeat(initialSlashes) + joined;
        return result.isEmpty() ? "." : result;
    }

    public static String join(String a, String... rest) {
        String path = a;
        for (String b : rest) {
            if (b.startsWith("/")) path = b;
            else if (path.isEmpty() || path.endsWith("/")) path = path + b;
            else path = path + "/" + b;
        }
        return path;
    }

    public static String basename(String p) {
        int i = p.lastIndexOf('/');
        return p.substring(i + 1);
    }

    public static String dirname(String p) {
        int i = p.lastIndexOf('/') + 1;
        String head = p.substring(0, i);
        if (!head.isEmpty() && !head.chars().allMatch(ch -> ch == '/')) {
            head = head.replaceAll("/+$", "");
        }
        return head;
    }

    /** os.path.splitext: [root, ext]. */
    public static String[] splitext(String p) {
        int sep = p.lastIndexOf('/');
        int dot = p.lastIndexOf('.');
        if (dot > sep) {
            int filenameIndex = sep + 1;
            while (filenameIndex < dot) {
                if (p.charAt(filenameIndex) != '.') return new String[]{p.substring(0, dot), p.substring(dot)};
                filenameIndex++;
            }
        }
        return new String[]{p, ""};
    }

    public static String abspath(String p, String cwd) {
        if (!p.startsWith("/")) p = join(cwd, p);
        return normpath(p);
    }

    /** os.path.commonpath for two absolute or two relative paths. */
    public static String commonpath(String a, String b) {
        if (a.startsWith("/") != b.startsWith("/")) {
            throw new PyException("ValueError", "Can't mix absolute and relative paths");
        }
        String prefix = a.startsWith("/") ? "/" : "";
        List<String> x = parts(a);
        List<String> y = parts(b);
        int n = 0;
        while (n < x.size() && n < y.size() && x.get(n).equals(y.get(n))) n++;
        return prefix + String.join("/", x.subList(0, n));
    }

    private static List<String> parts(String p) {
        List<String> r = new ArrayList<>();
        for (String s : p.split("/")) if (!s.isEmpty() && !s.equals(".")) r.add(s);
        return r;
    }
}
