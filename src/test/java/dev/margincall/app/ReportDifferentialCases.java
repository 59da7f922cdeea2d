package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Rounding;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.DevnetDeployer;
import dev.margincall.devnet.Holding;
import dev.margincall.devnet.OwnBlock;
import dev.margincall.devnet.Transactor;
import dev.margincall.protocol.aavev3.LiquidationCallEvent;
import dev.margincall.core.Address;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.SeededBorrower;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.protocol.aavev3.UserAccountData;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report against the chain: for several assets and falls, the correlated crash included, the oracle
 * feeds are set to exactly the step's prices on a snapshot of the devnet, and {@code getUserAccountData}
 * of every account must give the report's liquidatable set and total debt to the wei; the snapshot is
 * reverted before the next case. The feeds are written in place without mining a block, so the chain
 * answers at the report's block timestamp (no interest in between). Repayable debt and bonus: every
 * liquidatable account is liquidated for real on each of its (collateral, debt) pairs, each on a snapshot of
 * its own, in a block mined at the report's timestamp; the largest repayment's {@code LiquidationCall}
 * (debtToCover, liquidatedCollateralAmount) summed over the accounts must be the report's figures to the wei.
 * Those transactions are mined with automine off, one {@code evm_mine} each ({@link OwnBlock}: under automine, Anvil now and then
 * dropped a liquidation sent after a revert, which then passed for a refusal, and on 3.6 the dust rule's search measured less).
 * Run on Aave 3.6 ({@link ReportDifferentialIT}) and 3.0 ({@link ReportDifferentialV30IT}).
 */
abstract class ReportDifferentialCases {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BigInteger WAD = BigInteger.TEN.pow(18);
    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    private static JsonNode market;
    private static long reportBlock;

    static Path config(Path dir, Devnet devnet) throws Exception {
        Path file = dir.resolve("report.yaml");
        Files.writeString(file, """
                chain:
                  id: 31337
                  rpc:
                    - %s
                protocols:
                  - type: aave-v3
                    name: core
                    poolAddressesProvider: "%s"
                    startBlock: 0
                """.formatted(devnet.node().rpcUrl(), devnet.deployment().aaveV3().poolAddressesProvider()));
        return file;
    }

    @BeforeAll
    static void report(Devnet devnet, @TempDir Path dir) throws Exception {
        CommandLineIT.Run run = CommandLineIT.run("report", "--config", config(dir, devnet).toString(), "--out", dir.resolve("out").toString(),
                "--list-accounts", "--uniswap-v2-router", devnet.deployment().uniswapV2().router().toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("report: ");
        JsonNode report = JSON.readTree(dir.resolve("out/report.json").toFile());
        assertThat(report.get("schemaVersion").asInt()).isEqualTo(1);
        market = report.get("markets").get(0);
        reportBlock = market.get("block").asLong();
        assertThat(Files.readString(dir.resolve("out/report.html"))).contains("<svg", "data-table=\"cliff\"");
    }

    private static JsonNode scenario(String name) {
        for (JsonNode scenario : market.get("scenarios")) {
            if (scenario.get("name").asText().equals(name)) {
                return scenario;
            }
        }
        throw new AssertionError("no scenario " + name);
    }

    private static JsonNode step(JsonNode scenario, int dropBps) {
        for (JsonNode step : scenario.get("steps")) {
            if (step.get("dropBps").asInt() == dropBps) {
                return step;
            }
        }
        throw new AssertionError("no step " + dropBps);
    }

    /** The accounts the report lists as liquidatable at {@code dropBps}. */
    private static Set<Address> listed(JsonNode scenario, int dropBps) {
        Set<Address> out = new TreeSet<>();
        for (JsonNode entry : scenario.get("accounts")) {
            int from = entry.get("fromBps").asInt();
            int until = entry.get("untilBps").asInt();
            if (from <= dropBps && (until == 0 || dropBps < until)) {
                out.add(Address.of(entry.get("account").asText()));
            }
        }
        return out;
    }

    private static List<Address> accounts(Devnet devnet) {
        List<Address> accounts = new ArrayList<>(devnet.borrowers().stream().map(SeededBorrower::address).toList());
        accounts.add(devnet.deployment().liquidityProvider());
        return accounts;
    }

    /** Sets the feeds to the step's prices (no block mined), reads every account, compares, reverts. Returns the liquidatable count. */
    private static int compare(Devnet devnet, String scenarioName, int dropBps) {
        JsonNode scenario = scenario(scenarioName);
        JsonNode step = step(scenario, dropBps);
        assertThat(devnet.chain().block(BlockTag.LATEST).number()).as("the chain is still at the report's block").isEqualTo(reportBlock);
        String snapshot = devnet.chain().snapshot();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> prices = step.get("prices").fields(); prices.hasNext(); ) {
                Map.Entry<String, JsonNode> price = prices.next();
                devnet.market().writeFeed(price.getKey(), new BigInteger(price.getValue().asText()));
            }
            for (Iterator<Map.Entry<String, JsonNode>> prices = step.get("prices").fields(); prices.hasNext(); ) {
                Map.Entry<String, JsonNode> price = prices.next();
                assertThat(devnet.market().price(price.getKey())).as("the oracle reads the new %s price", price.getKey())
                        .isEqualTo(new BigInteger(price.getValue().asText()));
            }
            List<Address> accounts = accounts(devnet);
            List<UserAccountData> chain = new AccountDataReader(devnet.chain(), devnet.deployment().multicall3(), devnet.deployment().aaveV3().pool())
                    .read(accounts, BlockTag.LATEST);
            Set<Address> liquidatable = new TreeSet<>();
            BigInteger debt = BigInteger.ZERO;
            for (int i = 0; i < accounts.size(); i++) {
                UserAccountData data = chain.get(i);
                if (data.totalDebtBase().signum() > 0 && data.healthFactor().compareTo(WAD) < 0) {
                    liquidatable.add(accounts.get(i));
                    debt = debt.add(data.totalDebtBase());
                }
            }
            JsonNode cumulative = step.get("cumulative");
            assertThat(listed(scenario, dropBps)).as("%s −%d bps: the liquidatable accounts", scenarioName, dropBps).isEqualTo(liquidatable);
            assertThat(cumulative.get("accounts").asInt()).as("%s −%d bps: how many", scenarioName, dropBps).isEqualTo(liquidatable.size());
            assertThat(new BigInteger(cumulative.get("debtValue").asText())).as("%s −%d bps: their total debt", scenarioName, dropBps)
                    .isEqualTo(debt);
            return liquidatable.size();
        } finally {
            assertThat(devnet.chain().revert(snapshot)).as("revert to the report's state").isTrue();
        }
    }

    /** One account liquidated at a step: its health factor, collateral and debt there (getUserAccountData), and its largest repayment. */
    record Liquidated(Address account, BigInteger healthFactor, BigInteger collateralBase, BigInteger debtBase, BigInteger repaid, BigInteger bonus,
                      String pairs) {
    }

    /**
     * Sets the feeds to the step's prices on a snapshot, liquidates every liquidatable account on each of its pairs (a nested
     * snapshot per pair, mined at the report's timestamp: no interest accrues), keeps per account the repayment worth most
     * (debtToCover at the step's price, rounded up, as the report values it) and its bonus (liquidatedCollateralAmount at the
     * step's price, rounded down, less that), compares the sums with the report's, reverts. Returns the accounts.
     */
    private static Map<Address, Liquidated> liquidateAll(Devnet devnet, String scenarioName, int dropBps) {
        JsonNode step = step(scenario(scenarioName), dropBps);
        long timestamp = market.get("timestamp").asLong();
        Deployment deployment = devnet.deployment();
        DevChain chain = devnet.chain();
        assertThat(chain.block(BlockTag.LATEST).number()).as("the chain is still at the report's block").isEqualTo(reportBlock);
        String snapshot = chain.snapshot();
        chain.setAutomine(false);
        try {
            for (Iterator<Map.Entry<String, JsonNode>> prices = step.get("prices").fields(); prices.hasNext(); ) {
                Map.Entry<String, JsonNode> price = prices.next();
                devnet.market().writeFeed(price.getKey(), new BigInteger(price.getValue().asText()));
            }
            Map<String, BigInteger> prices = new HashMap<>();
            deployment.reserves().forEach(r -> prices.put(r.symbol(), devnet.market().price(r.symbol())));
            Transactor tx = new Transactor(chain);
            Address liquidator = DevnetDeployer.derivedAddress("margin-call/test/report-liquidator");
            chain.setBalance(liquidator, WAD.multiply(BigInteger.valueOf(100)));
            for (Deployment.Reserve reserve : deployment.reserves()) {
                BigInteger funds = BigInteger.TEN.pow(reserve.decimals() + 12);
                assertThat(OwnBlock.mine(chain, new CallRequest(liquidator, reserve.asset(), Abi.call("mint(uint256)", Abi.uint(funds)), null, null),
                        timestamp).success()).as("mint " + reserve.symbol()).isTrue();
                assertThat(OwnBlock.mine(chain, new CallRequest(liquidator, reserve.asset(),
                        Abi.call("approve(address,uint256)", Abi.address(deployment.aaveV3().pool()), Abi.uint(funds)), null, null), timestamp).success())
                        .as("approve " + reserve.symbol()).isTrue();
            }
            List<Address> accounts = accounts(devnet);
            List<UserAccountData> data = new AccountDataReader(chain, deployment.multicall3(), deployment.aaveV3().pool()).read(accounts, BlockTag.LATEST);
            Map<Address, SeededBorrower> borrowers = new HashMap<>();
            devnet.borrowers().forEach(b -> borrowers.put(b.address(), b));
            Map<Address, Liquidated> out = new LinkedHashMap<>();
            BigInteger repaid = BigInteger.ZERO;
            BigInteger bonus = BigInteger.ZERO;
            List<String> refused = new ArrayList<>();
            for (int i = 0; i < accounts.size(); i++) {
                UserAccountData account = data.get(i);
                if (account.totalDebtBase().signum() == 0 || account.healthFactor().compareTo(WAD) >= 0) {
                    continue;
                }
                SeededBorrower borrower = borrowers.get(accounts.get(i));
                UserAccountData now = new AccountDataReader(chain, deployment.multicall3(), deployment.aaveV3().pool())
                        .read(List.of(borrower.address()), BlockTag.LATEST).get(0);
                assertThat(now.totalCollateralBase()).as("%s −%d bps: %s's collateral on the chain, before its liquidations, as at the start (%d accounts in)",
                        scenarioName, dropBps, borrower.address(), out.size()).isEqualTo(account.totalCollateralBase());
                BigInteger bestRepaid = null;
                BigInteger bestBonus = null;
                StringBuilder pairs = new StringBuilder();
                for (Holding debt : borrower.debt()) {
                    for (Holding collateral : borrower.collateral()) {
                        LiquidationCallEvent event = liquidate(chain, tx, deployment, liquidator, borrower.address(), collateral.symbol(), debt.symbol(),
                                timestamp);
                        if (event == null) {
                            refused.add(borrower.address() + " " + collateral.symbol() + "/" + debt.symbol() + " (" + whyRefused(chain, deployment, liquidator,
                                    borrower.address(), collateral.symbol(), debt.symbol()) + ")");
                            continue;
                        }
                        pairs.append(collateral.symbol()).append('/').append(debt.symbol()).append(' ').append(event.debtToCover()).append(' ')
                                .append(event.liquidatedCollateralAmount()).append("; ");
                        BigInteger value = Rounding.mulDivUp(event.debtToCover(), prices.get(debt.symbol()),
                                BigInteger.TEN.pow(deployment.reserve(debt.symbol()).decimals()));
                        BigInteger received = event.liquidatedCollateralAmount().multiply(prices.get(collateral.symbol()))
                                .divide(BigInteger.TEN.pow(deployment.reserve(collateral.symbol()).decimals()));
                        // the largest repayment; between equal ones (two collaterals, one close factor) the larger bonus
                        int order = bestRepaid == null ? 1 : value.compareTo(bestRepaid);
                        if (order > 0 || (order == 0 && received.subtract(value).compareTo(bestBonus) > 0)) {
                            bestRepaid = value;
                            bestBonus = received.subtract(value);
                        }
                    }
                }
                assertThat(bestRepaid).as("%s −%d bps: %s could not be liquidated at all (%s)", scenarioName, dropBps, borrower.address(), refused)
                        .isNotNull();
                repaid = repaid.add(bestRepaid);
                bonus = bonus.add(bestBonus);
                out.put(borrower.address(), new Liquidated(borrower.address(), account.healthFactor(), account.totalCollateralBase(),
                        account.totalDebtBase(), bestRepaid, bestBonus, pairs.toString()));
            }
            JsonNode cumulative = step.get("cumulative");
            if (!new BigInteger(cumulative.get("repayableValue").asText()).equals(repaid) || !new BigInteger(cumulative.get("bonusValue").asText()).equals(bonus)) {
                System.out.println("DIAG " + scenarioName + " " + dropBps + ": " + modelDiff(devnet, step, out));
            }
            assertThat(cumulative.get("accounts").asInt()).as("%s −%d bps: liquidated accounts", scenarioName, dropBps).isEqualTo(out.size());
            assertThat(new BigInteger(cumulative.get("repayableValue").asText()))
                    .as("%s −%d bps: repayable debt, the largest LiquidationCall of each account (pairs the Pool refused: %s)", scenarioName, dropBps,
                            refused).isEqualTo(repaid);
            assertThat(new BigInteger(cumulative.get("bonusValue").asText())).as("%s −%d bps: the liquidators' bonus", scenarioName, dropBps)
                    .isEqualTo(bonus);
            return out;
        } finally {
            assertThat(chain.revert(snapshot)).as("revert to the report's state").isTrue();
            chain.setAutomine(true);
        }
    }

    /** Diagnostic: accounts whose model figures (fast and full quotes) differ from the chain's. */
    private static String modelDiff(Devnet devnet, JsonNode step, Map<Address, Liquidated> chainFigures) {
        var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        var monitor = new dev.margincall.protocol.aavev3.AaveV3Monitor(devnet.chain(), devnet.deployment().multicall3(),
                devnet.deployment().aaveV3().poolAddressesProvider(), new dev.margincall.protocol.aavev3.AaveV3Monitor.Settings(0, 5, 1_000, 7),
                new dev.margincall.chain.logs.InMemoryCheckpointStore(), registry);
        monitor.start(devnet.chain().block(BlockTag.number(reportBlock)));
        var market = new dev.margincall.protocol.aavev3.AaveV3Market(new dev.margincall.protocol.spi.MarketId("aave-v3", "core"), monitor, devnet.chain());
        var snap = market.riskSnapshot();
        Map<Address, BigInteger> prices = new HashMap<>();
        for (var a : snap.assets()) {
            if (step.get("prices").has(a.symbol())) {
                prices.put(a.asset(), new BigInteger(step.get("prices").get(a.symbol()).asText()));
            }
        }
        var shocked = snap.at(prices);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < snap.size(); i++) {
            Liquidated c = chainFigures.get(snap.account(i));
            var fast = shocked.largestLiquidation(i);
            var full = dev.margincall.protocol.spi.LiquidationValue.largest(shocked.quotes(i));
            if (c == null ? fast.repaid().signum() != 0 : !c.repaid().equals(fast.repaid()) || !c.bonus().equals(fast.bonus())) {
                out.append("\n ").append(snap.account(i)).append(" chain ").append(c).append(" fast ").append(fast).append(" full ").append(full)
                        .append(" quotes ").append(shocked.quotes(i));
            }
        }
        return out.toString();
    }

    private static final java.util.concurrent.atomic.AtomicLong SENT = new java.util.concurrent.atomic.AtomicLong();

    /**
     * A gas limit of its own for every liquidation sent: after a revert the liquidator's nonce is the same again, so the same call
     * would be the same transaction, with the same hash, and Anvil would answer the receipt of the one mined in a reverted block
     * (the new one then mined after its snapshot's revert, into the next case).
     */
    static BigInteger uniqueGas() {
        return BigInteger.valueOf(3_000_000 + SENT.incrementAndGet());
    }

    /** The Pool's revert reason for liquidating the pair (eth_call), for the failure message. */
    private static String whyRefused(DevChain chain, Deployment deployment, Address liquidator, Address user, String collateral, String debt) {
        try {
            chain.call(new CallRequest(liquidator, deployment.aaveV3().pool(), Abi.call("liquidationCall(address,address,address,uint256,bool)",
                    Abi.address(deployment.reserve(collateral).asset()), Abi.address(deployment.reserve(debt).asset()), Abi.address(user),
                    Abi.uint(MAX), Abi.bool(true)), null, BigInteger.valueOf(3_000_000)), BlockTag.LATEST);
            return "eth_call passes";
        } catch (dev.margincall.chain.CallRevertedException e) {
            return e.getMessage();
        }
    }

    /**
     * The largest liquidation the Pool accepts on this pair: all it allows (max uint), or, when that is refused and a smaller
     * amount is not (3.6's MustNotLeaveDust), the largest accepted amount, found by halving between an accepted and a refused one
     * (every smaller amount leaves more of both behind, down to amounts too small to move any collateral). Null when the Pool
     * refuses the pair.
     */
    private static LiquidationCallEvent liquidate(DevChain chain, Transactor tx, Deployment deployment, Address liquidator, Address user,
                                                  String collateral, String debt, long timestamp) {
        LiquidationCallEvent all = liquidate(chain, tx, deployment, liquidator, user, collateral, debt, timestamp, MAX);
        if (all != null) {
            return all;
        }
        // refused above the largest amount that leaves no dust, and at a few wei too (no collateral to move): probe down by halves
        // from the whole debt to an accepted amount, then halve the gap between it and the smallest refused one above it
        BigInteger high = Abi.decodeUint(tx.call(deployment.reserve(debt).variableDebtToken(), Abi.call("balanceOf(address)", Abi.address(user))))
                .add(BigInteger.ONE);
        BigInteger low = null;
        LiquidationCallEvent accepted = null;
        for (BigInteger probe = high.shiftRight(1); probe.signum() > 0 && accepted == null; probe = probe.shiftRight(1)) {
            accepted = liquidate(chain, tx, deployment, liquidator, user, collateral, debt, timestamp, probe);
            if (accepted == null) {
                high = probe;
            } else {
                low = probe;
            }
        }
        if (accepted == null) {
            return null;
        }
        while (high.subtract(low).compareTo(BigInteger.ONE) > 0) {
            BigInteger middle = low.add(high).shiftRight(1);
            LiquidationCallEvent event = liquidate(chain, tx, deployment, liquidator, user, collateral, debt, timestamp, middle);
            if (event == null) {
                high = middle;
            } else {
                low = middle;
                accepted = event;
            }
        }
        return accepted;
    }

    /**
     * liquidationCall(collateral, debt, user, amount, receiveAToken) on a snapshot of its own (aTokens: the figures are the same,
     * and the collateral reserve's free liquidity does not limit it), mined at {@code timestamp}; its event, or null if the Pool
     * reverts it (mined, failed, not out of gas). Anything else (not mined, a node error) fails the test: it is not a refusal.
     */
    private static LiquidationCallEvent liquidate(DevChain chain, Transactor tx, Deployment deployment, Address liquidator, Address user,
                                                  String collateral, String debt, long timestamp, BigInteger amount) {
        long before = chain.blockNumber();
        String snapshot = chain.snapshot();
        try {
            BigInteger gas = uniqueGas();
            TransactionReceipt receipt = OwnBlock.mine(chain, new CallRequest(liquidator, deployment.aaveV3().pool(),
                    Abi.call("liquidationCall(address,address,address,uint256,bool)", Abi.address(deployment.reserve(collateral).asset()),
                            Abi.address(deployment.reserve(debt).asset()), Abi.address(user), Abi.uint(amount), Abi.bool(true)),
                    null, gas), timestamp);
            assertThat(receipt.blockNumber()).as("the liquidation's own block").isEqualTo(before + 1);
            if (!receipt.success()) {
                assertThat(receipt.gasUsed()).as("liquidating %s %s/%s: reverted by the Pool, not out of gas", user, collateral, debt).isLessThan(gas);
                return null;
            }
            return receipt.logs().stream().filter(LiquidationCallEvent::matches).map(LiquidationCallEvent::decode).findFirst().orElseThrow();
        } finally {
            assertThat(chain.revert(snapshot)).isTrue();
            assertThat(chain.blockNumber()).as("nothing mined after the revert").isEqualTo(before);
        }
    }

    @Test
    void repayableDebtAndBonusAreWhatLiquidationsPayAtEachStep(Devnet devnet) {
        Map<Address, Liquidated> shallow = liquidateAll(devnet, "WETH", 1_200);
        Map<Address, Liquidated> deep = liquidateAll(devnet, "WETH", 3_000);
        BigInteger closeFactorThreshold = new BigInteger("950000000000000000");
        List<Address> crossed = shallow.values().stream().filter(a -> a.healthFactor().compareTo(closeFactorThreshold) > 0)
                .map(Liquidated::account).filter(a -> deep.containsKey(a) && deep.get(a).healthFactor().compareTo(closeFactorThreshold) <= 0).toList();
        System.out.printf("report differential (%s): WETH −12 %%: %d liquidated; −30 %%: %d, of which %d crossed HF 0.95 in between%n",
                devnet.aaveVersion(), shallow.size(), deep.size(), crossed.size());
        assertThat(crossed).as("accounts whose close factor changed between the two steps (above 0.95, then at or below)").isNotEmpty();

        Map<Address, Liquidated> crash = liquidateAll(devnet, "correlated", 5_000);
        long bad = crash.values().stream().filter(a -> a.collateralBase().compareTo(a.debtBase()) < 0).count();
        System.out.printf("report differential (%s): correlated −50 %%: %d liquidated, %d in bad debt%n", devnet.aaveVersion(), crash.size(), bad);
        assertThat(bad).as("accounts in bad debt at the crash's deepest step (their liquidation takes all the collateral)").isPositive();
        assertThat(step(scenario("correlated"), 5_000).get("cumulative").get("badDebtAccounts").asLong()).isEqualTo(bad);
    }

    @Test
    void wethFallingAloneMatchesTheChainAtEveryCheckedStep(Devnet devnet) {
        int small = compare(devnet, "WETH", 500);
        int large = compare(devnet, "WETH", 3_000);
        assertThat(large).as("a deeper fall liquidates more").isGreaterThan(small);
        compare(devnet, "WETH", 1_200);
    }

    @Test
    void wbtcFallingAloneMatchesTheChain(Devnet devnet) {
        assertThat(compare(devnet, "WBTC", 2_500)).isPositive();
        compare(devnet, "WBTC", 4_900);
    }

    @Test
    void theCorrelatedCrashMatchesTheChain(Devnet devnet) {
        JsonNode correlated = scenario("correlated");
        List<String> assets = new ArrayList<>();
        correlated.get("assets").forEach(a -> assets.add(a.asText()));
        assertThat(assets).containsExactlyInAnyOrder("WETH", "WBTC");
        assertThat(compare(devnet, "correlated", 1_000)).isPositive();
        compare(devnet, "correlated", 2_000);
        compare(devnet, "correlated", 5_000);
    }

    @Test
    void atAnEarlierBlockAndBeyondTheHead(Devnet devnet, @TempDir Path dir) throws Exception {
        long head = devnet.chain().blockNumber();
        CommandLineIT.Run earlier = CommandLineIT.run("report", "--config", config(dir, devnet).toString(), "--out", dir.resolve("earlier").toString(),
                "--at-block", Long.toString(head - 1), "--cascade-drops", "10");
        assertThat(earlier.exitCode()).as(earlier.err()).isZero();
        JsonNode at = JSON.readTree(dir.resolve("earlier/report.json").toFile()).get("markets").get(0);
        assertThat(at.get("block").asLong()).isEqualTo(head - 1);
        assertThat(at.get("cascades")).as("no router configured or given: no cascade").isEmpty();

        CommandLineIT.Run beyond = CommandLineIT.run("report", "--config", config(dir, devnet).toString(), "--out", dir.resolve("beyond").toString(),
                "--at-block", Long.toString(head + 1_000));
        assertThat(beyond.exitCode()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(beyond.err()).contains("--at-block must be between 0 and the latest block " + head).doesNotContain("Exception");
        assertThat(dir.resolve("beyond")).doesNotExist();
    }

    @Test
    void theCascadeSoldIntoTheDevnetPools() {
        assertThat(market.get("cascades")).isNotEmpty();
        JsonNode weth = market.get("cascades").get(0);
        assertThat(weth.get("venue").asText()).startsWith("Uniswap V2 WETH/");
        assertThat(weth.get("rounds").get(0).get("newlyLiquidatable").asInt()).isPositive();
    }
}
