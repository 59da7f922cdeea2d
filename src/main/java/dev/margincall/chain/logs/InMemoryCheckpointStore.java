package dev.margincall.chain.logs;

import java.util.Optional;

/** A checkpoint that lives as long as the process: for one-shot commands such as {@code scan}. */
public final class InMemoryCheckpointStore implements CheckpointStore {

    private Checkpoint checkpoint;

    @Override
    public Optional<Checkpoint> load() {
        return Optional.ofNullable(checkpoint);
    }

    @Override
    public void save(Checkpoint saved) {
        this.checkpoint = saved;
    }
}
