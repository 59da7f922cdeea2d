package dev.margincall.chain.head;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DeepReorgException;
import dev.margincall.chain.EthRpc;
import dev.margincall.core.BlockRef;
import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the canonical chain head. Keeps the last {@code maxReorgDepth} headers; each {@link #sync()}
 * reads the head, fetches any blocks it skipped (never skips a number), and when a parent hash does not
 * match walks back to the common ancestor, publishes the rollback, then the new blocks.
 * Not thread-safe by design: one thread (the {@link HeadFollower}) drives it.
 */
public final class HeadTracker {

    private static final Logger log = LoggerFactory.getLogger(HeadTracker.class);
    private static final int MAX_SYNC_ATTEMPTS = 5;
    /** Looks at the head again at most this often while catching up, then decides on what it has. */
    private static final int MAX_CATCH_UP_ROUNDS = 3;

    private final EthRpc rpc;
    private final HeadListener listener;
    private final int maxReorgDepth;
    private final Clock clock;
    private final Deque<BlockHeader> recent = new ArrayDeque<>();
    private final AtomicLong headNumber = new AtomicLong(-1);
    private final AtomicLong headTimestamp = new AtomicLong(-1);
    private final Counter blocks;
    private final Counter reorgs;
    private final DistributionSummary reorgDepth;
    /** Blocks published and rollbacks, ever: tells a sync whether it changed anything. */
    private long changes;
    private boolean headPending;

    public HeadTracker(EthRpc rpc, HeadListener listener, int maxReorgDepth, MeterRegistry registry, Clock clock) {
        if (maxReorgDepth < 1) {
            throw new IllegalArgumentException("maxReorgDepth must be at least 1, got " + maxReorgDepth);
        }
        this.rpc = rpc;
        this.listener = listener;
        this.maxReorgDepth = maxReorgDepth;
        this.clock = clock;
        Gauge.builder(MetricNames.HEAD_BLOCK, headNumber, AtomicLong::get).register(registry);
        Gauge.builder(MetricNames.HEAD_LAG_SECONDS, this, HeadTracker::lagSeconds).register(registry);
        this.blocks = Counter.builder(MetricNames.BLOCKS_PROCESSED).register(registry);
        this.reorgs = Counter.builder(MetricNames.REORGS).register(registry);
        this.reorgDepth = DistributionSummary.builder(MetricNames.REORG_DEPTH).register(registry);
    }

    /** The newest block published, if any. */
    public Optional<BlockHeader> head() {
        return Optional.ofNullable(recent.peekLast());
    }

    /** Seconds between now and the head block's timestamp; NaN before the first block. */
    public double lagSeconds() {
        long timestamp = headTimestamp.get();
        return timestamp < 0 ? Double.NaN : clock.millis() / 1000.0 - timestamp;
    }

    /**
     * Reads the head and publishes whatever changed since the last call, then {@link HeadListener#onHead}
     * once. When the listener was behind (more than one block in one look), the chain may have moved while
     * those blocks were applied: it looks again, up to {@link #MAX_CATCH_UP_ROUNDS} times, before calling
     * onHead, so decisions are taken on the newest state and never once per stale block.
     */
    public void sync() {
        long mark = changes;
        syncToLatest();
        for (int round = 0; round < MAX_CATCH_UP_ROUNDS && changes - mark > 1; round++) {
            mark = changes;
            syncToLatest();
        }
        if (headPending && !recent.isEmpty()) {
            listener.onHead(recent.peekLast());
            headPending = false; // stays set when onHead threw: the next sync calls it again, even without a new block
        }
    }

    private void syncToLatest() {
        for (int attempt = 1; attempt <= MAX_SYNC_ATTEMPTS; attempt++) {
            if (trySync(rpc.block(BlockTag.LATEST))) {
                return;
            }
            log.debug("the chain moved while syncing (attempt {}); again", attempt);
        }
        throw new IllegalStateException("the chain kept changing during " + MAX_SYNC_ATTEMPTS + " sync attempts");
    }

    /** False when the fetched blocks do not link up (the chain changed mid-fetch): the caller tries again. */
    private boolean trySync(BlockHeader latest) {
        BlockHeader tip = recent.peekLast();
        if (tip == null) {
            // Start: keep the blocks before the head too (unpublished), so a reorg of them can be walked back.
            List<BlockHeader> history = fetchThrough(Math.max(0, latest.number() - maxReorgDepth), latest);
            if (!linked(history)) {
                return false;
            }
            recent.addAll(history.subList(0, history.size() - 1));
            publish(latest);
            return true;
        }
        if (latest.hash().equals(tip.hash())) {
            return true;
        }
        if (latest.number() > tip.number()) {
            List<BlockHeader> fresh = fetchThrough(tip.number() + 1, latest);
            if (fresh.get(0).parentHash().equals(tip.hash())) {
                if (!linked(fresh)) {
                    return false;
                }
                listener.headComing(latest);
                fresh.forEach(this::publish);
                return true;
            }
        }
        return reorganize(latest);
    }

    private boolean reorganize(BlockHeader latest) {
        // Compare what we published with the canonical chain, newest first, down to the oldest we keep.
        long highest = Math.min(recent.peekLast().number(), latest.number());
        long lowest = recent.peekFirst().number();
        List<Long> numbers = LongStream.rangeClosed(lowest, highest).boxed().toList();
        List<BlockHeader> canonical = numbers.isEmpty() ? List.of() : rpc.blocks(numbers);
        BlockHeader ancestor = null;
        for (BlockHeader published : recent) {
            int at = (int) (published.number() - lowest);
            if (at < canonical.size() && canonical.get(at).hash().equals(published.hash())) {
                ancestor = published;
            }
        }
        if (ancestor == null) {
            throw new DeepReorgException("a reorg deeper than " + maxReorgDepth + " blocks: none of blocks " + lowest + ".."
                    + recent.peekLast().number() + " is still on the chain (a reorg deeper than chain.maxReorgDepth, or a restarted chain). "
                    + "Start again (the checkpoint is checked against the chain at start) and raise chain.maxReorgDepth if this chain "
                    + "reorganizes that deep");
        }
        List<BlockHeader> removed = new ArrayList<>();
        while (recent.peekLast().number() > ancestor.number()) {
            removed.add(0, recent.removeLast());
        }
        List<BlockHeader> replacement = ancestor.number() < latest.number() ? fetchThrough(ancestor.number() + 1, latest) : List.of();
        if (!replacement.isEmpty() && (!replacement.get(0).parentHash().equals(ancestor.hash()) || !linked(replacement))) {
            recent.addAll(removed); // nothing published yet: put back and let the caller retry on a settled chain
            return false;
        }
        reorgs.increment();
        reorgDepth.record(removed.size());
        log.warn("reorg: {} blocks after #{} replaced by {} new ones", removed.size(), ancestor.number(), replacement.size());
        headNumber.set(ancestor.number());
        changes++;
        headPending = true;
        listener.onRollback(new BlockRef(ancestor.number(), ancestor.hash()), removed);
        replacement.forEach(this::publish);
        return true;
    }

    /** Headers {@code from} .. latest, the last being {@code latest} itself. */
    private List<BlockHeader> fetchThrough(long from, BlockHeader latest) {
        List<BlockHeader> out = new ArrayList<>();
        if (from < latest.number()) {
            out.addAll(rpc.blocks(LongStream.range(from, latest.number()).boxed().toList()));
        }
        out.add(latest);
        return out;
    }

    private static boolean linked(List<BlockHeader> headers) {
        for (int i = 1; i < headers.size(); i++) {
            if (!headers.get(i).parentHash().equals(headers.get(i - 1).hash())) {
                return false;
            }
        }
        return true;
    }

    private void publish(BlockHeader header) {
        recent.addLast(header);
        while (recent.size() > maxReorgDepth + 1) {
            recent.removeFirst();
        }
        headNumber.set(header.number());
        headTimestamp.set(header.timestamp());
        blocks.increment();
        changes++;
        headPending = true;
        listener.onBlock(header);
    }
}
