package dev.margincall.submit;

import dev.margincall.core.BlockRef;
import dev.margincall.protocol.spi.PositionId;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The submitter's memory: the liquidations in flight by nonce (with every attempt at it; one per position,
 * but a reorg can bring back a mined one beside a newer one of the same position), the
 * positions backing off after a failure, and the liquidations mined recently enough that a reorg may
 * remove them. Everything is bounded: an expired back-off is forgotten once it is long past, a mined
 * liquidation once it is deeper than any reorg followed.
 */
final class InFlightBook {

    /** Mined liquidations are remembered this many blocks, so a reorg that removes one puts it back in flight. */
    static final int REORG_MEMORY_BLOCKS = 256;

    /** One signed transaction at the flight's nonce: the liquidation, a fee-bumped replacement, or a cancellation. */
    record Attempt(String hash, String raw, Fees fees, boolean cancel) {
    }

    /** A transaction (one liquidation or a batch) sent and not settled: its nonce and every attempt made at it. */
    static final class Flight {
        final Submission submission;
        final long nonce;
        BigInteger gasLimit; // raised by a replacement when the simulation after sending needs more
        final List<Attempt> attempts = new ArrayList<>();
        long lastSentBlock;
        /** The head its newest attempt was signed at (its journal lines name it: which history they were sent on). */
        BlockRef signedAt;
        /** The head at which its nonce was first seen used with none of its attempts mined; −1: not seen so. */
        long nonceUsedSeenAt = -1;

        Flight(Submission submission, long nonce, BigInteger gasLimit, BlockRef signedAt) {
            this.submission = submission;
            this.nonce = nonce;
            this.gasLimit = gasLimit;
            this.lastSentBlock = signedAt.number();
            this.signedAt = signedAt;
        }

        Attempt last() {
            return attempts.get(attempts.size() - 1);
        }

        /** Due at the next head: after a restart or a reorg, nothing is known of its fate yet. */
        void dueNow() {
            lastSentBlock = Long.MIN_VALUE / 2;
        }
    }

    private record Backoff(long untilBlock, int failures) {
    }

    /** A liquidation mined at {@code block} as {@code hash}. */
    record Mined(Flight flight, String hash, long block) {
    }

    private final int backoffBlocks;
    // By nonce, not by position: a reorg can put a position's mined liquidation back in flight while a newer
    // liquidation of the same position waits at a later nonce, and both nonces must stay tracked.
    private final Map<Long, Flight> flights = new ConcurrentHashMap<>();
    /**
     * How many flights carry each position: asked for every candidate of a head ({@link #accepting}), where a scan of every
     * flight's items would cost candidates × flights × items (a crash at 3,000 Morpho positions: hundreds of candidates,
     * tens of batches of 32).
     */
    private final Map<PositionId, Integer> carried = new ConcurrentHashMap<>();
    private final Map<PositionId, Backoff> backoffs = new ConcurrentHashMap<>();
    private final Deque<Mined> recentlyMined = new ArrayDeque<>();

    /** @param backoffBlocks blocks a position waits after its first failure (doubling with each failure, up to 64×) */
    InFlightBook(int backoffBlocks) {
        this.backoffBlocks = backoffBlocks;
    }

    /** False while the position has a transaction in flight or is backing off after a failure. */
    boolean accepting(PositionId position, long block) {
        Backoff backoff = backoffs.get(position);
        return !inFlight(position) && (backoff == null || block >= backoff.untilBlock);
    }

    boolean inFlight(PositionId position) {
        return carried.containsKey(position);
    }

    void add(Flight flight) {
        Flight previous = flights.put(flight.nonce, flight);
        if (previous != flight) {
            count(flight, 1);
            if (previous != null) {
                count(previous, -1);
            }
        }
    }

    void remove(Flight flight) {
        if (flights.remove(flight.nonce, flight)) {
            count(flight, -1);
        }
    }

    private void count(Flight flight, int delta) {
        for (Liquidation item : flight.submission.items()) {
            carried.compute(item.position(), (position, n) -> {
                int left = (n == null ? 0 : n) + delta;
                return left <= 0 ? null : left;
            });
        }
    }

    List<Flight> flights() {
        return new ArrayList<>(flights.values());
    }

    /** The flight one of whose attempts is {@code hash}. */
    Optional<Flight> flightOf(String hash) {
        return flights.values().stream().filter(f -> f.attempts.stream().anyMatch(a -> a.hash().equals(hash))).findFirst();
    }

    int size() {
        return flights.size();
    }

    /** Mined: out of flight, its back-off forgotten, remembered a while in case a reorg removes its block. */
    void mined(Flight flight, String hash, long block) {
        remove(flight);
        flight.submission.items().forEach(item -> backoffs.remove(item.position()));
        recentlyMined.addLast(new Mined(flight, hash, block));
    }

    /** The position waits before its next try: {@code backoffBlocks}, doubling with each failure in a row. */
    void backOff(PositionId position, long block) {
        backoffs.compute(position, (p, previous) -> {
            int failures = previous == null ? 1 : Math.min(previous.failures + 1, 7);
            return new Backoff(block + ((long) backoffBlocks << (failures - 1)), failures);
        });
    }

    /** The liquidations mined after {@code commonAncestor}: in flight again, due at the next head. */
    List<Mined> reorged(BlockRef commonAncestor) {
        List<Mined> removed = new ArrayList<>();
        for (Iterator<Mined> it = recentlyMined.iterator(); it.hasNext(); ) {
            Mined mined = it.next();
            if (mined.block > commonAncestor.number()) {
                it.remove();
                mined.flight.dueNow();
                add(mined.flight);
                removed.add(mined);
            }
        }
        return removed;
    }

    /** Expired back-offs long past (the longest back-off there is) and mined liquidations deeper than any reorg followed. */
    void forgetOld(long head) {
        long forgetAfter = (long) backoffBlocks << 6;
        backoffs.values().removeIf(b -> head > b.untilBlock + forgetAfter);
        while (!recentlyMined.isEmpty() && recentlyMined.peekFirst().block < head - REORG_MEMORY_BLOCKS) {
            recentlyMined.removeFirst();
        }
    }

    /** What the send journal must hold: every attempt of every flight. */
    List<SendJournal.Entry> journalEntries() {
        List<SendJournal.Entry> entries = new ArrayList<>();
        for (Flight flight : flights.values()) {
            for (Attempt attempt : flight.attempts) {
                entries.add(new SendJournal.Entry(flight.nonce, attempt.hash(), attempt.raw(), attempt.fees(), attempt.cancel(),
                        attempt.cancel() ? Broadcaster.CANCEL_GAS : flight.gasLimit, flight.signedAt, flight.submission));
            }
        }
        return entries;
    }

}
