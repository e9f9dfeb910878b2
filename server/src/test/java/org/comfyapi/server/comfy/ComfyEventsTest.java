package org.comfyapi.server.comfy;

import io.javalin.Javalin;
import io.javalin.websocket.WsContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The one websocket to ComfyUI, against a loopback websocket server that plays ComfyUI's frames. */
class ComfyEventsTest {
    private final BlockingQueue<WsContext> connections = new LinkedBlockingQueue<>();
    private final BlockingQueue<ComfyMessage> heard = new LinkedBlockingQueue<>();
    private Javalin comfy;
    private ComfyEvents events;

    @BeforeEach
    void start() {
        comfy = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.ws("/ws", ws -> ws.onConnect(connections::add));
        }).start("127.0.0.1", 0);
        events = new ComfyEvents("client-1", URI.create("ws://127.0.0.1:" + comfy.port() + "/ws?clientId=client-1"));
        events.addListener(heard::add);
        events.start();
    }

    @AfterEach
    void stop() {
        events.close();
        comfy.stop();
    }

    private WsContext nextConnection() throws InterruptedException {
        WsContext ctx = connections.poll(30, TimeUnit.SECONDS);
        assertThat(ctx).as("the client connected").isNotNull();
        return ctx;
    }

    private static void sendSuccess(WsContext ctx, String promptId) {
        ctx.send("{\"type\": \"execution_start\", \"data\": {\"prompt_id\": \"" + promptId + "\", \"timestamp\": 1000}}");
        ctx.send("{\"type\": \"executing\", \"data\": {\"node\": \"3\", \"display_node\": \"3\", \"prompt_id\": \"" + promptId + "\"}}");
        ctx.send("{\"type\": \"execution_success\", \"data\": {\"prompt_id\": \"" + promptId + "\", \"timestamp\": 2000}}");
        ctx.send("{\"type\": \"executing\", \"data\": {\"node\": null, \"prompt_id\": \"" + promptId + "\"}}");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static CompletableFuture<PromptOutcome> waitFor(PromptWatch watch) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return watch.await(TimeUnit.MINUTES.toMillis(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void framesReachTheirPromptsWatchAndEveryListener() throws Exception {
        WsContext ctx = nextConnection();
        assertThat(ctx.queryParam("clientId")).isEqualTo("client-1");
        await(events::isConnected, "connected");
        assertThat(events.queueRemaining()).as("before any status frame").isEqualTo(-1);
        PromptWatch watch = events.watch("p1");
        PromptWatch other = events.watch("p2");

        ctx.send("{\"type\": \"status\", \"data\": {\"status\": {\"exec_info\": {\"queue_remaining\": 2}}}}");
        ctx.send("this is not JSON");
        ctx.send("[1, 2]");
        sendSuccess(ctx, "p1");

        assertThat(waitFor(watch).get(30, TimeUnit.SECONDS)).isEqualTo(new PromptOutcome.Succeeded(2000));
        assertThat(other.await(0)).as("another prompt's frames are not this one's").isNull();
        assertThat(events.queueRemaining()).isEqualTo(2);
        List<String> types = new ArrayList<>();
        while (types.size() < 5) {
            ComfyMessage message = heard.poll(30, TimeUnit.SECONDS);
            assertThat(message).as("listener heard %s so far", types).isNotNull();
            types.add(message.type());
        }
        assertThat(types).containsExactly("status", "execution_start", "executing", "execution_success", "executing");
    }

    @Test
    void aDroppedConnectionNudgesTheWaitersAndIsMadeAgain() throws Exception {
        WsContext first = nextConnection();
        await(events::isConnected, "connected");
        PromptWatch watch = events.watch("p3");
        CompletableFuture<PromptOutcome> waiting = waitFor(watch);

        first.closeSession();
        assertThat(waiting.get(30, TimeUnit.SECONDS)).as("woken to check the history, no outcome yet").isNull();

        WsContext second = nextConnection();
        assertThat(second.queryParam("clientId")).isEqualTo("client-1");
        await(events::isConnected, "connected again");
        assertThat(waitFor(watch).get(30, TimeUnit.SECONDS)).as("woken to look at ComfyUI's queue after the reconnect").isNull();
        sendSuccess(second, "p3");
        assertThat(waitFor(watch).get(30, TimeUnit.SECONDS)).isEqualTo(new PromptOutcome.Succeeded(2000));
    }

    @Test
    void loseAllEndsTheWaitOfEveryPromptComfyAccepted() throws Exception {
        PromptWatch a = events.watch("a");
        PromptWatch b = events.watch("b");
        PromptWatch sending = events.watch("c");
        a.queued();
        b.queued();
        events.unwatch("b");
        events.loseAll("ComfyUI exited with code 1");
        assertThat(a.await(0)).isEqualTo(new PromptOutcome.Lost("ComfyUI exited with code 1"));
        assertThat(b.await(0)).as("no longer watched").isNull();
        assertThat(sending.await(0)).as("not yet accepted by ComfyUI: left to its sender").isNull();
        assertThat(events.watch("a")).isSameAs(a);
    }
}
