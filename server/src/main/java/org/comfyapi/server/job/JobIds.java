package org.comfyapi.server.job;

import java.util.regex.Pattern;

/** What a job id and a kept output's file name may be: nothing that could leave their folder. */
public final class JobIds {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private JobIds() {
    }

    /** 1-128 letters, digits, '.', '_' or '-', and not "." or "..". */
    public static boolean valid(String id) {
        return id != null && SAFE.matcher(id).matches() && !id.equals(".") && !id.equals("..");
    }

    /** A plain file name: no separator, no "..", no control characters. */
    public static boolean validFilename(String name) {
        if (name == null || name.isEmpty() || name.length() > 255 || name.contains("..")) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) return false;
        }
        return !name.equals(".");
    }
}
