package org.comfyapi.server.media;

/** A {@code convert_output} value that fails validation; {@link #field()} is its JSON path. */
public final class InvalidConversionSpecException extends IllegalArgumentException {

    private final String field;

    public InvalidConversionSpecException(String field, String requirement) {
        super(field + " " + requirement);
        this.field = field;
    }

    /** Dotted JSON path of the offending field, e.g. {@code convert_output.options.quality}. */
    public String field() {
        return field;
    }
}
