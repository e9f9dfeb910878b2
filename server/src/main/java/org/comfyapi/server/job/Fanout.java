package org.comfyapi.server.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Live events of jobs to their subscribers, in this process. A job has a topic only while someone
 * listens; publishing to a job nobody watches costs one map lookup. Subscribing and publishing take
 * the topic's lock, so a new subscriber's first event (the status it is given) and the events after it
 * leave no gap.
 */
public final class Fanout {
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final int capacity;

    public Fanout(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Subscribes to a job. {@code current} is read under the topic's lock: a job still running gets its
     * status event and then every later event; a finished one gets its status and terminal event only.
     * Empty when {@code current} gives null (no such job).
     */
    public Optional<JobSubscription> subscribe(String id, Supplier<JobState> current) {
        JobSubscription sub = new JobSubscription(capacity);
        while (true) {
            Topic topic = topics.computeIfAbsent(id, k -> new Topic());
            synchronized (topic) {
                if (topic.gone) continue;  // emptied and removed between lookup and lock: take the new one
                JobState state = current.get();
                if (state == null) {
                    if (topic.subscribers.isEmpty()) remove(id, topic);
                    return Optional.empty();
                }
                sub.offer(JobEvent.status(state));
                if (state.status().isFinal()) {
                    sub.offer(JobEvent.terminal(state));
                    if (topic.subscribers.isEmpty()) remove(id, topic);
                    return Optional.of(sub);
                }
                topic.subscribers.add(sub);
                sub.onClose(() -> leave(id, topic, sub));
                return Optional.of(sub);
            }
        }
    }

    /** Queues the event for every subscriber of the job; never blocks on a subscriber. */
    public void publish(String id, JobEvent event) {
        Topic topic = topics.get(id);
        if (topic == null) return;
        synchronized (topic) {
            if (topic.gone) return;
            topic.subscribers.removeIf(sub -> !sub.offer(event));
            if (event.isTerminal() || topic.subscribers.isEmpty()) remove(id, topic);
        }
    }

    /** Subscribers now listening to a job. */
    public int subscribers(String id) {
        Topic topic = topics.get(id);
        if (topic == null) return 0;
        synchronized (topic) {
            return topic.subscribers.size();
        }
    }

    /** Ends every stream of a job that went away without a terminal event (deleted from the store). */
    public void end(String id, JobState last) {
        Topic topic = topics.get(id);
        if (topic == null) return;
        synchronized (topic) {
            JobEvent terminal = last != null && last.status().isFinal() ? JobEvent.terminal(last) : null;
            for (JobSubscription sub : List.copyOf(topic.subscribers)) {
                if (terminal != null) sub.offer(terminal);
                else sub.close();
            }
            remove(id, topic);
        }
    }

    private void leave(String id, Topic topic, JobSubscription sub) {
        synchronized (topic) {
            if (topic.gone) return;
            topic.subscribers.remove(sub);
            if (topic.subscribers.isEmpty()) remove(id, topic);
        }
    }

    private void remove(String id, Topic topic) {
        topic.gone = true;
        topic.subscribers.clear();
        topics.remove(id, topic);
    }

    private static final class Topic {
        final List<JobSubscription> subscribers = new ArrayList<>();
        boolean gone;
    }
}
