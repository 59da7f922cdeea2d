package dev.margincall.app;

import dev.margincall.core.Address;
import dev.margincall.protocol.spi.PositionId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What the bench records of one keeper run, from the keeper's own thread: when each head was seen and
 * how many RPC requests (round trips) and JSON-RPC calls the keeper had made by then, and for each
 * account the first plan and the first transaction on the wire after each head. Requests made between
 * the start of block b and the start of the next block handled are block b's cost.
 */
final class BenchRecorder implements KeeperEvents.Probe, NaiveKeeper.Probe {

    /** One head as the keeper started handling it, with the client's counters at that moment. */
    record Head(long number, long seenNanos, long requests, long calls) {
    }

    /** A plan or a send: the head the keeper was handling, and when. */
    record Mark(long headBlock, long nanos) {
    }

    private final LongSupplier requests;
    private final LongSupplier calls;
    private final List<Head> heads = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<Long, Long> seen = new ConcurrentHashMap<>();
    private final Map<Address, List<Mark>> planned = new ConcurrentHashMap<>();
    private final Map<Address, List<Mark>> sent = new ConcurrentHashMap<>();
    private final Map<Long, Map<String, Long>> steps = new ConcurrentHashMap<>();

    BenchRecorder(LongSupplier requests, LongSupplier calls) {
        this.requests = requests;
        this.calls = calls;
    }

    @Override
    public void block(long number, long seenNanos) {
        heads.add(new Head(number, seenNanos, requests.getAsLong(), calls.getAsLong()));
        seen.putIfAbsent(number, seenNanos);
    }

    @Override
    public void planned(PositionId position, long headBlock, long nanos) {
        planned(position.account(), headBlock, nanos); // the bench runs one market: the account names the position
    }

    @Override
    public void sent(PositionId position, long headBlock, long nanos) {
        sent(position.account(), headBlock, nanos);
    }

    @Override
    public void planned(Address account, long headBlock, long nanos) {
        planned.computeIfAbsent(account, a -> java.util.Collections.synchronizedList(new ArrayList<>())).add(new Mark(headBlock, nanos));
    }

    @Override
    public void sent(Address account, long headBlock, long nanos) {
        sent.computeIfAbsent(account, a -> java.util.Collections.synchronizedList(new ArrayList<>())).add(new Mark(headBlock, nanos));
    }

    @Override
    public void step(String step, long headBlock, long nanos) {
        steps.computeIfAbsent(headBlock, b -> new ConcurrentHashMap<>()).putIfAbsent(step, nanos);
    }

    /** Nanoseconds from the keeper seeing head {@code block} to the end of each step of handling it (the first time each ended). */
    Map<String, Long> stepsSinceHead(long block) {
        Long start = seen.get(block);
        Map<String, Long> ended = steps.getOrDefault(block, Map.of());
        Map<String, Long> since = new java.util.HashMap<>();
        if (start != null) {
            ended.forEach((step, nanos) -> since.put(step, nanos - start));
        }
        return since;
    }

    /** Nanoseconds from the keeper seeing head {@code block} to the first transaction it put on the wire for that head; -1: none. */
    long firstSendSinceHead(long block) {
        Long start = seen.get(block);
        long first = Long.MAX_VALUE;
        for (List<Mark> marks : sent.values()) {
            synchronized (marks) {
                for (Mark mark : marks) {
                    if (mark.headBlock() == block) {
                        first = Math.min(first, mark.nanos());
                    }
                }
            }
        }
        return start == null || first == Long.MAX_VALUE ? -1 : first - start;
    }

    /** The last sample: the counters now, so the last head handled has an end. */
    void close() {
        heads.add(new Head(Long.MAX_VALUE, System.nanoTime(), requests.getAsLong(), calls.getAsLong()));
    }

    /** Requests and calls per block, averaged over the heads handled in [from, to]: {requests, calls, blocks}. */
    double[] perBlock(long from, long to) {
        List<Head> copy;
        synchronized (heads) {
            copy = new ArrayList<>(heads);
        }
        long requestSum = 0;
        long callSum = 0;
        int blocks = 0;
        for (int i = 0; i + 1 < copy.size(); i++) {
            Head head = copy.get(i);
            if (head.number() >= from && head.number() <= to) {
                requestSum += copy.get(i + 1).requests() - head.requests();
                callSum += copy.get(i + 1).calls() - head.calls();
                blocks++;
            }
        }
        return blocks == 0 ? new double[] {Double.NaN, Double.NaN, 0} : new double[] {(double) requestSum / blocks, (double) callSum / blocks, blocks};
    }

    /** The first plan for {@code account} made while handling a head at or after {@code block}. */
    Mark firstPlan(Address account, long block) {
        return first(planned.get(account), block);
    }

    Mark firstSend(Address account, long block) {
        return first(sent.get(account), block);
    }

    /** Nanoseconds from the keeper seeing {@code mark}'s head to the mark. */
    long sinceHead(Mark mark) {
        Long start = seen.get(mark.headBlock());
        return start == null ? -1 : mark.nanos() - start;
    }

    private static Mark first(List<Mark> marks, long block) {
        if (marks == null) {
            return null;
        }
        synchronized (marks) {
            return marks.stream().filter(m -> m.headBlock() >= block).findFirst().orElse(null);
        }
    }
}
