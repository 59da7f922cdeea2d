package dev.margincall.chain;

/**
 * The chain is not what the keeper's state assumes, and retrying cannot fix it: the process must stop
 * with this message (it says what to do) instead of retrying forever on a state it can no longer trust.
 */
public class FatalChainException extends RuntimeException {

    public FatalChainException(String message) {
        super(message);
    }

    /** The fatal error in {@code error}'s cause chain, if any (a listener may have wrapped it). */
    public static java.util.Optional<FatalChainException> in(Throwable error) {
        Throwable t = error;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) { // bounded: a cause chain may loop
            if (t instanceof FatalChainException fatal) {
                return java.util.Optional.of(fatal);
            }
        }
        return java.util.Optional.empty();
    }
}
