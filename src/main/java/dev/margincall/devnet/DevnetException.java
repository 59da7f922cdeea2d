package dev.margincall.devnet;

/** Setting up or driving the local chain failed; the message says what and what to do. */
public class DevnetException extends RuntimeException {

    public DevnetException(String message) {
        super(message);
    }

    public DevnetException(String message, Throwable cause) {
        super(message, cause);
    }
}
