package dev.margincall.devnet;

/** A running local chain: an Anvil child process or an Anvil container. Closing it stops it. */
public interface ChainNode extends AutoCloseable {

    String rpcUrl();

    String wsUrl();

    /** "anvil-process" or "anvil-container", for logs and test reports. */
    String backend();

    @Override
    void close();
}
