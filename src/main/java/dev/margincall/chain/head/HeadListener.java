package dev.margincall.chain.head;

import dev.margincall.chain.BlockHeader;
import dev.margincall.core.BlockRef;
import java.util.List;

/**
 * What the head tracker publishes, in chain order: a rollback always comes before the blocks that replace it.
 * Every block is published ({@link #onBlock}); decisions belong in {@link #onHead}, which comes once the
 * tracker has caught up with the newest block the node has, so a listener that fell behind applies every
 * block's events but decides only on the newest state.
 */
public interface HeadListener {

    /** Blocks after {@code commonAncestor} left the canonical chain; {@code removed} oldest first. */
    void onRollback(BlockRef commonAncestor, List<BlockHeader> removed);

    /**
     * The tracker has seen {@code newest} and is about to publish the blocks up to it, then call {@link #onHead} with it
     * (unless the chain moves meanwhile): a listener may start reading the state at {@code newest} now, alongside the
     * blocks' own work (their logs), instead of after it. Not called when blocks are published after a reorganization.
     */
    default void headComing(BlockHeader newest) {
    }

    /** The next canonical block: its parent is the previous block published. */
    void onBlock(BlockHeader header);

    /**
     * The tracker has published every block up to {@code head}, the newest the node had when it last
     * looked: the moment to evaluate and act. Comes after one or more {@link #onBlock} calls (never without one).
     */
    default void onHead(BlockHeader head) {
    }
}
