package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.error.BadInput;

import java.util.List;
import java.util.stream.Collectors;

/** The request's {@code input} failed the workflow's RequestSchema: 400 naming each bad field. */
public final class WorkflowInputException extends BadInput {
    /** One problem: {@code path} like "input.width" (or "input" for the whole value), zod's message. */
    public record Issue(String path, String message) {
    }

    private final List<Issue> issues;

    public WorkflowInputException(List<Issue> issues) {
        super("Invalid input: " + issues.stream().map(i -> i.path() + ": " + i.message())
                .collect(Collectors.joining("; ")), "input", details(issues));
        this.issues = List.copyOf(issues);
    }

    public List<Issue> issues() {
        return issues;
    }

    private static ObjectNode details(List<Issue> issues) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        var array = details.putArray("issues");
        for (Issue issue : issues) array.addObject().put("path", issue.path()).put("message", issue.message());
        return details;
    }
}
