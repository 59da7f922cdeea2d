package dev.margincall.app;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.EthRpc;
import dev.margincall.core.Address;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetProtocol;
import dev.margincall.submit.TransactionSigner;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code bench} needs to know of the protocol it measures ({@code --protocol}): the scenario is the same shape
 * on each (quiet blocks, silent price moves, position events, a crash in steps by oracle source swaps), the keeper and
 * its naive baseline run the same way, and the ground truth is read from the chain the protocol's own way.
 */
interface BenchTarget {

    /** The {@code --protocol} value and the report's {@code protocol}. */
    String protocol();

    /** The devnet to launch: Morpho Blue needs Aave's tokens, feeds and pools beside it. */
    Set<DevnetProtocol> devnetProtocols();

    /** Gives the keeper's account the debt tokens and approves what liquidations pull them. */
    void fundAndApprove(Devnet devnet, Address keeper);

    /** Deploys our liquidator contract of this protocol, owned by {@code keeper} (contract funding, batches of either funding). */
    Address deployLiquidator(Devnet devnet, Address keeper);

    /** The keeper's {@code protocols[]} entry for this market. */
    KeeperConfig.Protocol keeperEntry(Devnet devnet);

    /** The baseline bot that reads every position every block. */
    NaiveBot naive(EthRpc rpc, TransactionSigner signer, Devnet devnet, NaiveKeeper.Probe probe);

    /** The borrowers the ground truth is read for. */
    List<Address> accounts(Devnet devnet);

    /** The {@code i}-th silent price move of the price phase (one per block); nobody's health crosses 1. */
    void movePrice(Devnet devnet, int i);

    /** The price phase is over: the moved price back. */
    void restorePrice(Devnet devnet);

    /** The {@code i}-th position event (a safe borrower withdraws a little collateral); false when refused. */
    boolean positionEvent(Devnet devnet, int i);

    /** One crash step: {@code symbol}'s USD price set to {@code price} by an oracle source swap (the protocol's oracles follow). */
    void crashStep(Devnet devnet, String symbol, java.math.BigInteger price);

    /** The first block from {@code from} on in which the protocol's oracle of {@code symbol} no longer reads its price of block {@code from - 1}. */
    long priceReached(Devnet devnet, String symbol, long from) throws InterruptedException;

    /** Of {@code accounts}, those the protocol would let anyone liquidate at {@code block}. */
    Set<Address> liquidatable(Devnet devnet, List<Address> accounts, long block);

    /** The liquidations {@code liquidators} made from {@code from} to {@code to}: how many, and each borrower's first block. */
    Liquidations liquidations(Devnet devnet, java.util.Set<Address> liquidators, long from, long to);

    /** How the scenario's price moves and position events are made, for the report. */
    Map<String, Object> scenarioNotes();

    /** @param transactions the distinct transactions they were in (a batch carries many) */
    record Liquidations(long count, Map<Address, Long> firstBlock, long transactions) {

        /** Tallies a protocol's liquidation events: {@code borrower} reads each one's borrower, {@code ours} says whether we made it. */
        static Liquidations of(List<dev.margincall.chain.LogEntry> logs, java.util.function.Predicate<dev.margincall.chain.LogEntry> ours,
                               java.util.function.Function<dev.margincall.chain.LogEntry, Address> borrower) {
            Map<Address, Long> first = new java.util.HashMap<>();
            java.util.Set<String> transactions = new java.util.HashSet<>();
            long count = 0;
            for (dev.margincall.chain.LogEntry log : logs) {
                if (ours.test(log)) {
                    count++;
                    transactions.add(log.transactionHash());
                    first.merge(borrower.apply(log), log.blockNumber(), Math::min);
                }
            }
            return new Liquidations(count, first, transactions.size());
        }
    }

    /**
     * The first block from {@code from} on whose {@code price} differs from block {@code from - 1}'s (a price set by a
     * source swap lands a block or two after the call); waits for blocks not mined yet.
     */
    static long firstChange(dev.margincall.chain.DevChain chain, long from, java.util.function.LongFunction<java.math.BigInteger> price)
            throws InterruptedException {
        java.math.BigInteger before = price.apply(from - 1);
        long block = from;
        while (true) {
            if (block > from + 30) {
                throw new IllegalStateException("the price set at block " + from + " did not reach the oracle within 30 blocks");
            }
            while (chain.blockNumber() < block) {
                Thread.sleep(20);
            }
            if (!price.apply(block).equals(before)) {
                return block;
            }
            block++;
        }
    }

    static BenchTarget of(String protocol) {
        return switch (protocol) {
            case "aave-v3" -> new AaveBenchTarget();
            case "morpho-blue" -> new MorphoBenchTarget();
            default -> throw new IllegalArgumentException("--protocol must be aave-v3 or morpho-blue, got '" + protocol + "'");
        };
    }
}
