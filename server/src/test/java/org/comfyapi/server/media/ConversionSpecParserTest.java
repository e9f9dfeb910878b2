package org.comfyapi.server.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConversionSpecParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConversionSpec parse(String json) throws Exception {
        return ConversionSpec.fromJson(JSON.readTree(json.replace('\'', '"')));
    }

    @Test
    void jpegAndJpgWithoutOptionsGetSharpDefaults() throws Exception {
        assertThat(parse("{'format':'jpeg'}")).isEqualTo(JpegOptions.DEFAULTS);
        assertThat(parse("{'format':'jpg','options':null}")).isEqualTo(JpegOptions.DEFAULTS);
        assertThat(JpegOptions.DEFAULTS).isEqualTo(
                new JpegOptions(80, false, ChromaSubsampling.YUV420, true, false, false, false, 0));
        assertThat(parse("{'format':'jpg'}").extension()).isEqualTo("jpg");
    }

    @Test
    void webpWithoutOptionsGetsSharpDefaults() throws Exception {
        assertThat(parse("{'format':'webp','options':{}}")).isEqualTo(WebpOptions.DEFAULTS);
        assertThat(WebpOptions.DEFAULTS).isEqualTo(new WebpOptions(80, 100, false, false, false, WebpPreset.DEFAULT, 4));
        assertThat(WebpOptions.DEFAULTS.extension()).isEqualTo("webp");
    }

    @Test
    void readsEveryJpegOption() throws Exception {
        assertThat(parse("""
                {'format':'jpeg','options':{'quality':55,'progressive':true,'chromaSubsampling':'4:4:4',
                 'optimizeCoding':false,'trellisQuantisation':true,'overshootDeringing':true,
                 'quantisationTable':5,'unknownOption':'ignored'}}"""))
                .isEqualTo(new JpegOptions(55, true, ChromaSubsampling.YUV444, false, true, true, false, 5));
    }

    @Test
    void mozjpegExpandsLikeSharpAndExplicitOptionsStillWin() throws Exception {
        assertThat(parse("{'format':'jpeg','options':{'mozjpeg':true}}"))
                .isEqualTo(new JpegOptions(80, true, ChromaSubsampling.YUV420, true, true, true, true, 3));
        assertThat(parse("{'format':'jpeg','options':{'mozjpeg':true,'trellisQuantisation':false,'quantisationTable':1}}"))
                .isEqualTo(new JpegOptions(80, true, ChromaSubsampling.YUV420, true, false, true, true, 1));
        assertThat(parse("{'format':'jpeg','options':{'mozjpeg':false}}")).isEqualTo(JpegOptions.DEFAULTS);
    }

    @Test
    void optimizeScansForcesProgressiveAndBothSpellingsWork() throws Exception {
        JpegOptions scans = (JpegOptions) parse("{'format':'jpeg','options':{'optimiseScans':true,'progressive':false}}");
        assertThat(scans.optimizeScans()).isTrue();
        assertThat(scans.progressive()).isTrue();
        JpegOptions other = (JpegOptions) parse("""
                {'format':'jpeg','options':{'optimiseCoding':false,'trellisQuantization':true,'quantizationTable':7}}""");
        assertThat(other.optimizeCoding()).isFalse();
        assertThat(other.trellisQuantisation()).isTrue();
        assertThat(other.quantisationTable()).isEqualTo(7);
    }

    @Test
    void readsEveryWebpOption() throws Exception {
        assertThat(parse("""
                {'format':'webp','options':{'quality':1,'alphaQuality':0,'lossless':true,'nearLossless':true,
                 'smartSubsample':true,'preset':'drawing','effort':6}}"""))
                .isEqualTo(new WebpOptions(1, 0, true, true, true, WebpPreset.DRAWING, 6));
    }

    @Test
    void integralFloatsCountAsIntegers() throws Exception {
        assertThat(((JpegOptions) parse("{'format':'jpeg','options':{'quality':90.0}}")).quality()).isEqualTo(90);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "jpeg | 'quality':0                  | quality            | must be an integer between 1 and 100",
            "jpeg | 'quality':101                | quality            | must be an integer between 1 and 100",
            "jpeg | 'quality':80.5               | quality            | must be an integer between 1 and 100",
            "jpeg | 'quality':'80'               | quality            | must be an integer between 1 and 100",
            "jpeg | 'quality':null               | quality            | must be an integer between 1 and 100",
            "jpg  | 'quality':1e20               | quality            | must be an integer between 1 and 100",
            "jpeg | 'progressive':'yes'          | progressive        | must be a boolean",
            "jpeg | 'chromaSubsampling':'4:2:2'  | chromaSubsampling  | must be one of: 4:2:0, 4:4:4",
            "jpeg | 'chromaSubsampling':444      | chromaSubsampling  | must be one of: 4:2:0, 4:4:4",
            "jpeg | 'optimizeCoding':1           | optimizeCoding     | must be a boolean",
            "jpeg | 'optimiseCoding':1           | optimiseCoding     | must be a boolean",
            "jpeg | 'mozjpeg':'true'             | mozjpeg            | must be a boolean",
            "jpeg | 'trellisQuantisation':0      | trellisQuantisation | must be a boolean",
            "jpeg | 'overshootDeringing':[]      | overshootDeringing | must be a boolean",
            "jpeg | 'optimizeScans':{}           | optimizeScans      | must be a boolean",
            "jpeg | 'quantizationTable':'3'      | quantizationTable  | must be an integer between 0 and 8",
            "jpeg | 'quantisationTable':9        | quantisationTable  | must be an integer between 0 and 8",
            "jpeg | 'quantisationTable':-1       | quantisationTable  | must be an integer between 0 and 8",
            "webp | 'quality':0                  | quality            | must be an integer between 1 and 100",
            "webp | 'quality':101                | quality            | must be an integer between 1 and 100",
            "webp | 'alphaQuality':-1            | alphaQuality       | must be an integer between 0 and 100",
            "webp | 'alphaQuality':101           | alphaQuality       | must be an integer between 0 and 100",
            "webp | 'lossless':'false'           | lossless           | must be a boolean",
            "webp | 'nearLossless':1             | nearLossless       | must be a boolean",
            "webp | 'smartSubsample':null        | smartSubsample     | must be a boolean",
            "webp | 'preset':'cartoon'           | preset             | must be one of: default, picture, photo, drawing, icon, text",
            "webp | 'preset':'Photo'             | preset             | must be one of: default, picture, photo, drawing, icon, text",
            "webp | 'effort':7                   | effort             | must be an integer between 0 and 6",
            "webp | 'effort':-1                  | effort             | must be an integer between 0 and 6",
    })
    void rejectsBadOptionNamingTheField(String format, String option, String field, String requirement) {
        String json = "{'format':'" + format + "','options':{" + option + "}}";
        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(InvalidConversionSpecException.class, e -> {
                    assertThat(e.field()).isEqualTo("convert_output.options." + field);
                    assertThat(e.getMessage()).isEqualTo("convert_output.options." + field + " " + requirement);
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{'format':'png'}                      | convert_output.format  | convert_output.format must be one of: jpeg, jpg, webp",
            "{'format':'JPEG'}                     | convert_output.format  | convert_output.format must be one of: jpeg, jpg, webp",
            "{}                                    | convert_output.format  | convert_output.format must be one of: jpeg, jpg, webp",
            "{'format':7}                          | convert_output.format  | convert_output.format must be one of: jpeg, jpg, webp",
            "{'format':'webp','options':'fast'}    | convert_output.options | convert_output.options must be an object",
            "'webp'                                | convert_output         | convert_output must be an object",
    })
    void rejectsBadShape(String json, String field, String message) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(InvalidConversionSpecException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    @Test
    void rejectsMissingNode() {
        assertThatThrownBy(() -> ConversionSpec.fromJson((JsonNode) null))
                .isInstanceOf(InvalidConversionSpecException.class)
                .hasMessage("convert_output must be an object");
    }
}
