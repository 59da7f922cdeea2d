package dev.margincall.observability;

import dev.margincall.chain.TransactionReceipt;
import dev.margincall.core.Address;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.strategy.RejectReason;
import dev.margincall.submit.Liquidation;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the run summary and the tests read back: each position's episode (since when it is liquidatable,
 * why it was last skipped, the head its transaction was sent at), the outcomes, dry-run sends and
 * replacements, and exact totals.
 *
 * <p>Memory does not grow with blocks or outcomes, however long the keeper runs: outcomes, dry-run sends
 * and replacements are kept as a window of the most recent ones, with exact totals beside them
 * ({@link OutcomeTotals}); what is kept per position lives only while its episode lasts (forgotten when it
 * is no longer near liquidation, or when its transaction settles). Only the positions ever liquidatable
 * and ever liquidated are remembered for the whole run: one entry per position of the markets at most,
 * as the books themselves hold.
 */
public final class OutcomeRecorder {

    /** What is known of a position from the head that first showed it liquidatable until it is healthy again. */
    private static final class Episode {
        final long since;
        volatile long lastLiquidated;      // the block of its latest liquidation by anyone (since, before any)
        volatile boolean overdue;
        volatile boolean firstLiquidated;  // its first liquidation was attributed
        volatile boolean wouldLiquidate;   // a dry-run would have sent a liquidation
        volatile String lastFailure;       // our last transaction reverted or was cancelled

        Episode(long since) {
            this.since = since;
            this.lastLiquidated = since;
        }
    }

    private final Map<PositionId, Episode> episodes = new ConcurrentHashMap<>();
    private final Map<PositionId, RejectReason> lastRejection = new ConcurrentHashMap<>();
    private final Map<PositionId, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<Address, Competitor> competitors = new ConcurrentHashMap<>();

    /** The most liquidators kept in the competitor table (the smallest are dropped): bounded whatever the market does. */
    static final int MAX_COMPETITORS = 256;

    /** Another liquidator's liquidations in the watched markets: how many, and what they were worth (USD, estimated). */
    public record Competitor(Address liquidator, long liquidations, java.math.BigDecimal bonusUsd, long firstOfOpportunity) {
    }
    private final Set<PositionId> everLiquidatable = ConcurrentHashMap.newKeySet();
    private final RecentWindow<Outcome> outcomes;
    private final RecentWindow<String> wouldSend;
    private final RecentWindow<String> replacements;
    private final OutcomeTotals totals = new OutcomeTotals();

    /** @param window how many of the latest outcomes, dry-run sends and replacements are kept */
    public OutcomeRecorder(int window) {
        this.outcomes = new RecentWindow<>(window);
        this.wouldSend = new RecentWindow<>(window);
        this.replacements = new RecentWindow<>(window);
    }

    /** True when this is the first head showing the position liquidatable in its current episode. */
    public boolean liquidatable(PositionId position, long headBlock) {
        everLiquidatable.add(position);
        return episodes.putIfAbsent(position, new Episode(headBlock)) == null;
    }

    public void recovered(PositionId position) {
        episodes.remove(position);
        lastRejection.remove(position);
    }

    public void recoveredExcept(Set<PositionId> near) {
        episodes.keySet().retainAll(near);
        lastRejection.keySet().retainAll(near);
    }

    /**
     * A liquidation the market reported. Returns how many blocks after the head that first showed the position
     * liquidatable it came (-1: not an opportunity the keeper saw), and whether it is the first of that opportunity.
     */
    public MarketLiquidationSeen marketLiquidation(PositionId position, long block, boolean ours, Address liquidator,
                                                   java.math.BigDecimal bonusUsd) {
        Episode episode = episodes.get(position);
        boolean first = episode != null && !episode.firstLiquidated;
        if (episode != null) { // liquidated by someone: not overdue, and the count restarts from here
            episode.firstLiquidated = true;
            episode.overdue = false;
            episode.lastLiquidated = Math.max(episode.lastLiquidated, block);
        }
        if (!ours) {
            competitors.merge(liquidator, new Competitor(liquidator, 1, bonusUsd, first ? 1 : 0), (a, b) -> new Competitor(liquidator,
                    a.liquidations() + 1, a.bonusUsd().add(b.bonusUsd()), a.firstOfOpportunity() + b.firstOfOpportunity()));
            if (competitors.size() > MAX_COMPETITORS) {
                competitors.values().stream().min(java.util.Comparator.comparingLong(Competitor::liquidations))
                        .ifPresent(smallest -> competitors.remove(smallest.liquidator()));
            }
        }
        return new MarketLiquidationSeen(episode == null ? -1 : block - episode.since, first);
    }

    /** What a market liquidation meant for the keeper's accounting. */
    public record MarketLiquidationSeen(long blocksAfter, boolean first) {
    }

    /** Other liquidators, most liquidations first. */
    public List<Competitor> competitors() {
        return competitors.values().stream().sorted(java.util.Comparator.comparingLong(Competitor::liquidations).reversed()
                .thenComparing(c -> c.liquidator().hex())).toList();
    }

    /**
     * Positions liquidatable for more than {@code afterBlocks} at {@code head} with no liquidation (ours or anyone's,
     * from the market's events) in that time: those that became overdue now (each reported once until it is
     * liquidated or healthy).
     */
    public List<PositionId> newlyOverdue(long head, long afterBlocks) {
        List<PositionId> now = new java.util.ArrayList<>();
        episodes.forEach((position, episode) -> {
            if (head - episode.lastLiquidated > afterBlocks && !episode.overdue) {
                episode.overdue = true;
                now.add(position);
            }
        });
        return now;
    }

