package dev.margincall.chain;

/** What a failed call means for what to do next. */
public enum RpcErrorKind {
    /** Network, timeout, 5xx, garbled answer, node hiccup: try again, then another endpoint. */
    TRANSIENT,
    /** 429 or a provider's rate/capacity limit: back off, then another endpoint. */
    RATE_LIMITED,
    /** The log query covers too many blocks or results: not the endpoint's fault, ask for less. */
    RANGE_TOO_LARGE,
    /** The EVM reverted: the same call gives the same answer anywhere. */
    REVERTED,
    /** A transaction's nonce is already used by a mined transaction of the sender ("nonce too low", "nonce has already been used"). */
    NONCE_TOO_LOW,
    /** The node already holds this very transaction ("already known", "known transaction"): it was sent. */
    ALREADY_KNOWN,
    /** Another transaction waits at this nonce and this one does not pay enough more to replace it. */
    REPLACEMENT_UNDERPRICED,
    /** The endpoint does not offer the method (JSON-RPC -32601 or a provider's words for it). */
    METHOD_NOT_FOUND,
    /** The request itself is wrong (bad params...): never retried blindly. */
    PERMANENT;

    public boolean retryable() {
        return this == TRANSIENT || this == RATE_LIMITED;
    }
}
