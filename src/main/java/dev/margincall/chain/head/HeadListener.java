package dev.margincall.chain.head;

import dev.margincall.chain.BlockHeader;
import dev.margincall.core.BlockRef;
import java.util.List;

/** What the head tracker publishes, in chain order: a rollback always comes before the blocks that replace it. */
public interface HeadListener {

    /** Blocks after {@code commonAncestor} left the canonical chain; {@code removed} oldest first. */
    void onRollback(BlockRef commonAncestor, List<BlockHeader> removed);

    /** The next canonical block: its parent is the previous block published. */
    void onBlock(BlockHeader header);
}
