package org.comfyapi.server.media;

/** JPEG chroma subsampling, named as in sharp's {@code chromaSubsampling} option. */
public enum ChromaSubsampling {
    YUV420("4:2:0"),
    YUV444("4:4:4");

    private final String label;

    ChromaSubsampling(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
