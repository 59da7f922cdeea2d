package dev.margincall.chain.logs;

import java.util.Optional;

/** Durable storage of one {@link Checkpoint}: a save either happens completely or not at all. */
public interface CheckpointStore {

    Optional<Checkpoint> load();

    void save(Checkpoint checkpoint);

    /** Where it is kept, for log lines (a file's path). */
    default String name() {
        return "in memory";
    }
}
