package dev.margincall.protocol.morphoblue;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Erc20;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.core.Rounding;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.OwnBlock;
import dev.margincall.devnet.Transactor;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.morphoblue.model.PositionState;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.RiskAsset;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.risk.CliffScenario;
import dev.margincall.risk.CliffStep;
import dev.margincall.risk.MarketRisk;
import dev.margincall.risk.ReportSettings;
import dev.margincall.risk.RiskModel;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The risk report of Morpho Blue against the chain: for falls of WETH, of WBTC and the correlated crash, every Morpho
 * oracle is set (in storage, no block mined: the chain answers at the report's block) to the price the report's model
 * gives it for the step's USD prices, then for every position Morpho itself decides: {@code liquidate} of one unit of
 * collateral (eth_call) succeeds exactly for the unhealthy ones, and {@code repay} of all the borrower's shares (eth_call)
 * returns its exact debt. The liquidatable positions and their debt in USD must equal the report's to the wei. Repayable debt
 * and bonus: every unhealthy position is liquidated for real (its largest liquidation), and the {@code Liquidate} events'
 * repaidAssets and seizedAssets, valued as the report values them, must sum to the report's figures to the wei.
 */
@WithDevnet(borrowers = 150, seed = 1717, protocols = "aave-v3,morpho-blue")
class MorphoReportDifferentialIT {

    private static final Address CHECKER = DevnetDeployer.derivedAddress("margin-call/test/morpho-report-checker");
    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    /**
     * Each liquidation sent gets a gas limit of its own: after a revert the same call would be the same transaction (same nonce),
     * and Anvil would answer the receipt of the one mined in a reverted block while the new one is mined after the revert.
     */
    private static final java.util.concurrent.atomic.AtomicLong SENT = new java.util.concurrent.atomic.AtomicLong();

    private static DevChain chain;
    private static Deployment.MorphoBlue morpho;
    private static RiskSnapshot snapshot;
    private static MarketRisk risk;
    private static Map<Address, BigInteger> usdPrices;

    @BeforeAll
    static void report(Devnet devnet) {
        chain = devnet.chain();
        Deployment deployment = devnet.deployment();
        morpho = deployment.morphoBlue();
        // the checker holds and approves every loan token, so that its eth_calls of repay and liquidate can pay
        Transactor tx = new Transactor(chain);
        chain.setBalance(CHECKER, BigInteger.TEN.pow(20));
        for (Address token : morpho.markets().stream().map(Deployment.MorphoMarket::loanToken).distinct().toList()) {
            tx.send("mint", CHECKER, token, Abi.call("mint(uint256)", uint(BigInteger.TEN.pow(40))));
            tx.send("approve", CHECKER, token, Erc20.approve(morpho.morpho(), MAX));
        }
        UsdPrices usd = new AaveOracleUsdPrices(chain, deployment.multicall3(), deployment.aaveV3().oracle());
        MorphoBlueMonitor monitor = new MorphoBlueMonitor(chain,
                new MorphoBlueMonitor.Settings(morpho.morpho(), deployment.multicall3(), morpho.startBlock(), 5, Optional.empty()), usd,
                new dev.margincall.chain.logs.InMemoryCheckpointStore(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), "devnet");
        MorphoBlueMarket market = new MorphoBlueMarket(new MarketId("morpho-blue", "devnet"), monitor, usd, morpho.morpho());
        BlockHeader head = chain.block(BlockTag.LATEST);
        market.start(head);
        snapshot = market.riskSnapshot();
        assertThat(snapshot.block()).isEqualTo(head.number());
        assertThat(snapshot.size()).as("positions in the snapshot").isGreaterThan(100);
        usdPrices = new HashMap<>();
        snapshot.assets().forEach(a -> usdPrices.put(a.asset(), a.price()));
        risk = RiskModel.analyse(snapshot, ReportSettings.defaults().withAccounts(), List.of());
    }

    @Test
    void fallsOfWethMatchMorphosOwnVerdicts() {
        assertThat(compare("WETH", 1_000)).isPositive();
        compare("WETH", 2_000);
    }

    @Test
    void fallsOfWbtcAndTheCorrelatedCrashMatchToo() {
        assertThat(compare("WBTC", 1_500)).isPositive();
        compare("correlated", 1_000);
        compare("correlated", 3_000);
    }

    @Test
    void repayableDebtAndBonusAreWhatLiquidatePays() {
        assertThat(liquidateAll("WETH", 2_000)).isPositive();
        CliffScenario correlated = risk.scenarios().stream().filter(s -> s.name().equals("correlated")).findFirst().orElseThrow();
        CliffStep bad = correlated.steps().stream().filter(s -> s.cumulative().badDebtAccounts() > 0).findFirst()
                .orElseThrow(() -> new AssertionError("no step of the correlated crash leaves bad debt"));
        int[] badDebt = new int[1];
        liquidateAll("correlated", bad.dropBps(), badDebt);
        System.out.printf("Morpho report differential: correlated −%d bps: %d liquidations left bad debt (report: %d positions)%n", bad.dropBps(),
                badDebt[0], bad.cumulative().badDebtAccounts());
        assertThat(badDebt[0]).as("liquidations that wrote bad debt off").isPositive();
    }

    private static int liquidateAll(String scenarioName, int dropBps) {
        return liquidateAll(scenarioName, dropBps, new int[1]);
    }

    /**
     * At the step's oracle prices (a snapshot), liquidates every unhealthy position for real, in a block mined at the report's
     * timestamp (no interest accrues), once seizing all its collateral and once repaying all its shares, each on a snapshot of
     * its own; keeps the one that repays most (repaidAssets at the loan token's price, rounded up) and its bonus (seizedAssets
     * at the collateral's price through the market's oracle, as the report values it, rounded down, less that); the sums must be
     * the report's to the wei. Counts in {@code badDebt[0]} the kept liquidations with badDebtAssets.
     */
    private static int liquidateAll(String scenarioName, int dropBps, int[] badDebt) {
        CliffScenario scenario = risk.scenarios().stream().filter(s -> s.name().equals(scenarioName)).findFirst().orElseThrow();
        CliffStep step = scenario.steps().stream().filter(s -> s.dropBps() == dropBps).findFirst().orElseThrow();
        Map<Address, BigInteger> newPrices = stepPrices(step);
        assertThat(chain.block(BlockTag.LATEST).number()).as("the chain is still at the report's block").isEqualTo(snapshot.block());
        String clean = chain.snapshot();
        chain.setAutomine(false); // each liquidation mined by OwnBlock: an automined one could be dropped after a revert
        try {
            MorphoChain reads = new MorphoChain(chain, morpho);
            Map<String, BigInteger> oracle = setOracles(reads, newPrices);
            BigInteger repaid = BigInteger.ZERO;
            BigInteger bonus = BigInteger.ZERO;
            int liquidated = 0;
            for (Deployment.MorphoMarket m : morpho.markets()) {
                List<Address> borrowers = snapshotAccounts();
                List<PositionState> positions = reads.positions(m, borrowers);
                RiskAsset loan = asset(m.loanToken());
                RiskAsset collateral = asset(m.collateralToken());
                BigInteger loanPrice = newPrices.getOrDefault(loan.asset(), loan.price());
                BigInteger collateralPrice = MorphoBlueMarket.collateralPrice(oracle.get(m.id()), collateral.decimals(), loan.decimals(), loanPrice);
                for (int i = 0; i < borrowers.size(); i++) {
                    PositionState position = positions.get(i);
                    if (position.borrowShares().signum() == 0 || !unhealthy(m, borrowers.get(i))) {
                        continue;
                    }
                    MorphoBlueEvents.Liquidated best = null;
                    BigInteger bestValue = null;
                    List<String> refusals = new ArrayList<>();
                    for (boolean seizeAll : new boolean[] {true, false}) {
                        Attempt attempt = liquidate(m, borrowers.get(i), seizeAll ? position.collateral() : BigInteger.ZERO,
                                seizeAll ? BigInteger.ZERO : position.borrowShares());
                        MorphoBlueEvents.Liquidated event = attempt.event();
                        if (event == null) {
                            refusals.add((seizeAll ? "seizing all: " : "repaying all: ") + attempt.refusal());
                            continue;
                        }
                        BigInteger value = Rounding.mulDivUp(event.repaidAssets(), loanPrice, BigInteger.TEN.pow(loan.decimals()));
                        if (bestValue == null || value.compareTo(bestValue) > 0) {
                            best = event;
                            bestValue = value;
                        }
                    }
                    assertThat(best).as("%s −%d bps: %s cannot be liquidated at all (%s; by eth_call at latest, seizing all: %s; repaying all: %s)",
                            scenarioName, dropBps, borrowers.get(i), refusals,
                            whyRefused(m, borrowers.get(i), position.collateral(), BigInteger.ZERO),
                            whyRefused(m, borrowers.get(i), BigInteger.ZERO, position.borrowShares())).isNotNull();
                    liquidated++;
                    repaid = repaid.add(bestValue);
                    bonus = bonus.add(best.seizedAssets().multiply(collateralPrice).divide(BigInteger.TEN.pow(collateral.decimals())).subtract(bestValue));
                    if (best.badDebtAssets().signum() > 0) {
                        badDebt[0]++;
                    }
                }
            }
            assertThat(step.cumulative().accounts()).as("%s −%d bps: liquidated positions", scenarioName, dropBps).isEqualTo(liquidated);
            assertThat(step.cumulative().repayableValue()).as("%s −%d bps: repayable debt, the largest Liquidate of each position", scenarioName,
                    dropBps).isEqualTo(repaid);
            assertThat(step.cumulative().bonusValue()).as("%s −%d bps: the liquidators' bonus", scenarioName, dropBps).isEqualTo(bonus);
            return liquidated;
        } finally {
            assertThat(chain.revert(clean)).isTrue();
            chain.setAutomine(true);
        }
    }

    /** A liquidation's event, or why the chain refused it. */
    private record Attempt(MorphoBlueEvents.Liquidated event, String refusal) {
    }

    /**
     * One liquidate, mined alone at the report's timestamp on a snapshot of its own ({@link OwnBlock}): its event, or, when Morpho
     * reverted it (mined, failed, not out of gas), why. Anything else fails the test: a transaction the node lost is not a refusal.
     */
    private static Attempt liquidate(Deployment.MorphoMarket m, Address borrower, BigInteger seized,
                                                         BigInteger shares) {
        String before = chain.snapshot();
        try {
            BigInteger gas = BigInteger.valueOf(3_000_000 + SENT.incrementAndGet());
            CallRequest request = new CallRequest(CHECKER, morpho.morpho(), MorphoChain.liquidate(m, borrower, seized, shares), null, gas);
            TransactionReceipt receipt = OwnBlock.mine(chain, request, snapshot.timestamp());
            if (!receipt.success()) {
                assertThat(receipt.gasUsed()).as("liquidating %s: reverted by Morpho, not out of gas", borrower).isLessThan(gas);
                return new Attempt(null, "reverted on chain (tx " + receipt.transactionHash() + ", gas used " + receipt.gasUsed() + " of " + gas + ")");
            }
            return new Attempt(receipt.logs().stream().map(MorphoBlueEvents::liquidated).flatMap(Optional::stream).findFirst().orElseThrow(), null);
        } finally {
            assertThat(chain.revert(before)).isTrue();
        }
    }

    private static String whyRefused(Deployment.MorphoMarket m, Address borrower, BigInteger seized, BigInteger shares) {
        try {
            chain.call(new CallRequest(CHECKER, morpho.morpho(), MorphoChain.liquidate(m, borrower, seized, shares), null,
                    BigInteger.valueOf(3_000_000)), BlockTag.LATEST);
            return "eth_call passes";
        } catch (CallRevertedException e) {
            return e.getMessage();
        }
    }

    private static RiskAsset asset(Address token) {
        return snapshot.assets().stream().filter(a -> a.asset().equals(token)).findFirst().orElseThrow();
    }

    private static Map<Address, BigInteger> stepPrices(CliffStep step) {
        Map<Address, BigInteger> newPrices = new HashMap<>();
        for (RiskAsset asset : snapshot.assets()) {
            BigInteger price = step.prices().get(asset.symbol());
            if (price != null) {
                newPrices.put(asset.asset(), price);
            }
        }
        return newPrices;
    }

    /** Writes every Morpho oracle's price for the step into its storage (no block mined); returns them by market id. */
    private static Map<String, BigInteger> setOracles(MorphoChain reads, Map<Address, BigInteger> newPrices) {
        Map<String, BigInteger> out = new HashMap<>();
        for (Deployment.MorphoMarket m : morpho.markets()) {
            MarketParams params = new MarketParams(m.loanToken(), m.collateralToken(), m.oracle(), m.irm(), m.lltv());
            BigInteger moved = MorphoRiskSnapshot.shockedOracle(new MorphoRiskSnapshot.Market(m.id(), params, null, reads.price(m), 0, 0),
                    newPrices, usdPrices);
            chain.setStorageAt(m.oracle(), BigInteger.ZERO, Hex.word(moved)); // OracleMock keeps its price in slot 0
            assertThat(reads.price(m)).isEqualTo(moved);
            out.put(m.id(), moved);
        }
        return out;
    }

    /** Sets every Morpho oracle for the step (no block mined), asks Morpho about every position, compares, reverts. */
    private static int compare(String scenarioName, int dropBps) {
        CliffScenario scenario = risk.scenarios().stream().filter(s -> s.name().equals(scenarioName)).findFirst().orElseThrow();
        CliffStep step = scenario.steps().stream().filter(s -> s.dropBps() == dropBps).findFirst().orElseThrow();
        Map<Address, BigInteger> newPrices = stepPrices(step);
        assertThat(chain.block(BlockTag.LATEST).number()).as("the chain is still at the report's block").isEqualTo(snapshot.block());
        String clean = chain.snapshot();
        try {
            MorphoChain reads = new MorphoChain(chain, morpho);
            setOracles(reads, newPrices);
            List<Address> liquidatable = new ArrayList<>();
            BigInteger debt = BigInteger.ZERO;
            for (Deployment.MorphoMarket m : morpho.markets()) {
                List<Address> borrowers = snapshotAccounts();
                List<PositionState> positions = reads.positions(m, borrowers);
                for (int i = 0; i < borrowers.size(); i++) {
                    PositionState position = positions.get(i);
                    if (position.borrowShares().signum() == 0 || !unhealthy(m, borrowers.get(i))) {
                        continue;
                    }
                    liquidatable.add(borrowers.get(i));
                    BigInteger borrowed = Words.uint(chain.call(new CallRequest(CHECKER, morpho.morpho(),
                            MorphoChain.repayShares(m, position.borrowShares(), borrowers.get(i)), null, BigInteger.valueOf(3_000_000)), BlockTag.LATEST), 0);
                    RiskAsset loan = snapshot.assets().stream().filter(a -> a.asset().equals(m.loanToken())).findFirst().orElseThrow();
                    debt = debt.add(borrowed.multiply(newPrices.getOrDefault(loan.asset(), loan.price())).divide(BigInteger.TEN.pow(loan.decimals())));
                }
            }
            List<Address> listed = scenario.accounts().stream().filter(e -> e.fromBps() <= dropBps && (e.untilBps() == 0 || dropBps < e.untilBps()))
                    .map(CliffScenario.AccountEntry::account).sorted().toList();
            assertThat(listed).as("%s −%d bps: the liquidatable positions' borrowers", scenarioName, dropBps)
                    .isEqualTo(liquidatable.stream().sorted().toList());
            assertThat(step.cumulative().accounts()).as("%s −%d bps: how many", scenarioName, dropBps).isEqualTo(liquidatable.size());
            assertThat(step.cumulative().debtValue()).as("%s −%d bps: their debt in USD", scenarioName, dropBps).isEqualTo(debt);
            return liquidatable.size();
        } finally {
            assertThat(chain.revert(clean)).isTrue();
        }
    }

    /** Morpho's verdict: liquidating one unit of collateral succeeds only when the position is unhealthy. */
    private static boolean unhealthy(Deployment.MorphoMarket m, Address borrower) {
        try {
            chain.call(new CallRequest(CHECKER, morpho.morpho(), MorphoChain.liquidate(m, borrower, BigInteger.ONE, BigInteger.ZERO), null,
                    BigInteger.valueOf(3_000_000)), BlockTag.LATEST);
            return true;
        } catch (CallRevertedException e) {
            return false;
        }
    }

    private static List<Address> snapshotAccounts() {
        List<Address> accounts = new ArrayList<>();
        for (int i = 0; i < snapshot.size(); i++) {
            if (!accounts.contains(snapshot.account(i))) {
                accounts.add(snapshot.account(i));
            }
        }
        return accounts;
    }
}
