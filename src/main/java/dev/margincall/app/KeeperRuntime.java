package dev.margincall.app;

import dev.margincall.app.config.ConfigException;
import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.FatalChainException;
import dev.margincall.chain.Multicall3;
import dev.margincall.chain.ResilientEthRpc;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Erc20;
import dev.margincall.chain.abi.Words;
import dev.margincall.chain.head.HeadFollower;
import dev.margincall.chain.head.HeadTracker;
import dev.margincall.chain.web3j.WsNewHeads;
import dev.margincall.core.Address;
import dev.margincall.observability.MetricsServer;
import dev.margincall.protocol.aavev3.model.WadRayMath;
import dev.margincall.protocol.spi.LendingMarket;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.uniswapv2.UniswapV2Pools;
import dev.margincall.strategy.Funding;
import dev.margincall.strategy.LiquidationStrategy;
import dev.margincall.strategy.StrategySettings;
import dev.margincall.submit.FeePolicy;
import dev.margincall.submit.SendJournal;
import dev.margincall.submit.Submitter;
import dev.margincall.submit.TransactionSigner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keeper assembled from its configuration and running: signer, RPC client, market monitor
 * (backfilled to the head), strategy, submitter and the head follower that drives them block by block.
 * {@link #stop(Duration)} stops planning, follows heads until nothing is in flight (or the time is up)
 * and closes everything, writing the log checkpoint last (during the run it is written at most every
 * few seconds; after a crash the blocks since are replayed, never skipped).
 */
final class KeeperRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KeeperRuntime.class);
    private static final BigInteger HALF_MAX_ALLOWANCE = BigInteger.ONE.shiftLeft(255);

    /** Where the chain's block interval is unknown yet (first block), assume Ethereum's. */
    private static final long DEFAULT_BLOCK_INTERVAL = 12;

    private final ResilientEthRpc rpc;
    private final Keeper keeper;
    private final KeeperEvents events;
    private final Submitter submitter;
    private final HeadFollower follower;
    private final CompletableFuture<FatalChainException> fatal;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<LendingMarket> markets;
    private final Optional<MetricsServer> metrics;
    private final Optional<LiveRiskReport> report;

    /** The risk report at /report is recomputed at most this often (a copy of the books, analysed off the head thread). */
    static final int REPORT_EVERY_BLOCKS = 25;

    private final String startLine;

    private KeeperRuntime(ResilientEthRpc rpc, List<LendingMarket> markets, Keeper keeper, KeeperEvents events, Submitter submitter, HeadFollower follower,
                          CompletableFuture<FatalChainException> fatal, Optional<MetricsServer> metrics, Optional<LiveRiskReport> report,
                          String mode, Address signer, Funding funding, long block) {
        this.startLine = "mode=" + mode + " signer=" + signer + " funding=" + funding.configName() + " markets=" + markets.stream().map(m -> m.id().toString()).toList()
                + " accounts=" + markets.stream().mapToInt(LendingMarket::accountsTracked).sum()
                + " block=" + block;
        this.rpc = rpc;
        this.markets = List.copyOf(markets);
        this.keeper = keeper;
        this.events = events;
        this.submitter = submitter;
        this.follower = follower;
        this.fatal = fatal;
        this.metrics = metrics;
        this.report = report;
    }

    /**
     * @param environment where {@code ${VAR}}s, the private key and the keystore password are read (System::getenv in production)
     * @param stateDir    where the log checkpoint lives (created if missing)
     * @param registry    every meter goes here; with {@code config.metrics()} enabled it must be (or contain) a
     *                    {@link PrometheusMeterRegistry}, which /metrics serves
     */
    static KeeperRuntime start(KeeperConfig config, boolean dryRun, Function<String, String> environment, Path stateDir,
                               MeterRegistry registry, Duration pollInterval) {
        return start(config, dryRun, environment, stateDir, registry, pollInterval, KeeperEvents.DEFAULT_WINDOW);
    }

    /** @param eventWindow how many of the latest outcomes, dry-run sends and replacements {@link #events()} keeps */
    static KeeperRuntime start(KeeperConfig config, boolean dryRun, Function<String, String> environment, Path stateDir,
                               MeterRegistry registry, Duration pollInterval, int eventWindow) {
        KeeperConfig.Execution execution = config.execution().orElseThrow(() -> new ConfigException("execution",
                List.of("missing: run and dry-run need an 'execution' section (signer, funding, ...); see config/devnet.yaml")));
        TransactionSigner signer = signer(execution.signer(), environment);
        KeeperHealth health = new KeeperHealth(config.metrics().maxHeadLagSeconds(), registry);
        // The endpoint comes up first so /health answers (not ready, with progress) during a long backfill.
        Optional<MetricsServer> metrics = metricsServer(config.metrics(), registry, health);
        ResilientEthRpc rpc;
        try {
            rpc = RpcClients.create(config.chain(), registry);
        } catch (RuntimeException e) {
            metrics.ifPresent(MetricsServer::close);
            throw e;
        }
        health.rpc(rpc);
        try {
            BlockHeader head = StartupChecks.requireChain(rpc, config);
            BlockTag tag = BlockTag.number(head.number());
            StartupChecks.warnOnLowGasMoney(rpc, signer.address());
            Files.createDirectories(stateDir);
            List<LendingMarket> markets = Markets.create(config, rpc, stateDir, registry, head);
            for (LendingMarket market : markets) {
                market.start(head);
            }
            health.backfilled(markets.stream().mapToInt(LendingMarket::accountsTracked).sum());

            List<Address> assets = markets.stream().flatMap(m -> m.assets().stream()).distinct().toList();
            Address wrappedNative = execution.wrappedNative().orElseGet(() -> findBySymbol(rpc, config.chain().multicall3(), assets, "WETH", tag));
            if (markets.stream().noneMatch(m -> m.price(wrappedNative).isPresent())) {
                throw new ConfigException("execution.wrappedNative", List.of(wrappedNative + " is priced by none of the markets: gas is valued "
                        + "with a market's price of the wrapped native token, so give the address of a listed one (e.g. WETH)"));
            }
            Map<MarketId, Address> liquidators = new LinkedHashMap<>();
            Optional<UniswapV2Pools> pools = Optional.empty();
            if (execution.funding() == Funding.FLASH_LOAN) {
                for (int i = 0; i < markets.size(); i++) {
                    liquidators.put(markets.get(i).id(), liquidator(rpc, config, i, markets.get(i), signer.address(), tag));
                }
                pools = Optional.of(UniswapV2Pools.discover(rpc, config.chain().multicall3(), execution.uniswapV2Router().orElseThrow(), assets,
                        Optional.of(wrappedNative), tag));
            }
            FeePolicy feePolicy = new FeePolicy(execution.minPriorityFeeWei(), execution.maxGasSharePct() * 100, 50);
            KeeperEvents events = new KeeperEvents(registry, markets.stream().map(LendingMarket::id).toList(), eventWindow,
                    dev.margincall.observability.NanoClock.SYSTEM);
            // Wallet funding: each market pulls the repaid debt from the wallet, so each of its assets must be approved. Run sends the
            // missing approvals now; dry-run sends nothing but simulates them ahead of every bundle, so it judges what run would send.
            List<CallRequest> approvals = new java.util.ArrayList<>();
            if (execution.funding() == Funding.WALLET) {
                liquidators.putAll(walletBatchLiquidators(rpc, config, execution, markets, signer.address(), tag));
                for (LendingMarket market : markets) {
                    for (Address spender : NewAssetApprovals.walletSpenders(market, liquidators)) {
                        approvals.addAll(missingApprovals(rpc, config.chain().multicall3(), signer.address(), market.assets(), spender, tag));
                    }
                }
            }
            Submitter submitter = new Submitter(rpc, dryRun ? null : signer, signer.address(), feePolicy,
                    new Submitter.Settings(config.chain().id(), execution.replaceAfterBlocks(), execution.maxReplacements(), execution.backoffBlocks(),
                            25, dryRun, execution.funding() == Funding.WALLET ? execution.walletGas() : execution.flashLoanGas(),
                            execution.simulateBeforeSend(), markets.stream().map(m -> m.encoder().errors())
                            .reduce(dev.margincall.chain.abi.ErrorCatalog.EMPTY, dev.margincall.chain.abi.ErrorCatalog::with)), events,
                    dryRun ? SendJournal.none() : SendJournal.open(stateDir.resolve("sent-" + signer.address().hex() + ".jsonl")),
                    dryRun ? approvals : List.of());
            if (!dryRun) {
                submitter.recoverFromJournal();
                submitter.warmUp();
                for (CallRequest approval : approvals) {
                    submitter.execute(approval.to(), approval.data(), "approve " + Erc20.approvedSpender(approval.data()).orElseThrow()
                            + " to pull " + approval.to(), Duration.ofMinutes(2));
                    log.atInfo().addKeyValue("event", "approved").addKeyValue("asset", approval.to())
                            .addKeyValue("spender", Erc20.approvedSpender(approval.data()).orElseThrow()).log("approved for wallet funding");
                }
            }
            StrategySettings strategy = new StrategySettings(execution.funding(), execution.minProfitUsd(), execution.dustUsd(),
                    execution.walletGas(), execution.flashLoanGas());
            Keeper keeper = new Keeper(markets, new LiquidationStrategy(strategy), submitter, pools, rpc, config.chain().multicall3(),
                    new Keeper.Execution(execution.funding(), liquidators, wrappedNative, DEFAULT_BLOCK_INTERVAL, execution.receiveAToken(),
                            config.metrics().overdueAfterBlocks(), execution.batching()),
                    events, registry);
            Optional<LiveRiskReport> report = metrics.map(server -> liveReport(rpc, config, markets, assets, wrappedNative, tag, registry));
            report.ifPresent(live -> metrics.get().serve(live));
            dev.margincall.chain.head.HeadListener deciding = keeper;
            if (!dryRun && execution.funding() == Funding.WALLET) { // markets found later may lend tokens never approved
                deciding = new NewAssetApprovals(keeper, markets, liquidators, (newAssets, spender, at) -> missingApprovals(rpc, config.chain().multicall3(),
                        signer.address(), newAssets, spender, at), approval -> submitter.execute(approval.to(), approval.data(), "approve "
                        + Erc20.approvedSpender(approval.data()).orElseThrow() + " to pull " + approval.to(), Duration.ofMinutes(2)));
            }
            dev.margincall.chain.head.HeadListener decides = deciding;
            HeadTracker tracker = new HeadTracker(rpc, report.<dev.margincall.chain.head.HeadListener>map(live -> new BothListeners(decides, live))
                    .orElse(decides), config.chain().maxReorgDepth(), registry, Clock.systemUTC());
            CompletableFuture<FatalChainException> fatal = new CompletableFuture<>();
            HeadFollower follower = new HeadFollower(tracker, config.chain().ws().map(url -> new WsNewHeads(url, registry)), pollInterval,
                    Duration.ofSeconds(5), fatal::complete);
            health.following(keeper, tracker, follower);
            follower.start();
            return new KeeperRuntime(rpc, markets, keeper, events, submitter, follower, fatal, metrics, report, dryRun ? "dry-run" : "run",
                    signer.address(), execution.funding(), head.number());
        } catch (RuntimeException | java.io.IOException e) {
            rpc.close();
            metrics.ifPresent(MetricsServer::close);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("cannot create the state directory " + stateDir + ": " + e.getMessage());
        }
    }

    /** The report /report serves; its cascade sells into the router's pools when the config names a router. */
    private static LiveRiskReport liveReport(ResilientEthRpc rpc, KeeperConfig config, List<LendingMarket> markets, List<Address> assets,
                                             Address wrappedNative, BlockTag tag, MeterRegistry registry) {
        Optional<UniswapV2Pools> pools = config.execution().flatMap(KeeperConfig.Execution::uniswapV2Router)
                .map(router -> UniswapV2Pools.discover(rpc, config.chain().multicall3(), router, assets, Optional.of(wrappedNative), tag));
        return new LiveRiskReport(markets, dev.margincall.risk.ReportSettings.defaults(), REPORT_EVERY_BLOCKS,
                snapshot -> pools.map(p -> ReportVenues.of(snapshot, p.read(BlockTag.number(snapshot.block())))).orElse(List.of()), registry);
    }

    /**
     * Contract funding of market {@code index}: {@code protocols[i].liquidatorContract}, else {@code execution.liquidatorContract};
     * it must be ours (owned by the signer) and serve this market (a FlashLiquidator is bound to one Pool, a MorphoLiquidator
     * to one Morpho contract: the contract the market's wallet path approves).
     */
    private static Address liquidator(ResilientEthRpc rpc, KeeperConfig config, int index, LendingMarket market, Address signer, BlockTag tag) {
        KeeperConfig.Protocol protocol = config.protocols().get(index);
        String path = config.liquidatorContractKey(index);
        Address liquidator = config.liquidatorContract(index)
                .orElseThrow(() -> new ConfigException("execution.liquidatorContract", List.of("required for flash-loan funding; deploy one with "
                        + "`margin-call deploy-liquidator --config <file>` and put its address here (or under protocols[" + index + "])")));
        requireOwner(rpc, liquidator, signer, tag, path);
        Address served = LiquidatorContracts.servedContract(rpc, liquidator, protocol, tag);
        if (!served.equals(market.encoder().walletSpender())) {
            String what = protocol.morphoBlue().isPresent() ? "Morpho" : "the Pool";
            throw new ConfigException(path, List.of("the liquidator at " + liquidator + " serves " + what + " " + served + ", not market "
                    + market.id() + " (" + market.encoder().walletSpender() + "): deploy one per market with `margin-call deploy-liquidator "
                    + "--protocol " + index + "` and set protocols[" + index + "].liquidatorContract"));
        }
        return liquidator;
    }

    /**
     * Wallet funding with a liquidator contract configured for a market whose contract has a batch entry: batches of that
     * market's liquidations go through it (the wallet's tokens, the collateral back to the wallet). Checked as for
     * flash-loan funding: ours, serving this market. Markets without a contract, or whose contract has no batch entry,
     * liquidate one transaction each from the wallet.
     */
    private static Map<MarketId, Address> walletBatchLiquidators(ResilientEthRpc rpc, KeeperConfig config, KeeperConfig.Execution execution,
                                                                 List<LendingMarket> markets, Address signer, BlockTag tag) {
        Map<MarketId, Address> liquidators = new LinkedHashMap<>();
        if (execution.batching().maxItems() < 2) {
            return liquidators;
        }
        for (int i = 0; i < markets.size(); i++) {
            if (config.liquidatorContract(i).isPresent() && markets.get(i).encoder().hasBatchEntry()) {
                liquidators.put(markets.get(i).id(), liquidator(rpc, config, i, markets.get(i), signer, tag));
            }
        }
        return liquidators;
    }

    /** One log line saying the keeper runs (the command logs it once its stop hook can reach this runtime). */
    void logStarted() {
        log.atInfo().addKeyValue("event", "start").log("keeper started " + startLine);
    }

    /** Whether this keeper's transactions go on the wire before their simulation (configured so and possible on its node). */
    boolean sendsFirst() {
        return submitter.sendsFirst();
    }

    boolean dryRun() {
        return submitter.dryRun();
    }

    Keeper keeper() {
        return keeper;
    }

    /** Where /metrics and /health listen, when enabled (the real port when the config asked for any free one). */
    Optional<InetSocketAddress> metricsAddress() {
        return metrics.map(MetricsServer::address);
    }

    private static Optional<MetricsServer> metricsServer(KeeperConfig.Metrics config, MeterRegistry registry, KeeperHealth health) {
        if (!config.enabled()) {
            return Optional.empty();
        }
        try {
            return Optional.of(MetricsServer.start(config.host(), config.port(), prometheus(registry), health.health()));
        } catch (java.io.IOException e) {
            throw new ConfigException("metrics", List.of("cannot listen on " + config.host() + ":" + config.port() + " (" + e.getMessage()
                    + "): choose a free port and an address of this machine, or set metrics.port to 0 to turn the endpoint off"));
        }
    }

    /** The Prometheus registry /metrics serves: the given one, or the one inside a composite. */
    static PrometheusMeterRegistry prometheus(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            return prometheus;
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry inner : composite.getRegistries()) {
                if (inner instanceof PrometheusMeterRegistry prometheus) {
                    return prometheus;
                }
            }
        }
        throw new IllegalArgumentException("the metrics endpoint is enabled but the meter registry is a " + registry.getClass().getSimpleName()
                + ", not a PrometheusMeterRegistry: pass PrometheusRegistries.create(), or disable metrics");
    }

    KeeperEvents events() {
        return events;
    }

    /**
     * Completes when following the chain met an error retrying cannot fix (a reorg below the final
     * blocks): the head thread has stopped, the keeper no longer follows the chain; its owner closes it
     * and ends with the message.
     */
    CompletableFuture<FatalChainException> fatal() {
        return fatal;
    }

    /** Waits until the keeper has handled block {@code number} (monitor, submitter and plans). */
    boolean awaitBlock(long number, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (keeper.processedBlock() < number) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /**
     * Waits while blocks come (the chain mines them) until the keeper has had nothing in flight for
     * {@code idleBlocks} consecutive blocks, or {@code max} is over; false on timeout.
     */
    boolean awaitIdle(int idleBlocks, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        long idleSince = -1;
        while (System.nanoTime() < deadline) {
            long head = rpc.blockNumber();
            awaitBlock(head, Duration.ofSeconds(30));
            if (submitter.inFlightCount() > 0) {
                idleSince = -1;
            } else if (idleSince < 0) {
                idleSince = head;
            } else if (head - idleSince >= idleBlocks) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Positions the markets have, at the last block. */
    int accountsTracked() {
        return markets.stream().mapToInt(LendingMarket::accountsTracked).sum();
    }

    /** The accounts of every market, at the last block (an account in two markets appears twice). */
    List<Address> accounts() {
        return markets.stream().flatMap(m -> m.accounts().stream()).toList();
    }

    int liquidatableNow() {
        return markets.stream().mapToInt(LendingMarket::liquidatableCount).sum();
    }

    /** The markets followed, in configuration order. */
    List<LendingMarket> markets() {
        return markets;
    }

    int inFlight() {
        return submitter.inFlightCount();
    }

    /** Stops planning; keeps following heads until in-flight transactions are settled or {@code grace} is over; then closes. */
    void stop(Duration grace) throws InterruptedException {
        keeper.stopPlanning();
        long deadline = System.nanoTime() + grace.toNanos();
        while (submitter.inFlightCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (submitter.inFlightCount() > 0) {
            log.warn("stopping with {} transaction(s) still in flight; the next start resyncs the nonce from the chain", submitter.inFlightCount());
        }
        close();
        events.logCompetitors(10);
        log.atInfo().addKeyValue("event", "stop").addKeyValue("inFlight", submitter.inFlightCount()).log("keeper stopped");
    }

    /** Idempotent: a fatal error and a stop signal may both close the runtime. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        follower.close();
        for (LendingMarket market : markets) {
            try {
                market.flush(); // after the head thread stopped: the blocks since the last checkpoint are not replayed
            } catch (RuntimeException e) {
                log.warn("could not write the final log checkpoint of {} ({}); the next start replays the blocks since the previous one",
                        market.id(), e.getMessage());
            }
        }
        submitter.close();
        report.ifPresent(LiveRiskReport::close);
        rpc.close();
        metrics.ifPresent(MetricsServer::close);
    }

    static TransactionSigner signer(KeeperConfig.Signer config, Function<String, String> environment) {
        if (config.privateKeyEnv().isPresent()) {
            String name = config.privateKeyEnv().get();
            String value = environment.apply(name);
            if (value == null || value.isBlank()) {
                throw new ConfigException("execution.signer.privateKeyEnv", List.of("environment variable " + name
                        + " is not set: export the keeper's private key in it before starting"));
            }
            return TransactionSigner.fromPrivateKey(value, "environment variable " + name);
        }
        String passwordEnv = config.passwordEnv().orElseThrow();
        String password = environment.apply(passwordEnv);
        if (password == null) {
            throw new ConfigException("execution.signer.passwordEnv", List.of("environment variable " + passwordEnv
                    + " is not set: export the keystore's password in it before starting"));
        }
        return TransactionSigner.fromKeystore(config.keystore().orElseThrow(), password, "environment variable " + passwordEnv);
    }

    private static void requireOwner(ResilientEthRpc rpc, Address liquidator, Address signer, BlockTag tag, String path) {
        String code = rpc.code(liquidator, tag);
        if (code == null || code.equals("0x")) {
            throw new ConfigException(path, List.of("no contract at " + liquidator
                    + " on this chain: deploy one with `margin-call deploy-liquidator --config <file>` and put its address here"));
        }
        Address owner = Abi.decodeAddress(rpc.call(CallRequest.call(liquidator, Abi.call("owner()")), tag));
        if (!owner.equals(signer)) {
            throw new ConfigException(path, List.of("the contract at " + liquidator + " is owned by " + owner
                    + ", not by the signer " + signer + ": only its owner can liquidate through it"));
        }
    }

    private static Address findBySymbol(ResilientEthRpc rpc, Address multicall3, List<Address> assets, String symbol, BlockTag tag) {
        List<Multicall3.Result> results = new Multicall3(rpc, multicall3).aggregate3(
                assets.stream().map(a -> new Multicall3.Call(a, Abi.call("symbol()"))).toList(), tag);
        for (int i = 0; i < assets.size(); i++) {
            if (results.get(i).success() && symbol.equals(Abi.decodeString(results.get(i).returnData()))) {
                return assets.get(i);
            }
        }
        throw new ConfigException("execution.wrappedNative", List.of("no asset of the markets has the symbol " + symbol
                + ": set execution.wrappedNative to the wrapped native token's address (it prices gas)"));
    }

    /** Wallet funding: the approvals of the Pool that the signer lacks, one per reserve asset whose allowance is below half the maximum. */
    private static List<CallRequest> missingApprovals(ResilientEthRpc rpc, Address multicall3, Address signer, List<Address> assets, Address pool,
                                                      BlockTag tag) {
        List<Multicall3.Result> allowances = new Multicall3(rpc, multicall3).aggregate3(assets.stream()
                .map(a -> new Multicall3.Call(a, Erc20.allowance(signer, pool))).toList(), tag);
        List<CallRequest> missing = new java.util.ArrayList<>();
        for (int i = 0; i < assets.size(); i++) {
            if (allowances.get(i).success() && Words.uint(allowances.get(i).returnData(), 0).compareTo(HALF_MAX_ALLOWANCE) >= 0) {
                continue;
            }
            missing.add(new CallRequest(signer, assets.get(i), Erc20.approve(pool, WadRayMath.MAX_UINT256), BigInteger.ZERO, null));
        }
        return missing;
    }
}