    /** Positions overdue now. */
    public Set<PositionId> overdue() {
        return episodes.entrySet().stream().filter(e -> e.getValue().overdue).map(Map.Entry::getKey).collect(java.util.stream.Collectors.toSet());
    }

    /**
     * Why the keeper itself has not liquidated {@code position}: its transaction was in flight (since which head),
     * its last one reverted or was cancelled, its last reason for not planning or sending, or none recorded.
     */
    public String whyNotLiquidated(PositionId position) {
        Long sent = sentAt.get(position);
        if (sent != null) {
            return "IN_FLIGHT since block " + sent;
        }
        Episode episode = episodes.get(position);
        if (episode != null && episode.lastFailure != null) {
            return episode.lastFailure;
        }
        RejectReason reason = lastRejection.get(position);
        if (reason != null) {
            return reason.name();
        }
        return episode != null && episode.wouldLiquidate ? "DRY_RUN" : "NO_PLAN_YET";
    }

    /** True when the reason is new for the position (logged once per position and reason, not every block). */
    public boolean rejected(PositionId position, RejectReason reason) {
        Episode episode = episodes.get(position);
        if (episode != null) {
            episode.lastFailure = null; // newer than a failed transaction of the same episode
        }
        return lastRejection.put(position, reason) != reason;
    }

    public void wouldSend(Liquidation liquidation) {
        wouldSend.add(liquidation.position().account().toString());
        Episode episode = episodes.get(liquidation.position());
        if (episode != null) {
            episode.wouldLiquidate = true;
        }
    }

    public void sent(Liquidation liquidation, long headBlock) {
        sentAt.put(liquidation.position(), headBlock);
    }

    public void replaced(String hash) {
        replacements.add(hash);
    }

    /** The transaction settled with a receipt: its outcome, recorded. */
    public Outcome settled(Liquidation liquidation, TransactionReceipt receipt, String status) {
        Episode episode = episodes.get(liquidation.position());
        if (episode != null && "mined".equals(status)) {
            episode.overdue = false;
            episode.lastLiquidated = Math.max(episode.lastLiquidated, receipt.blockNumber());
        } else if (episode != null) {
            episode.lastFailure = status.toUpperCase(java.util.Locale.ROOT) + " in block " + receipt.blockNumber();
        }
        BigInteger paid = receipt.gasUsed().multiply(receipt.effectiveGasPrice() == null ? BigInteger.ZERO : receipt.effectiveGasPrice());
        PositionId position = liquidation.position();
        return record(new Outcome(position, status, since(position), sentBlock(position), receipt.blockNumber(), receipt.transactionHash(),
                receipt.gasUsed(), paid, liquidation.plan()));
    }

    /** Its nonce was taken by another transaction: recorded without a receipt. */
    public Outcome dropped(Liquidation liquidation) {
        PositionId position = liquidation.position();
        return record(new Outcome(position, "dropped", since(position), sentBlock(position), -1, null, BigInteger.ZERO, BigInteger.ZERO,
                liquidation.plan()));
    }

    private Outcome record(Outcome outcome) {
        outcomes.add(outcome);
        totals.add(outcome);
        return outcome;
    }

    private long since(PositionId position) {
        Episode episode = episodes.get(position);
        return episode == null ? -1 : episode.since;
    }

    /** The head the position's transaction was sent at, forgotten now that it settled (one in flight per position). */
    private long sentBlock(PositionId position) {
        Long block = sentAt.remove(position);
        return block == null ? -1 : block;
    }

    /** The latest outcomes, oldest first: all of them unless there were more than the window ({@link #totals()} counts every one). */
    public List<Outcome> outcomes() {
        return outcomes.items();
    }

    public OutcomeTotals totals() {
        return totals;
    }

    /** The last reason each still-liquidatable account was not liquidated for (an account in several markets: any of them). */
    public Map<Address, RejectReason> rejections() {
        Map<Address, RejectReason> byAccount = new HashMap<>();
        lastRejection.forEach((position, reason) -> byAccount.put(position.account(), reason));
        return Map.copyOf(byAccount);
    }

    /** The last reason each still-liquidatable position was not liquidated for. */
    public Map<PositionId, RejectReason> positionRejections() {
        return Map.copyOf(lastRejection);
    }

    /** Positions seen liquidatable at some block of this run. */
    public int everLiquidatable() {
        return everLiquidatable.size();
    }

    public List<String> replacementHashes() {
        return replacements.items();
    }

    public List<String> wouldSendAccounts() {
        return wouldSend.items();
    }

    public long wouldSendTotal() {
        return wouldSend.total();
    }

    /** How many entries each collection holds now, for the tests that check none grows with blocks or outcomes. */
    public Footprint footprint() {
        return new Footprint(episodes.size(), lastRejection.size(), sentAt.size(), outcomes.size(), wouldSend.size(),
                replacements.size(), everLiquidatable.size(), totals.accountsLiquidated(), outcomes.capacity());
    }

    /** Entries held by each collection; {@code window} is the cap of the three windows. */
    public record Footprint(int liquidatableSince, int lastRejection, int sentAt, int outcomes, int wouldSend, int replacements,
                            int everLiquidatable, int accountsLiquidated, int window) {
    }
}
