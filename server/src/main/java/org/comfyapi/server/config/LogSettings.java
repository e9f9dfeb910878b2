package org.comfyapi.server.config;

import org.comfyapi.server.log.Log;

import java.util.List;

/** Log level and format. */
public record LogSettings(Log.Level level, boolean json) {

    static LogSettings fromEnv(Env env) {
        String value = env.string("LOG_LEVEL", "info");
        Log.Level level;
        try {
            level = Log.parseLevel(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("LOG_LEVEL",
                    "must be one of trace, debug, info, warn, error, fatal, got \"" + value + "\"");
        }
        return new LogSettings(level, env.oneOf("LOG_FORMAT", "text", List.of("text", "json")).equals("json"));
    }
}
