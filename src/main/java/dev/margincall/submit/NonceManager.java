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
    private long floor;

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

    /**
     * Reads the chain's count now if it is not known (at start, after an error): called off the keeper's thread while a
     * head's candidates are quoted, so that the first send of a crash does not wait for the round trip. The lock makes a
     * {@link #take()} meanwhile wait for this read instead of making its own.
     */
    public synchronized void ensureKnown() {
        if (next < 0) {
            resync();
        }
    }

    /** Reads the pending transaction count again: the source of truth after any error (never below {@link #atLeast}). */
    public synchronized void resync() {
        next = Math.max(floor, rpc.transactionCount(account, BlockTag.PENDING));
    }

    /**
     * New transactions take {@code nonce} or above: the nonces below are ours already (sent before a restart,
     * perhaps never reached the node), and each is settled, re-sent or cancelled at its own nonce.
     */
    public synchronized void atLeast(long nonce) {
        floor = Math.max(floor, nonce);
        if (next >= 0) {
            next = Math.max(next, floor);
        }
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
