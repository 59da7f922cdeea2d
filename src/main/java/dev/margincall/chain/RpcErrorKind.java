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
    /** The request itself is wrong (bad params, unknown method, nonce too low...): never retried blindly. */
    PERMANENT;

    public boolean retryable() {
        return this == TRANSIENT || this == RATE_LIMITED;
    }
}
