package dev.margincall.app;

/** A bench baseline bot ({@link NaiveKeeper} on Aave, {@link NaiveMorphoKeeper} on Morpho Blue): polls heads on its own thread. */
interface NaiveBot extends AutoCloseable {

    void start();

    /** The last block it finished with. */
    long processedBlock();

    long errorCount();

    /** Stops polling and waits for the current block's work to end. */
    void stop();

    @Override
    default void close() {
        stop();
    }
}
