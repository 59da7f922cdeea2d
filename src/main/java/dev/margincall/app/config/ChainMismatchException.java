package dev.margincall.app.config;

/** The chain behind the configured RPC endpoints is not the one the configuration names. */
public final class ChainMismatchException extends RuntimeException {

    public ChainMismatchException(String message) {
        super(message);
    }
}
