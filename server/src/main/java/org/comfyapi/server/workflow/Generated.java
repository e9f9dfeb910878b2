package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The validated input (defaults applied, to echo back) and the API-format graph made from it. */
public record Generated(ObjectNode input, ObjectNode prompt) {
}
