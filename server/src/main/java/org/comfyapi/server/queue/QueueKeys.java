package org.comfyapi.server.queue;

/** Where queue mode keeps things in Redis, all named after {@code QUEUE_NAME}. */
public record QueueKeys(String name) {
    /** The work stream; its consumer group has the same name. */
    public String stream() {
        return name;
    }

    public String group() {
        return name;
    }

    public String dead() {
        return name + ":dead";
    }

    /** Last error per stream entry that has not finished yet, so a dead letter can say why. */
    public String attemptErrors() {
        return name + ":errors";
    }

    /** The pub/sub channel on which a DELETE names a job for whichever instance runs it to stop. */
    public String cancels() {
        return name + ":cancel";
    }

    public String job(String id) {
        return name + ":job:" + id;
    }

    public String events(String id) {
        return name + ":events:" + id;
    }
}
