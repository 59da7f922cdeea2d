package dev.margincall.chain.logs;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DeepReorgException;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.RpcErrorKind;
import dev.margincall.chain.RpcErrors;
import dev.margincall.chain.RpcException;
import dev.margincall.core.BlockRef;
import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logs of some contracts, from a start block to the head and on, delivered exactly once and in
 * order to a {@link LogSink}, across restarts and reorgs.
 *
 * <p>Blocks deeper than the confirmation depth are final: they are fetched in ranges that adapt to the
 * provider's limits. Newer blocks are fetched one by one by block hash and kept, with their logs, so a
 * reorg can retract exactly what it removed. The cursor, the unconfirmed blocks and the sink's state
 * are checkpointed together in one atomic write, after every range and, at most as often as
 * {@link Settings#checkpointEvery()}, after new blocks.
 */
public final class LogStream {

    private static final Logger log = LoggerFactory.getLogger(LogStream.class);

    /** Tries to reach the head while the chain changes under the stream; more means the endpoint is unsettled: fail, retry later. */
    private static final int MAX_ADVANCE_ATTEMPTS = 5;

    /**
     * @param confirmations     blocks below the head after which a block is final
     * @param initialRange      blocks in the first {@code eth_getLogs}
     * @param maxRange          never more blocks per call (common provider caps: 2,000 blocks)
     * @param logsPerCallLimit  the provider's cap on results per call (common: 10,000); ranges stop growing near it
     * @param checkpointEvery   new heads are checkpointed at most this often (zero: at every block); ranges,
     *                          rollbacks and {@link #flush()} always write. Cursor and sink state are written
     *                          together, so a less frequent checkpoint only means a longer replay after a crash,
     *                          never a gap or a duplicate; it keeps serializing the sink's state off most blocks
     */
    public record Settings(long startBlock, int confirmations, long initialRange, long maxRange, int logsPerCallLimit, Duration checkpointEvery) {

        public Settings {
            if (startBlock < 0 || confirmations < 0) {
                throw new IllegalArgumentException("startBlock and confirmations cannot be negative");
            }
        }

        public Settings(long startBlock, int confirmations, long initialRange, long maxRange, int logsPerCallLimit) {
            this(startBlock, confirmations, initialRange, maxRange, logsPerCallLimit, Duration.ZERO);
        }

        public static Settings defaults(long startBlock) {
            return new Settings(startBlock, 12, 2_000, 2_000, 10_000);
        }
    }

    private final EthRpc rpc;
    private LogQuery query;
    private final CheckpointStore store;
    private final LogSink sink;
    private final Settings settings;
    private final RangeSizer sizer;
    private final BackfillProgress progress;
    private final Counter delivered;
    private final Counter splits;

    private Checkpoint.ChainIdentity identity; // the chain we read, written with every checkpoint; known after start()
    private BlockRef cursor;      // last delivered block; null before the first delivery
    private BlockRef finalized;   // last delivered block that is final; null before
    private final Deque<Checkpoint.DeliveredBlock> unconfirmed = new ArrayDeque<>();
    private long lastSaveNanos;
    private long deliveredLogs; // this stream's own count: several streams may share the registry's counter
    private boolean unsaved;

    public LogStream(EthRpc rpc, LogQuery query, CheckpointStore store, LogSink sink, Settings settings, MeterRegistry registry) {
        this(rpc, query, store, sink, settings, registry, Tags.empty());
    }

    /**
     * @param tags labels of this stream's backfill gauges (protocol, market): the keeper's markets each have a stream, and
     *             a registry keeps one gauge per name and labels. Every stream of one Prometheus registry needs the same keys.
     */
    public LogStream(EthRpc rpc, LogQuery query, CheckpointStore store, LogSink sink, Settings settings, MeterRegistry registry, Tags tags) {
        this.rpc = rpc;
        this.query = query;
        this.store = store;
        this.sink = sink;
        this.settings = settings;
        this.sizer = new RangeSizer(Math.min(settings.initialRange(), settings.maxRange()), settings.maxRange());
        this.progress = new BackfillProgress(registry, tags);
        this.delivered = Counter.builder(MetricNames.LOGS_DELIVERED).register(registry);
        this.splits = Counter.builder(MetricNames.LOG_RANGE_SPLITS).register(registry);
    }

    /**
     * Resumes from the checkpoint, if any: restores the sink and retracts blocks that left the chain
     * meanwhile. A checkpoint of another chain or another history (a restarted or re-created chain) is
     * not resumed: the sink stays empty, the stream starts over from the start block, and the stale
     * checkpoint is replaced at once, so its state can never come back.
     */
    public void start() {
        identity = new Checkpoint.ChainIdentity(rpc.chainId(), rpc.block(BlockTag.number(0)).hash());
        Optional<Checkpoint> saved = store.load();
        if (saved.isEmpty()) {
            log.info("no checkpoint: logs from block {}", settings.startBlock());
            return;
        }
        Checkpoint checkpoint = saved.get();
        Optional<String> mismatch = CheckpointOrigin.mismatch(checkpoint, identity, rpc);
        if (mismatch.isPresent()) {
            log.warn("checkpoint {} was written on another history: {} (a restarted or re-created chain?); starting over from block {}",
                    store.name(), mismatch.get(), settings.startBlock());
            save();
            return;
        }
        sink.restore(checkpoint.sinkState());
        cursor = checkpoint.cursor();
        finalized = checkpoint.finalized();
        unconfirmed.addAll(checkpoint.unconfirmed());
        log.info("resuming logs after block {} ({} unconfirmed blocks to re-check)", cursor == null ? "-" : cursor.number(), unconfirmed.size());
        recheckUnconfirmed();
    }

    /** Last delivered block, or empty before any. */
    public Optional<BlockRef> cursor() {
        return Optional.ofNullable(cursor);
    }

    public long nextBlock() {
        return cursor == null ? settings.startBlock() : cursor.number() + 1;
    }

    /**
     * Delivers every log up to {@code head}: final blocks in ranges, newer ones block by block. When the
     * chain changes under it, it rolls back what left and tries again at the new head, a few times at
     * most; a change below the final blocks is a {@link DeepReorgException}.
     */
    public void advanceTo(BlockHeader head) {
        long from = nextBlock();
        long logsBefore = deliveredLogs;
        long started = System.nanoTime();
        follow(head);
        progress.finished(nextBlock() - from, deliveredLogs - logsBefore, System.nanoTime() - started);
    }

    private void follow(BlockHeader head) {
        BlockHeader target = head;
        for (int attempt = 1; !tryAdvanceTo(target); attempt++) {
            if (attempt == MAX_ADVANCE_ATTEMPTS) {
                throw new IllegalStateException("the chain kept changing while the log stream followed it (" + MAX_ADVANCE_ATTEMPTS
                        + " attempts to reach the head from block " + nextBlock() + "); the next head tries again");
            }
            log.debug("the chain changed while delivering logs (attempt {}); again from the latest head", attempt);
            target = rpc.block(BlockTag.LATEST);
        }
    }

    /** False when a fetched block does not follow the cursor: what left the chain was rolled back, the caller asks again. */
    private boolean tryAdvanceTo(BlockHeader head) {
        long finalTarget = head.number() - settings.confirmations();
        while (nextBlock() <= finalTarget) {
            if (!deliverRange(nextBlock(), Math.min(finalTarget, nextBlock() + sizer.span() - 1), head.number())) {
                return false;
            }
        }
        if (nextBlock() > head.number()) {
            return true;
        }
        List<BlockHeader> headers = nextBlock() == head.number()
                ? List.of(head) // the usual live case: the head tracker already has the header
                : rpc.blocks(LongStream.rangeClosed(nextBlock(), head.number()).boxed().toList());
        for (BlockHeader header : headers) {
            if (cursor != null && !header.parentHash().equals(cursor.hash())) {
                cursorLeft(header);
                return false;
            }
            deliverBlock(header, head.number());
        }
        return true;
    }

    /** {@code header} does not follow the cursor: the chain changed under the stream since it delivered the cursor. */
    private void cursorLeft(BlockHeader header) {
        if (unconfirmed.isEmpty()) {
            requireFinalStillOnChain(header);
        } else {
            recheckUnconfirmed(); // undo what left the chain since the head tracker looked
        }
    }

    /**
     * {@code header} does not follow the cursor, which is final (no unconfirmed block to roll back):
     * either the final block left the chain (a reorg deeper than the confirmations, or another chain
     * behind the endpoint), or {@code header} is already stale and a retry settles it.
     */
    private void requireFinalStillOnChain(BlockHeader header) {
        BlockHeader now = rpc.block(BlockTag.number(cursor.number()));
        if (!now.hash().equals(cursor.hash())) {
            throw new DeepReorgException("block " + cursor.number() + " was taken as final with " + settings.confirmations()
                    + " confirmations but the chain replaced it (hash " + cursor.hash() + " then, " + now.hash() + " now; block "
                    + header.number() + " does not follow it): a reorg deeper than the confirmation depth, or a restarted chain. "
                    + "Start again (the checkpoint no longer matches the chain: the next start backfills from block " + settings.startBlock()
                    + ") and raise chain.confirmations if this chain reorganizes that deep");
        }
    }

    /** The head tracker saw blocks after {@code commonAncestor} leave the chain. */
    public void rollback(BlockRef commonAncestor) {
        if (cursor == null || commonAncestor.number() >= cursor.number()) {
            return;
        }
        long floor = finalized == null ? settings.startBlock() - 1 : finalized.number();
        if (commonAncestor.number() < floor) {
            throw new DeepReorgException("a reorg back to block " + commonAncestor.number() + " reaches below block " + floor
                    + ", which was taken as final with " + settings.confirmations() + " confirmations. Start again (the checkpoint no longer "
                    + "matches the chain: the next start backfills from block " + settings.startBlock()
                    + ") and raise chain.confirmations if this chain reorganizes that deep");
        }
        List<LogEntry> retracted = new ArrayList<>();
        while (!unconfirmed.isEmpty() && unconfirmed.peekLast().block().number() > commonAncestor.number()) {
            List<LogEntry> logs = new ArrayList<>(unconfirmed.removeLast().logs());
            Collections.reverse(logs);
            retracted.addAll(logs);
        }
        cursor = unconfirmed.isEmpty() ? finalized : unconfirmed.peekLast().block();
        log.warn("reorg: retracting {} logs after block {}", retracted.size(), commonAncestor.number());
        sink.onRollback(commonAncestor, retracted);
        save();
    }

    /** Delivers final blocks {@code from..to}; false when {@code from} does not follow the cursor (the chain changed below it). */
    private boolean deliverRange(long from, long to, long head) {
        List<LogEntry> logs;
        try {
            logs = rpc.logs(new LogFilter(from, to, query.addresses(), query.topic0s()));
        } catch (RpcException e) {
            RpcErrorKind kind = RpcErrors.classify(e);
            if ((kind == RpcErrorKind.RANGE_TOO_LARGE || kind.retryable()) && sizer.refused(from, e.getMessage())) {
                splits.increment();
                log.debug("eth_getLogs {}..{} refused ({}); next span {} blocks", from, to, e.getMessage(), sizer.span());
                return true; // the caller's loop asks again with the smaller span
            }
            throw e;
        }
        sizer.succeeded(logs.size(), settings.logsPerCallLimit());
        // The range's ends in one round trip: its first block must follow the cursor, or the range is from another branch.
        List<BlockHeader> ends = rpc.blocks(from == to ? List.of(to) : List.of(from, to));
        if (cursor != null && !ends.get(0).parentHash().equals(cursor.hash())) {
            cursorLeft(ends.get(0));
            return false;
        }
        BlockRef end = new BlockRef(to, ends.get(ends.size() - 1).hash());
        // Everything up to `to` is final now, including blocks delivered earlier as unconfirmed.
        while (!unconfirmed.isEmpty() && unconfirmed.peekFirst().block().number() <= to) {
            unconfirmed.removeFirst();
        }
        deliver(end, logs);
        finalized = end;
        save();
        progress.advanced(to, head, logs.size());
        return true;
    }

    private void deliverBlock(BlockHeader header, long head) {
        List<LogEntry> logs = rpc.logsOfBlock(header.hash(), query.addresses(), query.topic0s());
        BlockRef block = new BlockRef(header.number(), header.hash());
        deliver(block, logs);
        unconfirmed.addLast(new Checkpoint.DeliveredBlock(block, logs));
        while (!unconfirmed.isEmpty() && unconfirmed.peekFirst().block().number() <= head - settings.confirmations()) {
            finalized = unconfirmed.removeFirst().block();
        }
        unsaved = true;
        if (System.nanoTime() - lastSaveNanos >= settings.checkpointEvery().toNanos()) {
            save();
        }
        progress.advanced(header.number(), head, logs.size());
    }

    private void deliver(BlockRef upTo, List<LogEntry> logs) {
        sink.onLogs(upTo, logs);
        delivered.increment(logs.size());
        deliveredLogs += logs.size();
        cursor = upTo;
    }

    /** Compares the unconfirmed blocks with the chain and rolls back to the newest one still on it. */
    private void recheckUnconfirmed() {
        if (unconfirmed.isEmpty()) {
            return;
        }
        long head = rpc.blockNumber();
        List<Long> numbers = unconfirmed.stream().map(b -> b.block().number()).filter(n -> n <= head).toList();
        List<BlockHeader> canonical = numbers.isEmpty() ? List.of() : rpc.blocks(numbers);
        BlockRef newestStillOnChain = finalized;
        int i = 0;
        for (Checkpoint.DeliveredBlock block : unconfirmed) {
            if (i >= canonical.size() || !Objects.equals(canonical.get(i).hash(), block.block().hash())) {
                break;
            }
            newestStillOnChain = block.block();
            i++;
        }
        if (!Objects.equals(newestStillOnChain, cursor)) {
            rollback(newestStillOnChain != null ? newestStillOnChain : beforeStart());
        }
    }

    private BlockRef beforeStart() {
        return new BlockRef(Math.max(0, settings.startBlock() - 1), "");
    }

    /**
     * From the next block on, asks for the logs of {@code newQuery} (e.g. a price feed that became a
     * source); blocks already delivered keep what they had.
     */
    public void watch(LogQuery newQuery) {
        query = newQuery;
    }

    /** Writes the checkpoint now if a delivered block is not in it yet (on a graceful stop). */
    public void flush() {
        if (unsaved) {
            save();
        }
    }

    private void save() {
        store.save(new Checkpoint(Checkpoint.VERSION, identity, cursor, finalized, List.copyOf(unconfirmed), sink.snapshot()));
        lastSaveNanos = System.nanoTime();
        unsaved = false;
    }
}
