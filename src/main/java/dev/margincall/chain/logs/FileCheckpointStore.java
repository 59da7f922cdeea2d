package dev.margincall.chain.logs;

import dev.margincall.chain.AtomicFile;
import dev.margincall.chain.ChainJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A checkpoint in one JSON file, replaced atomically ({@link AtomicFile}). Chosen over H2 or SQLite:
 * the state is one small document written whole, read once at start; a file needs no schema, no
 * driver, no lock files, survives kill -9 by construction, and an operator can read it.
 */
public final class FileCheckpointStore implements CheckpointStore {

    private final Path file;

    public FileCheckpointStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    @Override
    public String name() {
        return file.toString();
    }

    @Override
    public Optional<Checkpoint> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Checkpoint checkpoint = ChainJson.MAPPER.readValue(file.toFile(), Checkpoint.class);
            if (checkpoint.version() != Checkpoint.VERSION) {
                throw new IllegalStateException("checkpoint " + file + " has version " + checkpoint.version()
                        + ", this Margin Call reads version " + Checkpoint.VERSION + ": move the file away to backfill again");
            }
            return Optional.of(checkpoint);
        } catch (IOException e) {
            throw new IllegalStateException("checkpoint " + file + " cannot be read (" + e.getMessage()
                    + "); move it away to backfill from the configured start block", e);
        }
    }

    @Override
    public void save(Checkpoint checkpoint) {
        try {
            AtomicFile.write(file, ChainJson.MAPPER.writeValueAsString(checkpoint));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }
}
