package dev.margincall.app;

import static dev.margincall.app.KeeperIT.KEEPER;
import static dev.margincall.app.KeeperIT.KEEPER_KEY;
import static dev.margincall.app.KeeperIT.STORAGE_SLOT_ANSWER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.LogFilter;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.MarketMover;
import dev.margincall.observability.Outcome;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.protocol.aavev3.LiquidationCallEvent;
import dev.margincall.strategy.Funding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/** The keeper (wallet funding) on a devnet, a crash, and what the chain says it did: shared by the safety ITs. */
final class KeeperHarness implements AutoCloseable {

    KeeperRuntime runtime;
    /** The meters of each keeper started. */
    private final Map<KeeperRuntime, io.micrometer.core.instrument.MeterRegistry> registries = new java.util.IdentityHashMap<>();
    /**
     * Applied to every keeper this harness starts, given its signer's key: e.g. sending before simulating, for the send-first
     * variant of a suite, or the signer's own liquidator contract.
     */
    private final java.util.function.BiFunction<KeeperConfig.Execution, String, KeeperConfig.Execution> execution;
    /** Who the Pool's events name for the running keeper: its signer, and its contract when it has one (asked when needed). */
    private final java.util.function.Supplier<Set<Address>> ours;

    KeeperHarness() {
        this((configured, key) -> configured, () -> Set.of(KEEPER));
    }

    KeeperHarness(java.util.function.BiFunction<KeeperConfig.Execution, String, KeeperConfig.Execution> execution,
                  java.util.function.Supplier<Set<Address>> ours) {
        this.execution = execution;
        this.ours = ours;
    }

    /** The meters of a keeper this harness started. */
    io.micrometer.core.instrument.MeterRegistry registry(KeeperRuntime started) {
        return registries.get(started);
    }

    /** The addresses the Pool's {@code LiquidationCall} events name for the running keeper ({@link KeeperIT#KEEPER}'s). */
    Set<Address> ours() {
        return ours.get();
    }

    /** Starts the keeper (wallet funding) and waits until it has handled the head. */
    KeeperRuntime start(Devnet devnet, boolean dryRun) throws Exception {
        return start(devnet, dryRun, KEEPER_KEY);
    }

    KeeperRuntime start(Devnet devnet, boolean dryRun, String key) throws Exception {
        return start(devnet, dryRun, key, KeeperIT.config(devnet.deployment(), Funding.WALLET, Optional.empty()));
    }

    /** The keeper reading the chain through {@code rpcUrl} only (HTTP polling, no WebSocket): e.g. the fault proxy. */
    KeeperRuntime startThrough(Devnet devnet, String rpcUrl) throws Exception {
        return startThrough(devnet, rpcUrl, false, KEEPER_KEY);
    }

    KeeperRuntime startThrough(Devnet devnet, String rpcUrl, boolean dryRun, String key) throws Exception {
        KeeperConfig direct = KeeperIT.config(devnet.deployment(), Funding.WALLET, Optional.empty());
        KeeperConfig.Chain chain = direct.chain();
        KeeperConfig config = new KeeperConfig(new KeeperConfig.Chain(chain.id(), List.of(rpcUrl), Optional.empty(), chain.multicall3(),
                chain.confirmations(), chain.maxReorgDepth()), direct.protocols(), direct.execution(), direct.metrics());
        return start(devnet, dryRun, key, config);
    }

    private KeeperRuntime start(Devnet devnet, boolean dryRun, String key, KeeperConfig config) throws Exception {
        return start(devnet, dryRun, key, config, new SimpleMeterRegistry());
    }

