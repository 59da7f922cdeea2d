package dev.margincall.chain;

import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One market's head state read ahead of its head, beside the head's logs ({@link dev.margincall.chain.head.HeadListener#headComing}),
 * and taken by that head's update only if it is for the very same block and was read on what the market still knows
 * (its {@code basis}: the market's reserves, or the markets it watches). Counts each prefetch as used, unused (another
 * block, or the basis changed) or failed ({@link MetricNames#HEAD_PREFETCHES}). Called on the keeper's thread.
 */
public final class HeadPrefetch<T> {

    private static final Logger log = LoggerFactory.getLogger(HeadPrefetch.class);

    private final Counter used;
    private final Counter unused;
    private final Counter failed;
    private Pending<T> pending;

    private record Pending<T>(BlockHeader header, Object basis, OverlappedRead<T> read) {
    }

    /** @param labels the market's {@code protocol} and {@code market} labels */
    public HeadPrefetch(MeterRegistry registry, Tags labels) {
        this.used = counter(registry, labels, "used");
        this.unused = counter(registry, labels, "unused");
        this.failed = counter(registry, labels, "failed");
    }

    private static Counter counter(MeterRegistry registry, Tags labels, String outcome) {
        return Counter.builder(MetricNames.HEAD_PREFETCHES).tags(labels).tag("outcome", outcome).register(registry);
    }

    /** Starts {@code read} for {@code header} on another thread; one still pending was for a head never handled (the chain moved on). */
    public void start(BlockHeader header, Object basis, Supplier<T> read) {
        if (pending != null) {
            unused.increment();
        }
        pending = new Pending<>(header, basis, OverlappedRead.start(read));
    }

    /**
     * The state prefetched for this very head (same hash) on the same {@code basis} (the same instance), or empty: none,
     * one for another block or basis, or its read failed. Empty, the caller reads the head as without a prefetch.
     */
    public Optional<T> take(BlockHeader header, Object basis) {
        Pending<T> early = pending;
        pending = null;
        if (early == null) {
            return Optional.empty();
        }
        if (!early.header().hash().equals(header.hash()) || early.basis() != basis) {
            unused.increment();
            return Optional.empty();
        }
        try {
            T value = early.read().await();
            used.increment();
            return Optional.of(value);
        } catch (RuntimeException e) {
            failed.increment();
            log.debug("the prefetched state of {} failed ({}); reading it again", early.header().number(), e.toString());
            return Optional.empty();
        }
    }
}
