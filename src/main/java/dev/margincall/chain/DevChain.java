package dev.margincall.chain;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;

/**
 * The test-node controls of a local chain (Anvil): unlocked senders, mining, time and state writes.
 * Used by the devnet, the fork mode and tests; never by the keeper against a real chain.
 */
public interface DevChain extends EthRpc {

    /** Sends an unsigned transaction from an unlocked or impersonated account; returns its hash. */
    String sendTransaction(CallRequest transaction);

    /** Many unsigned transactions in batched requests (order preserved); returns their hashes. */
    List<String> sendTransactions(List<CallRequest> transactions);

    void setAutomine(boolean enabled);

    /** Mines one block now with whatever is in the pool. */
    void mine();

    /** Mines a block every {@code seconds} of wall time (0: stop); transactions wait for the next block, as on a real chain. */
    void setIntervalMining(long seconds);

    /** The base fee of the next block (to make pending transactions underpriced in tests). */
    void setNextBlockBaseFee(BigInteger wei);

    /** Mines {@code blocks} blocks at once (empty but for what is in the pool). */
    void mine(long blocks);

    /** Lets any address send {@link #sendTransaction} without a key. */
    void setAutoImpersonate(boolean enabled);

    void setBlockTimestampInterval(long seconds);

    void setNextBlockTimestamp(long timestamp);

    void setBalance(Address account, BigInteger wei);

    /** The same for many accounts, in batched requests. */
    void setBalances(List<Address> accounts, BigInteger wei);

    /** {@link #transactionCount} of many accounts, in batched requests (order preserved). */
    List<Long> transactionCounts(List<Address> accounts, BlockTag tag);

    void setCode(Address account, String runtimeCode);

    void setStorageAt(Address account, BigInteger slot, String word32);

    /** Transactions waiting in the node's pool (pending + queued). */
    long pendingTransactionCount();

    /** Replaces the last {@code depth} blocks by as many new ones (no transactions): Anvil's {@code anvil_reorg}. */
    void reorg(int depth);

    String snapshot();

    /** Back to the snapshot's state, with the pool emptied. */
    boolean revert(String snapshotId);
}
