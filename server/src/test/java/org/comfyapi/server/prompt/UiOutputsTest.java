package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UiOutputsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everythingButFileListsIsKeptByNode() throws Exception {
        var history = JSON.readTree("""
                {"outputs": {
                  "9": {"images": [{"filename": "a.png", "subfolder": "", "type": "output"}], "animated": [false]},
                  "12": {"text": ["hello", "world"]},
                  "13": {"images": []},
                  "14": {"result": {"value": 3}, "audio": [{"filename": "x.flac", "type": "output"}]}}}
                """);
        assertThat(UiOutputs.from(history)).isEqualTo(JSON.readTree("""
                {"9": {"animated": [false]}, "12": {"text": ["hello", "world"]}, "14": {"result": {"value": 3}}}
                """));
        assertThat(UiOutputs.from(JSON.readTree("{\"outputs\": {}}"))).isEmpty();
    }
}
