package dev.margincall.submit;

import dev.margincall.chain.TransactionReceipt;
import dev.margincall.strategy.RejectReason;
import java.math.BigInteger;

/** Every decision the submitter takes, for logs, metrics and reports. {@code simulated} and {@code rejected} may come from the simulation threads: implementations are thread-safe. */
public interface SubmitEvents {

    default void rejected(Liquidation liquidation, RejectReason reason, String detail) {
    }

    /**
     * A step of handling the current head is done ({@code step} names it, e.g. "sends"): where the time between the head
     * and the wire goes, for the bench. Called on the keeper's thread.
     */
    default void step(String step) {
    }

    default void simulated(Liquidation liquidation, BigInteger gasEstimate) {
    }

    /** Dry-run: everything was done but the broadcast. */
    default void wouldSend(Liquidation liquidation, BigInteger gasLimit, Fees fees) {
    }

    default void sent(Liquidation liquidation, String hash, long nonce, Fees fees, BigInteger gasLimit) {
    }

    default void replaced(Liquidation liquidation, String previousHash, String hash, Fees fees) {
    }

    /** The opportunity is gone while our transaction waits: a 0-value self-transfer takes its nonce. */
    default void cancelling(Liquidation liquidation, String hash, long nonce, Fees fees, String why) {
    }

    /** The liquidation was mined and succeeded. */
    default void mined(Liquidation liquidation, TransactionReceipt receipt) {
    }

    /**
     * A batch was mined but this item of it did nothing: the contract skipped it ({@code reason}: why its liquidation
     * failed, e.g. a competitor came first). Its share of the batch's gas is in {@code receipt}.
     */
    default void skipped(Liquidation liquidation, TransactionReceipt receipt, String reason) {
    }

    /** The liquidation was mined and reverted (gas lost). */
    default void reverted(Liquidation liquidation, TransactionReceipt receipt) {
    }

    /** The cancellation took the nonce; the liquidation was never mined. */
    default void cancelled(Liquidation liquidation, TransactionReceipt receipt) {
    }

    /** A mined liquidation's block left the chain (reorg): it is in flight again. */
    default void reorged(Liquidation liquidation, String hash, long minedBlock) {
    }

    /** The nonce was used by a transaction we no longer track (e.g. after a restart): given up. */
    default void dropped(Liquidation liquidation, long nonce) {
    }
}
