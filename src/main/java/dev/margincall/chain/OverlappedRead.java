package dev.margincall.chain;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A chain read started on another thread so its round trip overlaps the keeper's local work (evaluating and quoting
 * the head's candidates) instead of following it: between the head and the wire, no round trip waits on a computation
 * it does not depend on. Threads are daemons and end after a minute without work.
 */
public final class OverlappedRead<T> {

    private static final ExecutorService READS = Executors.newCachedThreadPool(Thread.ofPlatform().name("chain-read-", 0).daemon(true).factory());

    private final CompletableFuture<T> result;

    private OverlappedRead(CompletableFuture<T> result) {
        this.result = result;
    }

    public static <T> OverlappedRead<T> start(Supplier<T> read) {
        return new OverlappedRead<>(CompletableFuture.supplyAsync(read, READS));
    }

    /** A value known already: no read. */
    public static <T> OverlappedRead<T> of(T value) {
        return new OverlappedRead<>(CompletableFuture.completedFuture(value));
    }

    /** The read's value; its failure is thrown as it was thrown on the reading thread (an RPC error stays an RPC error). */
    public T await() {
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }
}
