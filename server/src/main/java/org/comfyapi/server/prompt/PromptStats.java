package org.comfyapi.server.prompt;

import java.util.Map;

/** The timings of one request, in milliseconds (epoch milliseconds for start and end). */
public record PromptStats(long comfyStart, long comfyEnd, Map<String, Long> nodeStarts,
                         long preprocessTime, long comfyRoundTripTime, long postprocessTime,
                         long uploadTime, long totalTime) {
}
