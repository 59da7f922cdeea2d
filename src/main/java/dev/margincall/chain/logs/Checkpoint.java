package dev.margincall.chain.logs;

import dev.margincall.chain.LogEntry;
import dev.margincall.core.BlockRef;
import java.util.List;

/**
 * Where a {@link LogStream} stands: every log up to {@code cursor} has been delivered; the blocks of
 * {@code unconfirmed} (newest last, all after {@code finalized}) may still be reorganized away, so their
 * logs are kept to retract them; {@code sinkState} is the sink's snapshot at that moment.
 *
 * <p>{@code chain} says which chain it was written on; with {@code finalized} (a block number and its
 * hash) it ties the checkpoint to one history, so a restarted or re-created chain with the same id and
 * the same contract addresses is not mistaken for the old one. Null in files written before it existed:
 * those are verified by block hashes only.
 */
public record Checkpoint(int version, ChainIdentity chain, BlockRef cursor, BlockRef finalized, List<DeliveredBlock> unconfirmed,
                         String sinkState) {

    public static final int VERSION = 1;

    /** One delivered block that is not final yet, with the logs it delivered. */
    public record DeliveredBlock(BlockRef block, List<LogEntry> logs) {
    }

    /** A chain as a checkpoint knows it: its id and its genesis block's hash. */
    public record ChainIdentity(long chainId, String genesisHash) {
    }

    public Checkpoint {
        unconfirmed = unconfirmed == null ? List.of() : List.copyOf(unconfirmed);
    }
}
