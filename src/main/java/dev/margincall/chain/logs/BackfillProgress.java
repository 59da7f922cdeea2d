package dev.margincall.chain.logs;

import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reports how a backfill goes: gauges always, a log line every few seconds, a progress bar on a terminal. */
final class BackfillProgress {

    private static final Logger log = LoggerFactory.getLogger(BackfillProgress.class);
    private static final long REPORT_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final AtomicLong reached = new AtomicLong(-1);
    private final AtomicLong target = new AtomicLong(-1);
    private final boolean terminal = System.console() != null;
    private final Timer catchUpTime;
    private final Counter catchUpBlocks;
    private final Counter catchUpLogs;
    private long startBlock = -1;
    private long startNanos;
    private long lastReportNanos;
    private long logs;
    private boolean caughtUp;

    /** @param tags the stream's own labels (protocol, market): each stream's progress is a series of its own */
    BackfillProgress(MeterRegistry registry, Tags tags) {
        Gauge.builder(MetricNames.BACKFILL_BLOCK, reached, AtomicLong::get).tags(tags).register(registry);
        Gauge.builder(MetricNames.BACKFILL_TARGET, target, AtomicLong::get).tags(tags).register(registry);
        catchUpTime = Timer.builder(MetricNames.BACKFILL_DURATION).description("catch-ups of more than one block, start to head").register(registry);
        catchUpBlocks = Counter.builder(MetricNames.BACKFILL_BLOCKS).description("blocks delivered by those catch-ups").register(registry);
        catchUpLogs = Counter.builder(MetricNames.BACKFILL_LOGS).description("logs delivered by those catch-ups").register(registry);
    }

    /**
     * One call to follow the chain ended, having delivered {@code blocks} blocks and {@code logs} logs in {@code nanos}:
     * a catch-up of more than one block is a backfill, whose throughput the meters keep; a live block is not.
     */
    void finished(long blocks, long logs, long nanos) {
        if (blocks > 1) {
            catchUpTime.record(nanos, TimeUnit.NANOSECONDS);
            catchUpBlocks.increment(blocks);
            catchUpLogs.increment(logs);
        }
    }

    void advanced(long block, long goal, int newLogs) {
        reached.set(block);
        target.set(goal);
        boolean followingTheHead = goal - block <= 1;
        if (caughtUp && followingTheHead) {
            return; // live, one block at a time: the gauges say enough
        }
        long now = System.nanoTime();
        if (startBlock < 0 || caughtUp) {
            startBlock = block;
            startNanos = now;
            lastReportNanos = now;
            logs = 0;
            caughtUp = false;
        }
        logs += newLogs;
        if (block >= goal) {
            caughtUp = true;
            if (block - startBlock > 1) {
                report(block, goal, now);
            }
        } else if (now - lastReportNanos >= REPORT_EVERY_NANOS) {
            lastReportNanos = now;
            report(block, goal, now);
        }
    }

    private void report(long block, long goal, long now) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double blocksPerSecond = (block - startBlock) / seconds;
        long remaining = Math.max(0, goal - block);
        long etaSeconds = blocksPerSecond > 0 ? Math.round(remaining / blocksPerSecond) : -1;
        double percent = goal <= startBlock ? 100 : 100.0 * (block - startBlock) / (goal - startBlock);
        String eta = etaSeconds < 0 ? "?" : String.format("%d:%02d", etaSeconds / 60, etaSeconds % 60);
        if (terminal) {
            int width = 30;
            int filled = (int) Math.min(width, Math.round(percent / 100 * width));
            System.err.printf("\rbackfill [%s%s] %5.1f%% block %d/%d %,.0f blocks/s ETA %s %,d logs%s",
                    "#".repeat(filled), " ".repeat(width - filled), percent, block, goal, blocksPerSecond, eta, logs, block >= goal ? "\n" : "");
        } else {
            log.info("backfill: block {} of {} ({}%), {} blocks/s, ETA {}, {} logs",
                    block, goal, String.format("%.1f", percent), String.format("%.0f", blocksPerSecond), eta, logs);
        }
    }
}
