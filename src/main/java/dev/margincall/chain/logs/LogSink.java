package dev.margincall.chain.logs;

import dev.margincall.chain.LogEntry;
import dev.margincall.core.BlockRef;
import java.util.List;

/**
 * Receives the logs of a {@link LogStream} exactly once and in chain order, and gives back those of
 * blocks a reorg removed. Its state is saved with the stream's checkpoint, in the same atomic write,
 * so that after a crash the sink and the cursor agree: nothing is lost, nothing is seen twice.
 */
public interface LogSink {

    /** The logs of every block after the previous call up to and including {@code upTo} (possibly none). */
    void onLogs(BlockRef upTo, List<LogEntry> logs);

    /** Blocks after {@code commonAncestor} left the chain: {@code retracted} are their logs, newest first. */
    void onRollback(BlockRef commonAncestor, List<LogEntry> retracted);

    /** The sink's state as text, saved in the checkpoint. */
    String snapshot();

    /** Restores what {@link #snapshot()} returned when the checkpoint was saved. */
    void restore(String snapshot);
}
