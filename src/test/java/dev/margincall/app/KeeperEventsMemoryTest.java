package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.core.Address;
import dev.margincall.observability.MetricNames;
import dev.margincall.observability.NanoClock;
import dev.margincall.observability.Outcome;
import dev.margincall.observability.OutcomeRecorder;
import dev.margincall.observability.OutcomeTotals;
import dev.margincall.observability.RecentWindow;
import dev.margincall.protocol.aavev3.model.LiquidationQuote;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.protocol.spi.Valuation;
import dev.margincall.strategy.Funding;
import dev.margincall.strategy.LiquidationPlan;
import dev.margincall.strategy.PlanDecision;
import dev.margincall.strategy.RejectReason;
import dev.margincall.strategy.SwapRoute;
import dev.margincall.submit.Fees;
import dev.margincall.submit.Liquidation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A keeper's record of a long run: 100,000 blocks in which accounts of a 5,000-account market keep
 * becoming liquidatable and healthy again, are skipped, planned, sent, replaced, mined, reverted,
 * cancelled and dropped. Every collection {@link KeeperEvents} holds stays under its cap the whole
 * time, and the totals the run summary reports are still exact.
 */
class KeeperEventsMemoryTest {

    private static final int BLOCKS = 100_000;
    private static final int MARKET = 5_000;
    /** Accounts near liquidation at any block: a window sliding over the market by {@link #CHURN} accounts a block. */
    private static final int NEAR = 25;
    private static final int CHURN = 7;
    private static final int WINDOW = 64;
    private static final String[] SETTLED = {"mined", "reverted", "cancelled", "dropped"};
    private static final Fees FEES = new Fees(BigInteger.valueOf(30_000_000_000L), BigInteger.valueOf(1_000_000_000L));

    private static final MarketId MARKET_ID = new MarketId("aave-v3", "test");
    private static final List<Address> ACCOUNTS = IntStream.range(0, MARKET).mapToObj(i -> Address.of(String.format("0x%040x", 0x1000 + i))).toList();
    private static final Map<Address, Integer> INDEXES = IntStream.range(0, MARKET).boxed().collect(Collectors.toMap(ACCOUNTS::get, i -> i));
    private static final List<Liquidation> LIQUIDATIONS = ACCOUNTS.stream().map(KeeperEventsMemoryTest::liquidation).toList();

    private static final ch.qos.logback.classic.Logger KEEPER_LOG = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("margincall.keeper");
    private static Level previousLevel;

    @BeforeAll
    static void quiet() {
        // a few million decision lines would only slow the test down
        previousLevel = KEEPER_LOG.getLevel();
        KEEPER_LOG.setLevel(Level.OFF);
    }

    @AfterAll
    static void restoreLogging() {
        KEEPER_LOG.setLevel(previousLevel);
    }

    @Test
    void nothingKeptGrowsWithBlocksOrOutcomesAndTheTotalsStayExact() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KeeperEvents events = new KeeperEvents(registry, List.of(MARKET_ID), WINDOW, NanoClock.SYSTEM);
        Expected expected = new Expected();
        Map<Address, Liquidation> inFlight = new LinkedHashMap<>();
        Map<Address, Long> episodeStart = new HashMap<>();
        OutcomeRecorder.Footprint atTenth = null;
        OutcomeRecorder.Footprint largest = null;
        int mostInFlight = 0;

