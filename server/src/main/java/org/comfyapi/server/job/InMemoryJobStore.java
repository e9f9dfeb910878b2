package org.comfyapi.server.job;

import org.comfyapi.server.error.Conflict;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** Jobs of this process only, in a map; finished ones in finish order for retention. */
public final class InMemoryJobStore implements JobStore {
    private final Map<String, JobState> jobs = new ConcurrentHashMap<>();
    /** Finished job ids, oldest finish first, with their finish times. Guarded by itself. */
    private final LinkedHashMap<String, Long> finished = new LinkedHashMap<>();
    private final Fanout fanout;

    public InMemoryJobStore(int subscriberCapacity) {
        this.fanout = new Fanout(subscriberCapacity);
    }

    @Override
    public Optional<JobState> create(JobState job) {
        JobState[] replaced = new JobState[1];
        jobs.compute(job.id(), (id, old) -> {
            if (old != null && !old.status().isFinal()) {
                throw new Conflict("A job with id \"" + id + "\" is already " + old.status().wire(), "id");
            }
            replaced[0] = old;
            return job;
        });
        if (replaced[0] != null) {
            synchronized (finished) {
                finished.remove(job.id());
            }
        }
        return Optional.ofNullable(replaced[0]);
    }

    @Override
    public Optional<JobState> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public Optional<JobState> update(String id, UnaryOperator<JobState> change) {
        boolean[] nowFinal = new boolean[1];
        JobState next = jobs.computeIfPresent(id, (k, old) -> {
            JobState changed = change.apply(old);
            nowFinal[0] = !old.status().isFinal() && changed.status().isFinal();
            return changed;
        });
        if (nowFinal[0]) {
            synchronized (finished) {
                finished.put(id, next.finishedAt());
            }
        }
        return Optional.ofNullable(next);
    }

    @Override
    public void publish(String id, JobEvent event) {
        fanout.publish(id, event);
    }

    @Override
    public Optional<JobSubscription> subscribe(String id) {
        return fanout.subscribe(id, () -> jobs.get(id));
    }

    @Override
    public List<JobState> expire(long finishedBefore, int keepAtMost) {
        List<String> ids = new ArrayList<>();
        synchronized (finished) {
            int over = finished.size() - keepAtMost;
            Iterator<Map.Entry<String, Long>> it = finished.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Long> e = it.next();
                if (over <= 0 && e.getValue() >= finishedBefore) break;
                ids.add(e.getKey());
                it.remove();
                over--;
            }
        }
        List<JobState> removed = new ArrayList<>(ids.size());
        for (String id : ids) {
            JobState[] gone = new JobState[1];
            jobs.computeIfPresent(id, (k, s) -> {
                if (!s.status().isFinal()) return s;
                gone[0] = s;
                return null;
            });
            if (gone[0] != null) removed.add(gone[0]);
        }
        return removed;
    }

    @Override
    public int size() {
        return jobs.size();
    }
}
