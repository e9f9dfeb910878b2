package org.comfyapi.server.storage;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/** Reports every buffer handed to the connection, so a stalled upload can be told from a slow one. */
record ProgressPublisher(HttpRequest.BodyPublisher delegate, Runnable onProgress) implements HttpRequest.BodyPublisher {
    @Override
    public long contentLength() {
        return delegate.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        delegate.subscribe(new Flow.Subscriber<>() {
            @Override public void onSubscribe(Flow.Subscription subscription) { subscriber.onSubscribe(subscription); }
            @Override public void onNext(ByteBuffer item) {
                onProgress.run();
                subscriber.onNext(item);
            }
            @Override public void onError(Throwable throwable) { subscriber.onError(throwable); }
            @Override public void onComplete() { subscriber.onComplete(); }
        });
    }
}
