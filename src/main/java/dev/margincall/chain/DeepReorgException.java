package dev.margincall.chain;

/**
 * A reorg reached below the blocks we hold as final: the confirmation depth (or the head tracker's
 * reorg depth) was too small for this chain. The state cannot be undone exactly; the operator must
 * start again (the checkpoint no longer matches the chain, so the next start backfills afresh) and
 * should raise the depth.
 */
public class DeepReorgException extends FatalChainException {

    public DeepReorgException(String message) {
        super(message);
    }
}
