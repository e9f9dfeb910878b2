package org.comfyapi.simulator;

import org.comfyapi.graph.py.Py;
import org.comfyapi.graph.py.PyJson;
import org.comfyapi.simulator.py.PyPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Python value formatting that shows up in response bodies. */
class PyTest {
    @Test
    void floatRepr() {
        assertThat(Py.floatRepr(8.0)).isEqualTo("8.0");
        assertThat(Py.floatRepr(0.1)).isEqualTo("0.1");
        assertThat(Py.floatRepr(1e-5)).isEqualTo("1e-05");
        assertThat(Py.floatRepr(0.0001)).isEqualTo("0.0001");
        assertThat(Py.floatRepr(1e16)).isEqualTo("1e+16");
        assertThat(Py.floatRepr(1e15)).isEqualTo("1000000000000000.0");
        assertThat(Py.floatRepr(-2.5)).isEqualTo("-2.5");
        assertThat(Py.floatRepr(104857600.0)).isEqualTo("104857600.0");
        assertThat(Py.floatRepr(1.2345678901234568e17)).isEqualTo("1.2345678901234568e+17");
    }

    @Test
    void dumpsLikePython() {
        assertThat(PyJson.dumps(PyJson.loads("{\"a\": [1, 2.0, \"é\\n\", null, true], \"b\": {}}")))
                .isEqualTo("{\"a\": [1, 2.0, \"\\u00e9\\n\", null, true], \"b\": {}}");
        assertThat(PyJson.dumps(PyJson.loads("[NaN, 18446744073709551615]"))).isEqualTo("[NaN, 18446744073709551615]");
    }

    @Test
    void strAndRepr() {
        assertThat(Py.str(PyJson.loads("{\"a\": [1, \"x\", null, false]}"))).isEqualTo("{'a': [1, 'x', None, False]}");
        assertThat(Py.repr("it's")).isEqualTo("\"it's\"");
    }

    @Test
    void paths() {
        assertThat(PyPath.normpath("renders/./a//b/../cat")).isEqualTo("renders/a/cat");
        assertThat(PyPath.normpath("../x")).isEqualTo("../x");
        assertThat(PyPath.dirname("renders/cat")).isEqualTo("renders");
        assertThat(PyPath.dirname("cat")).isEqualTo("");
        assertThat(PyPath.splitext("a.b.png")[1]).isEqualTo(".png");
        assertThat(PyPath.splitext(".hidden")[1]).isEqualTo("");
        assertThat(PyPath.commonpath("/a/b", "/a/c")).isEqualTo("/a");
    }
}