    /** The keeper (wallet funding) with {@code config}, its meters in {@code registry}. */
    KeeperRuntime start(Devnet devnet, boolean dryRun, String key, KeeperConfig config, io.micrometer.core.instrument.MeterRegistry registry)
            throws Exception {
        config = new KeeperConfig(config.chain(), config.protocols(), config.execution().map(e -> execution.apply(e, key)), config.metrics());
        KeeperRuntime started = KeeperRuntime.start(config, dryRun, Map.of("MC_PRIVATE_KEY", key)::get, Files.createTempDirectory("keeper-safety"),
                registry, Duration.ofMillis(20));
        registries.put(started, registry);
        long head = devnet.chain().blockNumber();
        if (!started.awaitBlock(head, Duration.ofSeconds(30))) {
            started.close();
            throw new AssertionError("the keeper did not handle the head block within 30 s");
        }
        return started;
    }

    /** WETH −40 %, WBTC −35 % and DAI −15 % written into their feeds (no event); one block carries them. Returns that block. */
    static long crash(Devnet devnet) {
        DevChain chain = devnet.chain();
        MarketMover market = devnet.market();
        chain.setStorageAt(market.priceSource("WETH"), STORAGE_SLOT_ANSWER, Hex.word(market.price("WETH").multiply(BigInteger.valueOf(60)).divide(BigInteger.valueOf(100))));
        chain.setStorageAt(market.priceSource("WBTC"), STORAGE_SLOT_ANSWER, Hex.word(market.price("WBTC").multiply(BigInteger.valueOf(65)).divide(BigInteger.valueOf(100))));
        chain.setStorageAt(market.priceSource("DAI"), STORAGE_SLOT_ANSWER, Hex.word(market.price("DAI").multiply(BigInteger.valueOf(85)).divide(BigInteger.valueOf(100))));
        long before = chain.blockNumber();
        chain.mine(); // with interval mining on, this is just one more block
        return before + 1;
    }