        for (long block = 1; block <= BLOCKS; block++) {
            events.block(block);
            // the submitter settles what was sent in the previous block, before anything is planned (as Keeper does)
            int settled = 0;
            for (Map.Entry<Address, Liquidation> flight : inFlight.entrySet()) {
                String status = SETTLED[(int) ((block + settled++) % SETTLED.length)];
                settle(events, flight.getValue(), status, block);
                expected.settled(flight.getKey(), status, flight.getValue(), block, episodeStart.get(flight.getKey()));
            }
            inFlight.clear();

            Set<Address> near = near(block);
            events.recoveredExcept(near.stream().map(KeeperEventsMemoryTest::pos).collect(Collectors.toSet()));
            episodeStart.keySet().retainAll(near);
            for (Address account : near) {
                episodeStart.putIfAbsent(account, block);
                events.liquidatable(pos(account), block);
                expected.liquidatable.add(account);
                int role = index(account) % 5;
                Liquidation liquidation = LIQUIDATIONS.get(index(account));
                switch (role) {
                    case 0 -> events.decision(new PlanDecision.Rejected(pos(account), RejectReason.values()[(int) (block % RejectReason.values().length)], "test"));
                    case 1 -> {
                        events.decision(new PlanDecision.Planned(liquidation.plan()));
                        events.wouldSend(liquidation, BigInteger.valueOf(500_000), FEES);
                        expected.wouldSend++;
                    }
                    case 2 -> {
                        events.decision(new PlanDecision.Planned(liquidation.plan()));
                        events.sent(liquidation, hash(block, account), block, FEES, BigInteger.valueOf(500_000));
                        if (block % 3 == 0) {
                            events.replaced(liquidation, hash(block, account), hash(block + 1, account), FEES);
                            expected.replaced++;
                        }
                        inFlight.put(account, liquidation);
                    }
                    case 3 -> events.rejected(liquidation, RejectReason.SIMULATION_FAILED, "test");
                    default -> events.recovered(pos(account)); // healthy again within the block
                }
            }

            OutcomeRecorder.Footprint now = events.footprint();
            largest = largest == null ? now : Footprints.largest(largest, now);
            mostInFlight = Math.max(mostInFlight, inFlight.size());
            if (block == BLOCKS / 10) {
                atTenth = now;
            }
        }

