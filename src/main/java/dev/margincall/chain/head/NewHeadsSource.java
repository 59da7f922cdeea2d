package dev.margincall.chain.head;

/** Push notification of new heads (a WebSocket subscription); the head tracker polls without it. */
public interface NewHeadsSource extends AutoCloseable {

    /** Connects and keeps reconnecting; {@code onNewHead} runs for every head announced. */
    void start(Runnable onNewHead);

    /** True while subscribed: the tracker then polls only as a safety net. */
    boolean connected();

    @Override
    void close();
}
