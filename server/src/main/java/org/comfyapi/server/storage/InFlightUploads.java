package org.comfyapi.server.storage;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Uploads in progress, by destination URL. A newer upload to the same URL cancels the older one
 * and waits (briefly) for it to let go, so the older can never land after the newer.
 */
final class InFlightUploads {
    static final String SUPERSEDED = "was superseded by a newer upload to the same URL";
    private static final long WAIT_FOR_OLDER_MILLIS = 10_000;

    private final ConcurrentHashMap<String, Cancellation> byUrl = new ConcurrentHashMap<>();

    Cancellation begin(String url) throws InterruptedException {
        Cancellation mine = new Cancellation();
        Cancellation older = byUrl.put(url, mine);
        if (older != null) {
            older.cancel(SUPERSEDED);
            try {
                older.awaitFinish(WAIT_FOR_OLDER_MILLIS);
            } catch (InterruptedException e) {
                end(url, mine);
                throw e;
            }
        }
        return mine;
    }

    void end(String url, Cancellation mine) {
        mine.finish();
        byUrl.remove(url, mine);
    }

    int size() {
        return byUrl.size();
    }
}
