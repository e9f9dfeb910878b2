package org.comfyapi.server.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One library logger (named after its class, e.g. {@code org.eclipse.jetty.server.Server}) on {@link Log}.
 * Libraries' info lines (Jetty's and Javalin's start-up chatter) are written at debug: our own lines
 * already say what a user needs at info. Warnings and errors keep their level.
 */
final class Slf4jLogger extends LegacyAbstractLogger {
    private final transient Log log;

    Slf4jLogger(String name) {
        this.name = name;
        this.log = Log.get(name);
    }

    @Override
    public boolean isTraceEnabled() {
        return log.enabled(Log.Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return log.enabled(Log.Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return log.enabled(Log.Level.DEBUG);
    }

    @Override
    public boolean isWarnEnabled() {
        return log.enabled(Log.Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return log.enabled(Log.Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                               Throwable throwable) {
        Log.Level ours = switch (level) {
            case TRACE -> Log.Level.TRACE;
            case INFO, DEBUG -> Log.Level.DEBUG;
            case WARN -> Log.Level.WARN;
            case ERROR -> Log.Level.ERROR;
        };
        String msg = MessageFormatter.basicArrayFormat(pattern, args);
        log.log(ours, msg, throwable);
    }
}
