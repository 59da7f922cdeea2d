package dev.margincall.app;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.head.HeadListener;
import dev.margincall.core.BlockRef;
import java.util.List;

/** Two head listeners in turn: the keeper first (it applies the block), then one that reads what the keeper applied. */
record BothListeners(HeadListener first, HeadListener then) implements HeadListener {

    @Override
    public void onRollback(BlockRef commonAncestor, List<BlockHeader> removed) {
        first.onRollback(commonAncestor, removed);
        then.onRollback(commonAncestor, removed);
    }

    @Override
    public void headComing(BlockHeader newest) {
        first.headComing(newest);
        then.headComing(newest);
    }

    @Override
    public void onBlock(BlockHeader header) {
        first.onBlock(header);
        then.onBlock(header);
    }

    @Override
    public void onHead(BlockHeader head) {
        first.onHead(head);
        then.onHead(head);
    }
}