    /** Automine: blocks come only from transactions; quiet = the keeper has handled the head, nothing in flight, for a second. */
    void awaitQuiet(DevChain chain) {
        long[] quietSince = {-1};
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
            long head = chain.blockNumber();
            boolean quiet = runtime.keeper().processedBlock() >= head && runtime.inFlight() == 0;
            if (!quiet) {
                quietSince[0] = -1;
                return false;
            }
            long now = System.nanoTime();
            if (quietSince[0] < 0) {
                quietSince[0] = now;
            }
            return now - quietSince[0] > Duration.ofSeconds(1).toNanos();
        });
    }

    /** Interval mining: idle = nothing in flight for {@code blocks} consecutive handled blocks. */
    void awaitIdle(DevChain chain, int blocks) {
        long[] idleSince = {-1};
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
            long handled = runtime.keeper().processedBlock();
            if (runtime.inFlight() > 0) {
                idleSince[0] = -1;
                return false;
            }
            if (idleSince[0] < 0) {
                idleSince[0] = handled;
            }
            return handled - idleSince[0] >= blocks;
        });
    }

    Result result(Devnet devnet, long crashBlock, long nonceBefore) {
        List<Outcome> outcomes = runtime.events().outcomes();
        long cancels = outcomes.stream().filter(o -> o.status().equals("cancelled")).count();
        return chainResult(devnet, ours(), crashBlock, nonceBefore, cancels, runtime.events().rejections().keySet(), outcomes);
    }

    /** The chain's account of the keeper since the crash; {@code cancels}, {@code explained} and {@code outcomes} as the keeper reported them. */
    static Result chainResult(Devnet devnet, long crashBlock, long nonceBefore, long cancels, Set<Address> explained, List<Outcome> outcomes) {
        return chainResult(devnet, Set.of(KEEPER), crashBlock, nonceBefore, cancels, explained, outcomes);
    }

    /** As above, for a keeper whose liquidations the Pool's events name by any of {@code ours} (its signer, its contract). */
    static Result chainResult(Devnet devnet, Set<Address> ours, long crashBlock, long nonceBefore, long cancels, Set<Address> explained,
                              List<Outcome> outcomes) {
        DevChain chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        AccountDataReader reader = new AccountDataReader(chain, deployment.multicall3(), deployment.aaveV3().pool());
        List<Address> accounts = devnet.borrowers().stream().map(b -> b.address()).toList();
        long end = chain.blockNumber();
        List<LiquidationCallEvent> liquidations = new java.util.ArrayList<>();
        Set<String> liquidating = new java.util.HashSet<>();
        Map<Address, Long> firstLiquidation = new TreeMap<>();
        chain.logs(new LogFilter(crashBlock, end, List.of(deployment.aaveV3().pool()), List.of(LiquidationCallEvent.TOPIC))).forEach(log -> {
            LiquidationCallEvent event = LiquidationCallEvent.decode(log);
            if (ours.contains(event.liquidator())) {
                liquidations.add(event);
                liquidating.add(log.transactionHash());
                firstLiquidation.merge(event.user(), log.blockNumber(), Math::min);
            }
        });
        long sent = chain.transactionCount(KEEPER, BlockTag.LATEST) - nonceBefore;
        return new Result(KeeperIT.liquidatableAt(reader, accounts, crashBlock), KeeperIT.liquidatableAt(reader, accounts, end), liquidations,
                liquidating.size(), firstLiquidation, crashBlock, sent, cancels, chain.transactionCount(KEEPER, BlockTag.PENDING) - chain.transactionCount(KEEPER, BlockTag.LATEST),
                explained, outcomes);
    }

    /**
     * What the chain says happened: {@code sent} is the keeper's nonce delta (every transaction it got mined),
     * so the transactions that neither liquidated nor cancelled are the ones that reverted.
     */
    record Result(Set<Address> liquidatableAfterCrash, Set<Address> stillLiquidatable, List<LiquidationCallEvent> liquidations,
                  int liquidatingTransactions, Map<Address, Long> firstLiquidationBlock, long crashBlock, long sent, long cancels, long pendingNonces,
                  Set<Address> explained, List<Outcome> outcomes) {

        long reverted() {
            return sent - liquidatingTransactions - cancels; // a batch is one transaction of many liquidations
        }

        void print(String chain) {
            Map<Long, Long> delays = firstLiquidationBlock.values().stream()
                    .collect(Collectors.groupingBy(b -> b - crashBlock, TreeMap::new, Collectors.counting()));
            System.out.printf("%s: %d liquidatable after the crash; %d transactions mined (%d liquidations, %d cancellations, %d reverted); "
                            + "%d accounts liquidated, blocks from the crash to the first liquidation: %s; still liquidatable %d%n",
                    chain, liquidatableAfterCrash.size(), sent, liquidations.size(), cancels, reverted(), firstLiquidationBlock.size(), delays,
                    stillLiquidatable.size());
        }

        void assertSafe() {
            assertThat(liquidatableAfterCrash).as("accounts the crash made liquidatable").hasSizeGreaterThanOrEqualTo(20);
            assertThat(reverted()).as("keeper transactions that reverted on chain").isZero();
            assertThat(outcomes).as("outcomes").isNotEmpty().allSatisfy(o -> assertThat(o.status()).isIn("mined", "cancelled"));
            assertThat(pendingNonces).as("no stuck nonce").isZero();
            assertThat(firstLiquidationBlock.keySet()).as("only accounts the crash made liquidatable").isSubsetOf(liquidatableAfterCrash);
            assertThat(explained).as("every account left liquidatable was skipped with a reason").containsAll(stillLiquidatable);
            assertThat(firstLiquidationBlock.size()).as("most liquidatable accounts liquidated")
                    .isGreaterThanOrEqualTo(liquidatableAfterCrash.size() - stillLiquidatable.size());
        }
    }

    void awaitHandled(long block) {
        awaitHandled(runtime, block);
    }

    static void awaitHandled(KeeperRuntime keeper, long block) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> keeper.keeper().processedBlock() >= block);
    }

    static List<LiquidationCallEvent> keeperLiquidations(DevChain chain, Deployment deployment, long from, long to) {
        return chain.logs(new LogFilter(from, to, List.of(deployment.aaveV3().pool()), List.of(LiquidationCallEvent.TOPIC))).stream()
                .map(LiquidationCallEvent::decode).filter(e -> e.liquidator().equals(KEEPER)).toList();
    }

    @Override
    public void close() {
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
    }
}
