package org.comfyapi.simulator.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/** execution.PromptQueue: a heapq-ordered pending list, the running set and the history. */
public final class PromptQueue {
    public static final int MAXIMUM_HISTORY_SIZE = 10000;
    private static final List<String> SENSITIVE_EXTRA_DATA_KEYS = List.of("auth_token_comfy_org", "api_key_comfy_org");

    /** A dequeued item and its task id. */
    public record Taken(QueueItem item, int taskId) {
    }

    private final ReentrantLock mutex = new ReentrantLock();
    private final Condition notEmpty = mutex.newCondition();
    private final List<QueueItem> heap = new ArrayList<>();
    private final Map<Integer, QueueItem> running = new LinkedHashMap<>();
    private final LinkedHashMap<String, ObjectNode> history = new LinkedHashMap<>();
    private final Map<String, JsonNode> flags = new LinkedHashMap<>();
    private final Runnable queueUpdated;
    private int taskCounter;
    private int historyLimit = MAXIMUM_HISTORY_SIZE;

    public PromptQueue(Runnable queueUpdated) {
        this.queueUpdated = queueUpdated;
    }

    void setHistoryLimit(int limit) {
        this.historyLimit = limit;
    }

    public void put(QueueItem item) {
        mutex.lock();
        try {
            heap.add(item);
            siftDown(0, heap.size() - 1);
            queueUpdated.run();
            notEmpty.signal();
        } finally {
            mutex.unlock();
        }
    }

    /** Waits for an item; returns null on timeout or when woken by a flag. */
    public Taken get(long timeoutMs) throws InterruptedException {
        mutex.lock();
        try {
            while (heap.isEmpty()) {
                notEmpty.await(timeoutMs, TimeUnit.MILLISECONDS);
                if (heap.isEmpty()) return null;
            }
            QueueItem item = heapPop();
            int id = taskCounter++;
            running.put(id, item.deepCopy());
            queueUpdated.run();
            return new Taken(item, id);
        } finally {
            mutex.unlock();
        }
    }

    /** Moves a finished task to the history (entry shape of §2.8) and broadcasts the queue status. */
    public void taskDone(int taskId, ObjectNode historyResult, ObjectNode status) {
        mutex.lock();
        try {
            QueueItem prompt = running.remove(taskId);
            if (history.size() > historyLimit) {
                Iterator<String> it = history.keySet().iterator();
                it.next();
                it.remove();
            }
            ArrayNode tuple = prompt.toJson();
            ObjectNode extra = (ObjectNode) tuple.get(3);
            SENSITIVE_EXTRA_DATA_KEYS.forEach(extra::remove);
            ObjectNode entry = PyJson.object();
            entry.set("prompt", tuple);
            entry.set("outputs", PyJson.object());
            entry.set("status", status);
            historyResult.properties().forEach(e -> entry.set(e.getKey(), e.getValue()));
            history.put(prompt.promptId(), entry);
            queueUpdated.run();
        } finally {
            mutex.unlock();
        }
    }

    public ArrayNode runningJson() {
        return toJsonArray(running.values());
    }

    public ArrayNode pendingJson() {
        return toJsonArray(heap);
    }

    /** The items as queue tuples, deep-copied under the lock. */
    private ArrayNode toJsonArray(Collection<QueueItem> items) {
        mutex.lock();
        try {
            ArrayNode a = PyJson.array();
            items.forEach(i -> a.add(i.toJson().deepCopy()));
            return a;
        } finally {
            mutex.unlock();
        }
    }

    public boolean isRunning(String promptId) {
        mutex.lock();
        try {
            return running.values().stream().anyMatch(i -> i.promptId().equals(promptId));
        } finally {
            mutex.unlock();
        }
    }

    public int tasksRemaining() {
        mutex.lock();
        try {
            return heap.size() + running.size();
        } finally {
            mutex.unlock();
        }
    }

    public void wipeQueue() {
        mutex.lock();
        try {
            heap.clear();
            queueUpdated.run();
        } finally {
            mutex.unlock();
        }
    }

    public boolean deleteQueueItem(Predicate<QueueItem> match) {
        mutex.lock();
        try {
            for (int x = 0; x < heap.size(); x++) {
                if (match.test(heap.get(x))) {
                    if (heap.size() == 1) {
                        wipeQueue();
                    } else {
                        heap.remove(x);
                        heapify();
                    }
                    queueUpdated.run();
                    return true;
                }
            }
            return false;
        } finally {
            mutex.unlock();
        }
    }

    /** get_history(prompt_id=None, max_items, offset). */
    public ObjectNode history(Integer maxItems, int offset) {
        mutex.lock();
        try {
            ObjectNode out = PyJson.object();
            if (offset < 0 && maxItems != null) offset = history.size() - maxItems;
            int i = 0;
            for (Map.Entry<String, ObjectNode> e : history.entrySet()) {
                if (i >= offset) {
                    out.set(e.getKey(), e.getValue().deepCopy());
                    if (maxItems != null && out.size() >= maxItems) break;
                }
                i++;
            }
            return out;
        } finally {
            mutex.unlock();
        }
    }

    public ObjectNode historyItem(String promptId) {
        mutex.lock();
        try {
            ObjectNode out = PyJson.object();
            ObjectNode e = history.get(promptId);
            if (e != null) out.set(promptId, e.deepCopy());
            return out;
        } finally {
            mutex.unlock();
        }
    }

    public void wipeHistory() {
        mutex.lock();
        try {
            history.clear();
        } finally {
            mutex.unlock();
        }
    }

    public void deleteHistoryItem(String id) {
        mutex.lock();
        try {
            history.remove(id);
        } finally {
            mutex.unlock();
        }
    }

    public void setFlag(String name, JsonNode data) {
        mutex.lock();
        try {
            flags.put(name, data);
            notEmpty.signal();
        } finally {
            mutex.unlock();
        }
    }

    public Map<String, JsonNode> takeFlags() {
        mutex.lock();
        try {
            Map<String, JsonNode> copy = new LinkedHashMap<>(flags);
            flags.clear();
            return copy;
        } finally {
            mutex.unlock();
        }
    }

    // --- heapq, element for element, so that the raw pending array matches Python's ---

    private QueueItem heapPop() {
        QueueItem last = heap.removeLast();
        if (!heap.isEmpty()) {
            QueueItem ret = heap.get(0);
            heap.set(0, last);
            siftUp(0);
            return ret;
        }
        return last;
    }

    private void heapify() {
        for (int i = heap.size() / 2 - 1; i >= 0; i--) siftUp(i);
    }

    private void siftDown(int startPos, int pos) {
        QueueItem newItem = heap.get(pos);
        while (pos > startPos) {
            int parentPos = (pos - 1) >> 1;
            QueueItem parent = heap.get(parentPos);
            if (newItem.compareTo(parent) < 0) {
                heap.set(pos, parent);
                pos = parentPos;
                continue;
            }
            break;
        }
        heap.set(pos, newItem);
    }

    private void siftUp(int pos) {
        int endPos = heap.size();
        int startPos = pos;
        QueueItem newItem = heap.get(pos);
        int childPos = 2 * pos + 1;
        while (childPos < endPos) {
            int rightPos = childPos + 1;
            if (rightPos < endPos && !(heap.get(childPos).compareTo(heap.get(rightPos)) < 0)) childPos = rightPos;
            heap.set(pos, heap.get(childPos));
            pos = childPos;
            childPos = 2 * pos + 1;
        }
        heap.set(pos, newItem);
        siftDown(startPos, pos);
    }
}
