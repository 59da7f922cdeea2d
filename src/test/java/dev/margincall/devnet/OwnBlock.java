package dev.margincall.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.TransactionReceipt;

/**
 * One transaction mined alone in a block of its own at a given timestamp, for tests that send, read and revert to a snapshot
 * many times from one sender: the caller turns automine off, this sends and mines with {@code evm_mine}.
 *
 * <p>Not automine: Anvil 1.7.1 mines an automined transaction in a background task, and its node service prunes the pool of
 * the mined block's (sender, nonce) markers only when it next polls, after the receipt can already be read. A transaction sent
 * after reverting that block, from the same sender at the same nonce, could reach the pool first and be pruned as mined: its
 * hash answered, never mined, gone from the pool, the sender's nonce unchanged ({@code NodeService::poll} calls
 * {@code pool.on_mined_block}, whose {@code prune_markers} drops every ready transaction providing a mined marker). Measured
 * with {@code ReportDifferentialIT}'s devnet on one core: 6 of about 8,800 liquidations sent. {@code evm_mine}'s
 * {@code mine_one} prunes the pool before it answers, so the next transaction cannot meet a stale pruning.
 */
public final class OwnBlock {

    private OwnBlock() {
    }

    /** Sends {@code request}, mines one block at {@code timestamp} (automine must be off), and returns the receipt from that block. */
    public static TransactionReceipt mine(DevChain chain, CallRequest request, long timestamp) {
        BlockHeader parent = chain.block(BlockTag.LATEST);
        chain.setNextBlockTimestamp(timestamp);
        String hash = chain.sendTransaction(request);
        chain.mine();
        BlockHeader mined = chain.block(BlockTag.LATEST);
        TransactionReceipt receipt = chain.receipt(hash).orElseThrow(() -> new AssertionError("transaction " + hash + " was not mined by evm_mine ("
                + chain.pendingTransactionCount() + " in the pool; is automine off?)"));
        assertThat(mined.parentHash()).as("one block mined on the state the transaction was sent to").isEqualTo(parent.hash());
        assertThat(receipt.blockHash()).as("the receipt of the block just mined").isEqualTo(mined.hash());
        assertThat(mined.timestamp()).as("mined at the given timestamp").isEqualTo(timestamp);
        return receipt;
    }
}
