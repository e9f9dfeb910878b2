package org.comfyapi.simulator.queue;

import com.fasterxml.jackson.databind.node.IntNode;
import org.comfyapi.graph.py.PyJson;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class PromptQueueTest {
    private static QueueItem item(int number, String id) {
        return new QueueItem(IntNode.valueOf(number), id, PyJson.object(), PyJson.object(), List.of("1"));
    }

    @Test
    void popsByNumberThenIdAndKeepsHeapLayout() throws Exception {
        AtomicInteger updates = new AtomicInteger();
        PromptQueue q = new PromptQueue(updates::incrementAndGet);
        q.put(item(3, "c"));
        q.put(item(1, "a"));
        q.put(item(2, "b"));
        q.put(item(1, "0"));
        List<String> raw = new ArrayList<>();
        q.pendingJson().forEach(i -> raw.add(i.get(1).asText()));
        assertThat(raw).containsExactly("0", "a", "b", "c");
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            PromptQueue.Taken t = q.get(100);
            order.add(t.item().promptId());
            q.taskDone(t.taskId(), PyJson.object(), PyJson.object());
        }
        assertThat(order).containsExactly("0", "a", "b", "c");
        assertThat(updates.get()).isEqualTo(4 + 4 + 4);
        assertThat(q.get(10)).isNull();
    }

    @Test
    void historySettlesOneAboveTheLimit() throws Exception {
        PromptQueue q = new PromptQueue(() -> {
        });
        q.setHistoryLimit(3);
        for (int i = 0; i < 6; i++) {
            q.put(item(i, "p" + i));
            PromptQueue.Taken t = q.get(100);
            q.taskDone(t.taskId(), PyJson.object(), PyJson.object());
        }
        List<String> ids = new ArrayList<>();
        q.history(null, -1).fieldNames().forEachRemaining(ids::add);
        assertThat(ids).containsExactly("p2", "p3", "p4", "p5");
    }

    @Test
    void deletingTheLastPendingItemBroadcastsTwice() {
        AtomicInteger updates = new AtomicInteger();
        PromptQueue q = new PromptQueue(updates::incrementAndGet);
        q.put(item(0, "x"));
        updates.set(0);
        assertThat(q.deleteQueueItem(i -> i.promptId().equals("x"))).isTrue();
        assertThat(updates.get()).isEqualTo(2);
        assertThat(q.deleteQueueItem(i -> true)).isFalse();
    }
}