        // the largest each collection ever was, at the end of any block
        assertThat(largest.liquidatableSince()).isLessThanOrEqualTo(NEAR);
        assertThat(largest.lastRejection()).isLessThanOrEqualTo(NEAR);
        assertThat(largest.sentAt()).isLessThanOrEqualTo(mostInFlight);
        assertThat(List.of(largest.outcomes(), largest.wouldSend(), largest.replacements())).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(WINDOW));
        assertThat(largest.everLiquidatable()).isLessThanOrEqualTo(MARKET);
        assertThat(largest.accountsLiquidated()).isLessThanOrEqualTo(MARKET);
        OutcomeRecorder.Footprint atEnd = events.footprint();
        System.out.printf("after %d blocks: %s (after %d: %s); %d outcomes, %d would-send, %d replacements%n", BLOCKS, atEnd, BLOCKS / 10,
                atTenth, expected.outcomes(), expected.wouldSend, expected.replaced);
        assertThat(expected.outcomes()).as("the run produced far more than a window of each").isGreaterThan(100L * WINDOW);
        assertThat(atEnd).as("the same footprint after ten times the blocks").isEqualTo(atTenth);
        assertThat(atEnd.outcomes()).isEqualTo(WINDOW);

        OutcomeTotals totals = events.totals();
        for (String status : SETTLED) {
            assertThat(totals.count(status)).as(status).isEqualTo(expected.byStatus.getOrDefault(status, 0L));
        }
        assertThat(totals.minedProfitUsd()).isEqualByComparingTo(new java.math.BigDecimal(expected.profit).movePointLeft(8));
        assertThat(totals.minedGasPaidWei()).isEqualTo(expected.gasPaid);
        assertThat(totals.minedGasUsed()).isEqualTo(expected.gasUsed);
        assertThat(totals.firstLiquidationDelays()).isEqualTo(expected.fewestBlocks.values().stream().sorted().toList());
        assertThat(events.everLiquidatable()).isEqualTo(expected.liquidatable.size());
        assertThat(events.wouldSendTotal()).isEqualTo(expected.wouldSend);
        assertThat(registry.get(MetricNames.TRANSACTIONS).tag("event", "replaced").counter().count()).isEqualTo((double) expected.replaced);
        assertThat(registry.get(MetricNames.TRANSACTIONS).tag("event", "mined").counter().count()).isEqualTo((double) expected.byStatus.get("mined"));
        List<Outcome> latest = events.outcomes();
        assertThat(latest).hasSize(WINDOW);
        assertThat(latest).as("the window holds the newest outcomes").allSatisfy(o -> assertThat(o.sentBlock()).isGreaterThan(BLOCKS - NEAR));

        StringWriter summary = new StringWriter();
        KeeperSummary.print(new PrintWriter(summary), events, MARKET);
        assertThat(summary.toString()).containsPattern(Pattern.compile("liquidations mined\\s+" + expected.byStatus.get("mined") + "\\n"))
                .containsPattern("accounts liquidated\\s+" + expected.fewestBlocks.size() + "\\n")
                .contains("the latest ");

        // every account healthy again: nothing is kept for any of them
        events.recoveredExcept(Set.of());
        assertThat(events.footprint().liquidatableSince()).isZero();
        assertThat(events.rejections()).isEmpty();
    }

    @Test
    void aWindowKeepsTheNewestItemsAndCountsThemAll() {
        RecentWindow<Integer> window = new RecentWindow<>(3);
        for (int i = 1; i <= 10; i++) {
            window.add(i);
        }
        assertThat(window.items()).containsExactly(8, 9, 10);
        assertThat(window.total()).isEqualTo(10);
        assertThat(new KeeperEvents(new SimpleMeterRegistry(), List.of(MARKET_ID)).footprint().window()).isEqualTo(KeeperEvents.DEFAULT_WINDOW);
    }

    /** The accounts near liquidation at {@code block}: {@link #NEAR} consecutive ones, starting further along each block. */
    private static Set<Address> near(long block) {
        Set<Address> out = new HashSet<>();
        int start = (int) ((block * CHURN) % MARKET);
        for (int i = 0; i < NEAR; i++) {
            out.add(account((start + i) % MARKET));
        }
        return out;
    }

    private static void settle(KeeperEvents events, Liquidation liquidation, String status, long block) {
        TransactionReceipt receipt = new TransactionReceipt(hash(block, liquidation.position().account()), block, "0xb", !status.equals("reverted"),
                gasUsed(liquidation.position().account()), BigInteger.valueOf(2_000_000_000L + block), null, List.of());
        switch (status) {
            case "mined" -> events.mined(liquidation, receipt);
            case "reverted" -> events.reverted(liquidation, receipt);
            case "cancelled" -> events.cancelled(liquidation, receipt);
            default -> events.dropped(liquidation, block);
        }
    }

    /** What the run should add up to, tracked independently of {@link KeeperEvents}. */
    private static final class Expected {
        final Map<String, Long> byStatus = new HashMap<>();
        final Map<Address, Long> fewestBlocks = new HashMap<>();
        final Set<Address> liquidatable = new HashSet<>();
        BigInteger profit = BigInteger.ZERO;
        BigInteger gasPaid = BigInteger.ZERO;
        long gasUsed;
        long wouldSend;
        long replaced;

        void settled(Address account, String status, Liquidation liquidation, long block, long since) {
            byStatus.merge(status, 1L, Long::sum);
            if (status.equals("mined")) {
                profit = profit.add(liquidation.plan().netProfitBase());
                gasPaid = gasPaid.add(gasUsed(account).multiply(BigInteger.valueOf(2_000_000_000L + block)));
                gasUsed += gasUsed(account).longValueExact();
                fewestBlocks.merge(account, block - since, Math::min);
            }
        }

        long outcomes() {
            return byStatus.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static PositionId pos(Address account) {
        return new PositionId(MARKET_ID, account);
    }

    private static Address account(int index) {
        return ACCOUNTS.get(index);
    }

    private static int index(Address account) {
        return INDEXES.get(account);
    }

    private static BigInteger gasUsed(Address account) {
        return BigInteger.valueOf(300_000 + index(account));
    }

    private static String hash(long block, Address account) {
        return "0x" + block + "0" + index(account); // only a label here: cheaper than formatting a full 32-byte hash
    }

    private static Liquidation liquidation(Address account) {
        Address collateral = Address.of("0x00000000000000000000000000000000000000c0");
        Address debt = Address.of("0x00000000000000000000000000000000000000d0");
        BigInteger gross = BigInteger.valueOf(100_000_000L * (index(account) % 13 + 1));
        LiquidationQuote quote = new LiquidationQuote(account, collateral, debt, BigInteger.TEN.pow(18), BigInteger.TEN.pow(18),
                BigInteger.ZERO, BigInteger.TEN.pow(8), BigInteger.TEN.pow(8), 18, 18, 10_500, BigInteger.TEN.pow(17));
        LiquidationPlan plan = new LiquidationPlan(pos(account), Funding.WALLET, quote, SwapRoute.none(), BigInteger.ZERO, BigInteger.ZERO,
                BigInteger.ZERO, BigInteger.ZERO, gross, BigInteger.valueOf(1_000_000), 500_000, new Valuation(BigInteger.TEN.pow(8)));
        return new Liquidation(plan, debt, "0x", BigInteger.TEN.pow(15), BigInteger.TEN.pow(14));
    }
}
