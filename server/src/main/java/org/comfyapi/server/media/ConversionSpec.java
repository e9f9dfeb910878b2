package org.comfyapi.server.media;

import com.fasterxml.jackson.databind.JsonNode;

/** A validated {@code convert_output} request: the target format together with its encoder options. */
public sealed interface ConversionSpec permits JpegOptions, WebpOptions {

    /** File extension of the converted file, without the dot. */
    String extension();

    /** MIME type of the converted file. */
    String contentType();

    /**
     * Validates a {@code convert_output} JSON object.
     *
     * @throws InvalidConversionSpecException naming the offending field
     */
    static ConversionSpec fromJson(JsonNode convertOutput) {
        return ConversionSpecParser.parse(convertOutput);
    }
}
