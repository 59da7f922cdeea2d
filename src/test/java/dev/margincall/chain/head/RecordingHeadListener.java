package dev.margincall.chain.head;

import dev.margincall.chain.BlockHeader;
import dev.margincall.core.BlockRef;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test listener: what the tracker published, in order, as text ("block 12 0xab…", "rollback to 10"). */
final class RecordingHeadListener implements HeadListener {

    final List<String> events = new CopyOnWriteArrayList<>();
    final List<BlockHeader> blocks = new CopyOnWriteArrayList<>();
    final List<BlockHeader> removed = new CopyOnWriteArrayList<>();
    /** Each headComing, with how many blocks had been published before it ("coming 10 after 1 blocks"). */
    final List<String> coming = new CopyOnWriteArrayList<>();

    @Override
    public void headComing(BlockHeader newest) {
        coming.add("coming " + newest.number() + " after " + blocks.size() + " blocks");
    }

    @Override
    public void onRollback(BlockRef commonAncestor, List<BlockHeader> removedBlocks) {
        events.add("rollback to " + commonAncestor.number());
        removed.addAll(removedBlocks);
    }

    @Override
    public void onBlock(BlockHeader header) {
        events.add("block " + header.number());
        blocks.add(header);
    }

    long lastBlock() {
        return blocks.isEmpty() ? -1 : blocks.get(blocks.size() - 1).number();
    }
}
