package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One GraalJS context with the workflow runtime: every workflow file can be required in it, each at
 * most once (modules are cached per context). Single-threaded: the pool hands it to one caller at a time.
 */
final class WorkflowContext implements AutoCloseable {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("workflow-watchdog").daemon().factory());

    private final Context context;
    private final Map<String, Source> files;
    private final Value runtime;
    private final Duration timeout;
    private volatile boolean broken;
    private volatile boolean timedOut;

    /**
     * @param files         absolute path of each workflow file to its CommonJS module source
     * @param forDescribing also loads zod-to-json-schema, for {@link #describe}
     */
    WorkflowContext(Map<String, Source> files, String setupJson, Duration timeout, boolean forDescribing) {
        this.timeout = timeout;
        this.files = files;
        context = JsEngine.newContext();
        try {
            ProxyExecutable compile = args -> {
                String kind = args[0].asString();
                String name = args[1].asString();
                Source source = kind.equals("file") ? files.get(name) : JsEngine.builtin(name);
                return context.eval(source);
            };
            runtime = context.eval(JsEngine.runtime()).execute(setupJson, compile);
            runtime.getMember("prepare").execute(forDescribing);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /** Parses every file without running it, so that the shared engine has their code when they load. */
    void parseAll() {
        files.values().forEach(context::eval);
    }

    /** Loads the file and reads its summary, description and input JSON schema; empty if it holds no workflow. */
    Optional<Description> describe(String file) throws WorkflowLoadException {
        ScheduledFuture<?> alarm = arm();
        try {
            ObjectNode described = JsJson.parseObject(runtime.getMember("describe").execute(file).asString());
            if (!described.path("workflow").asBoolean()) return Optional.empty();
            return Optional.of(new Description(text(described, "summary"), text(described, "description"),
                    (ObjectNode) described.get("schema")));
        } catch (PolyglotException e) {
            if (timedOut) throw new WorkflowLoadException("did not load within " + seconds() + " s");
            if (!e.isGuestException()) throw fatal(e);
            throw new WorkflowLoadException(message(e));
        } finally {
            disarm(alarm);
        }
    }

    JsOutcome generate(String file, String inputJson) {
        JsOutcome[] outcome = new JsOutcome[1];
        ProxyExecutable done = args -> {
            outcome[0] = switch (args[0].asString()) {
                case "ok" -> new JsOutcome.Generated(args[1].asString(), args[2].asString());
                case "invalid" -> new JsOutcome.Invalid(args[1].asString());
                default -> new JsOutcome.Failed(args[1].asString());
            };
            return null;
        };
        ScheduledFuture<?> alarm = arm();
        try {
            // Promise jobs run before execute returns, so a settled promise has called done by then.
            runtime.getMember("generate").execute(file, inputJson, done);
        } catch (PolyglotException e) {
            if (timedOut) return new JsOutcome.Failed("generateWorkflow did not finish within " + seconds() + " s");
            if (!e.isGuestException()) throw fatal(e);
            return new JsOutcome.Failed(message(e));
        } finally {
            disarm(alarm);
        }
        return outcome[0] != null ? outcome[0]
                : new JsOutcome.Failed("generateWorkflow returned a promise that never settled");
    }

    /** The workflow files that other files required, so far. */
    Set<String> importedFiles() {
        Set<String> files = new HashSet<>();
        JsJson.parse(runtime.getMember("importedFiles").execute().asString()).forEach(file -> files.add(file.asText()));
        return files;
    }

    /** False once the context was cancelled or hit an internal error: it must not be reused. */
    boolean usable() {
        return !broken;
    }

    private ScheduledFuture<?> arm() {
        return WATCHDOG.schedule(() -> {
            timedOut = true;
            broken = true;
            context.close(true);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Once this returns, the alarm will not fire: either cancelled, or it has run (the context is then broken). */
    private static void disarm(ScheduledFuture<?> alarm) {
        if (alarm.cancel(false)) return;
        try {
            alarm.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | CancellationException ignored) {
            // it ran; nothing to report beyond the broken context
        }
    }

    private String seconds() {
        return BigDecimal.valueOf(timeout.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    @Override
    public void close() {
        context.close(true);
    }

    private RuntimeException fatal(PolyglotException e) {
        broken = true;
        return e;
    }

    private static String message(PolyglotException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getGuestObject() + "" : message;
    }

    private static String text(ObjectNode node, String field) {
        return node.path(field).isTextual() ? node.get(field).asText() : null;
    }

    record Description(String summary, String description, ObjectNode schema) {
    }
}
