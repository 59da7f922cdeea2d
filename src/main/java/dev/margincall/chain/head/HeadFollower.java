package dev.margincall.chain.head;

import dev.margincall.chain.FatalChainException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that drives a {@link HeadTracker}: it syncs at once when the WebSocket announces a head,
 * and otherwise every {@code pollInterval} (HTTP polling: the fallback while the WebSocket is down)
 * or every {@code safetyInterval} while the WebSocket is up (a missed notification costs at most that).
 * A failed sync is retried with a growing pause, except a {@link FatalChainException}: retrying cannot
 * fix it, so the thread stops and hands it to {@code onFatal} (the owner ends the process with its message).
 */
public final class HeadFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HeadFollower.class);

    private final HeadTracker tracker;
    private final Optional<NewHeadsSource> push;
    private final Duration pollInterval;
    private final Duration safetyInterval;
    private final Consumer<FatalChainException> onFatal;
    // One pending wake-up is all a sync needs: announcements beyond it are dropped, so the queue cannot
    // grow while syncs keep failing and heads keep coming.
    private final LinkedBlockingQueue<Boolean> wakeUps = new LinkedBlockingQueue<>(1);
    private volatile boolean running;
    private volatile Thread thread;

    /** Without an owner to tell, a fatal error is logged and the thread stops. */
    public HeadFollower(HeadTracker tracker, Optional<NewHeadsSource> push, Duration pollInterval, Duration safetyInterval) {
        this(tracker, push, pollInterval, safetyInterval, e -> log.error("head following stopped: {}", e.getMessage()));
    }

    public HeadFollower(HeadTracker tracker, Optional<NewHeadsSource> push, Duration pollInterval, Duration safetyInterval,
                        Consumer<FatalChainException> onFatal) {
        this.tracker = tracker;
        this.onFatal = onFatal;
        this.push = push;
        this.pollInterval = pollInterval;
        this.safetyInterval = safetyInterval;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        push.ifPresent(source -> source.start(() -> wakeUps.offer(Boolean.TRUE)));
        thread = Thread.ofPlatform().name("head-follower").daemon(true).start(this::run);
    }

    /** True while the follower thread runs: false before {@link #start()}, after {@link #close()}, or if the thread died. */
    public boolean alive() {
        Thread current = thread;
        return running && current != null && current.isAlive();
    }

    private void run() {
        long failures = 0;
        while (running) {
            try {
                tracker.sync();
                failures = 0;
                Duration wait = push.map(NewHeadsSource::connected).orElse(false) ? safetyInterval : pollInterval;
                wakeUps.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
                wakeUps.clear(); // several announcements while we synced: one sync covers them all
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                Optional<FatalChainException> fatal = FatalChainException.in(e);
                if (fatal.isPresent()) {
                    log.debug("head following stopped by an error retrying cannot fix", e); // the stack trace, for the debug log only
                    running = false;
                    onFatal.accept(fatal.get());
                    return;
                }
                if (!running) {
                    return; // closed mid-sync (an interrupted wait): not a failure to report
                }
                failures++;
                log.warn("head sync failed ({} in a row): {}", failures, e.getMessage());
                try {
                    Thread.sleep(Math.min(pollInterval.toMillis() * failures, 10_000));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        push.ifPresent(NewHeadsSource::close);
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
