package dev.margincall.chain.logs;

/**
 * A reorg reached below the blocks we hold as final: the confirmation depth was too small for this
 * chain. The stream cannot undo it exactly; the operator must raise the depth and backfill again.
 */
public class DeepReorgException extends RuntimeException {

    public DeepReorgException(String message) {
        super(message);
    }
}
