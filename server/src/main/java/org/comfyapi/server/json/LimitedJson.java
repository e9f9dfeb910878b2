package org.comfyapi.server.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import org.comfyapi.server.error.RequestError;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Parsers whose string values a {@link StringLimit} checks while they are read: Jackson asks its read constraints
 * each time a string's buffer grows (every few dozen K characters), so an oversized string is refused long before
 * it is whole in memory.
 */
public final class LimitedJson {
    private LimitedJson() {
    }

    /** A parser over {@code in} with the server mapper's settings and {@code limit} on every string value. */
    public static JsonParser parser(InputStream in, StringLimit limit) throws IOException {
        JsonFactory base = Json.MAPPER.getFactory();
        Watch watch = new Watch(base.streamReadConstraints(), limit);
        JsonParser parser = base.rebuild().streamReadConstraints(watch).build().createParser(in);
        watch.parser = parser;
        return parser;
    }

    /** The error a {@link StringLimit} raised, when {@code failure} (or one of its causes) is one. */
    public static Optional<RequestError> refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Refused refused) return Optional.of(refused.error);
        }
        return Optional.empty();
    }

    /** Carries a limit's error through Jackson, which passes its own constraint errors up unchanged. */
    private static final class Refused extends StreamConstraintsException {
        private final transient RequestError error;

        Refused(RequestError error) {
            super(error.getMessage());
            this.error = error;
        }
    }

    /** Jackson's limits of the base factory, plus the string limit at the parser's current position. */
    private static final class Watch extends StreamReadConstraints {
        private final transient StringLimit limit;
        private transient JsonParser parser;

        Watch(StreamReadConstraints base, StringLimit limit) {
            super(base.getMaxNestingDepth(), base.getMaxDocumentLength(), base.getMaxNumberLength(),
                    base.getMaxStringLength(), base.getMaxNameLength(), base.getMaxTokenCount());
            this.limit = limit;
        }

        @Override
        public void validateStringLength(int length) throws StreamConstraintsException {
            super.validateStringLength(length);
            if (parser == null) return;
            try {
                limit.check(parser.getParsingContext(), length);
            } catch (RequestError e) {
                throw new Refused(e);
            }
        }
    }
}
