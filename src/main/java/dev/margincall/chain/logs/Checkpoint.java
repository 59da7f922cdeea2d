package dev.margincall.chain.logs;

import dev.margincall.chain.LogEntry;
import dev.margincall.core.BlockRef;
import java.util.List;

/**
 * Where a {@link LogStream} stands: every log up to {@code cursor} has been delivered; the blocks of
 * {@code unconfirmed} (newest last, all after {@code finalized}) may still be reorganized away, so their
 * logs are kept to retract them; {@code sinkState} is the sink's snapshot at that moment.
 */
public record Checkpoint(int version, BlockRef cursor, BlockRef finalized, List<DeliveredBlock> unconfirmed, String sinkState) {

    public static final int VERSION = 1;

    /** One delivered block that is not final yet, with the logs it delivered. */
    public record DeliveredBlock(BlockRef block, List<LogEntry> logs) {
    }

    public Checkpoint {
        unconfirmed = List.copyOf(unconfirmed);
    }
}
