package dev.margincall.submit;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.core.Address;

/**
 * The keeper's next nonce, counted locally so consecutive sends in one block need no round trip, and
 * taken again from the chain (the pending count) whenever the node disagrees: "nonce too low",
 * "already known", a send that failed after the nonce was taken, or a gap.
 */
public final class NonceManager {

    private final EthRpc rpc;
    private final Address account;
    private long next = -1;

    public NonceManager(EthRpc rpc, Address account) {
        this.rpc = rpc;
        this.account = account;
    }

    /** The nonce for the next new transaction; consumed. */
    public synchronized long take() {
        if (next < 0) {
            resync();
        }
        return next++;
    }

    /** Reads the pending transaction count again: the source of truth after any error. */
    public synchronized void resync() {
        next = rpc.transactionCount(account, BlockTag.PENDING);
    }

    /** Forgets the local count without a round trip: the next {@link #take()} reads the chain's (pending) count. */
    public synchronized void invalidate() {
        next = -1;
    }

    /** The account's nonce as of {@code block}: transactions below it are mined (by then). */
    public long minedCount(long block) {
        return rpc.transactionCount(account, BlockTag.number(block));
    }
}
