package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

import java.util.Map;

/**
 * One GraalJS context with the workflow runtime: every workflow file can be required in it, each at
 * most once (modules are cached per context). Single-threaded: the pool hands it to one caller at a time.
 */
final class WorkflowContext implements AutoCloseable {
    private final Context context;
    private final Value runtime;
    private volatile boolean broken;

    /** @param files absolute path of each workflow file to its CommonJS module source */
    WorkflowContext(Map<String, Source> files, String setupJson) {
        context = JsEngine.newContext();
        try {
            ProxyExecutable compile = args -> {
                String kind = args[0].asString();
                String name = args[1].asString();
                Source source = kind.equals("file") ? files.get(name) : JsEngine.builtin(name);
                return context.eval(source);
            };
            runtime = context.eval(JsEngine.runtime()).execute(setupJson, compile);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /** Loads the file and reads its summary, description and input JSON schema. */
    Description describe(String file) throws WorkflowLoadException {
        try {
            ObjectNode described = Json.parseObject(runtime.getMember("describe").execute(file).asString());
            return new Description(text(described, "summary"), text(described, "description"),
                    (ObjectNode) described.get("schema"));
        } catch (PolyglotException e) {
            if (!e.isGuestException()) throw fatal(e);
            throw new WorkflowLoadException(message(e));
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
        try {
            // Promise jobs run before execute returns, so a settled promise has called done by then.
            runtime.getMember("generate").execute(file, inputJson, done);
        } catch (PolyglotException e) {
            if (!e.isGuestException()) throw fatal(e);
            return new JsOutcome.Failed(message(e));
        }
        return outcome[0] != null ? outcome[0]
                : new JsOutcome.Failed("generateWorkflow returned a promise that never settled");
    }

    /** False once the context was cancelled or hit an internal error: it must not be reused. */
    boolean usable() {
        return !broken;
    }

    void cancel() {
        broken = true;
        context.close(true);
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
