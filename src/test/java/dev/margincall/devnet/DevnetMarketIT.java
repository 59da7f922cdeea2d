package dev.margincall.devnet;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.protocol.aavev3.UserAccountData;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The devnet market is the real Aave V3 and behaves like it: 1,000 seeded borrowers, a crash, a liquidation. On
 * V3.0.2 (its reserve layout, stable debt tokens and numeric errors); DevnetAave36IT is its 3.6 counterpart.
 */
@WithDevnet(borrowers = 1_000, seed = 42, aave = "3.0")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevnetMarketIT {

    private static final BigInteger WAD = BigInteger.TEN.pow(18);
    /** Interest accrued between seeding and reading moves the values by far less than this. */
    private static final BigDecimal TOLERANCE = new BigDecimal("0.000001");

    @Test
    @Order(1)
    void reservesAreListedAndConfiguredAsSpecified(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        Transactor tx = new Transactor(devnet.chain());
        assertThat(listedReserves(tx, deployment.aaveV3().pool())).containsExactlyElementsOf(deployment.reserves().stream().map(Deployment.Reserve::asset).toList());

        assertConfiguredAsSpecified(tx, deployment.aaveV3Markets().get(0), MarketSpec.standard());
        assertThat(devnet.chain().code(deployment.multicall3(), BlockTag.LATEST)).hasSizeGreaterThan(100);
    }

    @Test
    @Order(2)
    void uniswapPoolsArePricedAtTheOracle(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        assertThat(deployment.uniswapV2().pairs()).hasSize(6);
        Deployment.Reserve weth = deployment.reserve("WETH");
        Deployment.Reserve usdc = deployment.reserve("USDC");
        assertThat(weth.decimals()).isEqualTo(18);
        assertThat(usdc.decimals()).isEqualTo(6);
        // 1 WETH through the real Router02: about $2,000 minus the 0.3 % fee and a sliver of price impact.
        assertThat(quoteOneWethInUsdc(devnet)).isBetween(BigInteger.valueOf(1_990_000_000L), BigInteger.valueOf(1_994_000_000L));
    }

    static BigInteger quoteOneWethInUsdc(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        String quote = new Transactor(devnet.chain()).call(deployment.uniswapV2().router(), Abi.call("getAmountsOut(uint256,address[])", uint(WAD),
                new org.web3j.abi.datatypes.DynamicArray<>(org.web3j.abi.datatypes.Address.class,
                        List.of(address(deployment.reserve("WETH").asset()), address(deployment.reserve("USDC").asset())))));
        return Words.uint(quote, 3); // offset, length, amounts[0], amounts[1]
    }

    @Test
    @Order(3)
    void everySeededBorrowerHasTheAccountDataThePlanExpects(Devnet devnet) {
        List<SeededBorrower> borrowers = devnet.borrowers();
        assertThat(borrowers).hasSize(1_000);
        assertThat(borrowers.stream().map(SeededBorrower::profile).collect(Collectors.toSet())).isEqualTo(EnumSet.allOf(BorrowerProfile.class));
        assertThat(borrowers.stream().map(SeededBorrower::band).collect(Collectors.toSet())).isEqualTo(EnumSet.allOf(RiskBand.class));

        List<UserAccountData> onChain = reader(devnet).read(borrowers.stream().map(SeededBorrower::address).toList(), BlockTag.LATEST);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < borrowers.size(); i++) {
            SeededBorrower expected = borrowers.get(i);
            UserAccountData actual = onChain.get(i);
            if (!close(actual.totalCollateralBase(), expected.expectedCollateralBase())
                    || !close(actual.totalDebtBase(), expected.expectedDebtBase())
                    || !healthFactorAsPlanned(devnet, actual.healthFactor(), expected.expectedHealthFactor())) {
                mismatches.add(expected.address() + " " + expected.profile() + ": expected collateral/debt/HF "
                        + expected.expectedCollateralBase() + "/" + expected.expectedDebtBase() + "/" + expected.expectedHealthFactor()
                        + ", chain " + actual.totalCollateralBase() + "/" + actual.totalDebtBase() + "/" + actual.healthFactor());
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(onChain).hasSize(borrowers.size()).allSatisfy(data -> assertThat(data.healthFactor()).isGreaterThan(WAD));
    }

    @Test
    @Order(4)
    void aCrashMakesAccountsLiquidatableAndAFundedLiquidatorLiquidatesOne(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        DevChain chain = devnet.chain();
        MarketMover market = devnet.market();
        BigInteger before = market.price("WETH");
        BigInteger after = market.movePrice("WETH", -3_000, PriceMoveMethod.SOURCE_SWAP);
        assertThat(after).isEqualTo(before.multiply(BigInteger.valueOf(7)).divide(BigInteger.TEN));
        assertThat(market.price("WETH")).isEqualTo(after);
        assertThat(quoteOneWethInUsdc(devnet)).as("pool re-priced by arbitrage to the crashed oracle price")
                .isBetween(BigInteger.valueOf(1_390_000_000L), BigInteger.valueOf(1_400_000_000L));

        List<Address> accounts = devnet.borrowers().stream().map(SeededBorrower::address).toList();
        List<UserAccountData> data = reader(devnet).read(accounts, BlockTag.LATEST);
        List<UserAccountData> liquidatable = data.stream().filter(UserAccountData::liquidatable).toList();
        assertThat(liquidatable).as("accounts under HF 1 after a 30%% WETH crash").hasSizeGreaterThan(20);

        Liquidated liquidated = liquidateLargestUsdcDebtor(devnet, liquidatable, "margin-call/test/liquidator");
        SeededBorrower victim = liquidated.victim();
        TransactionReceipt receipt = liquidated.receipt();

        String liquidationTopic = Abi.topic("LiquidationCall(address,address,address,uint256,uint256,address,bool)");
        List<LogEntry> events = chain.logs(new LogFilter(receipt.blockNumber(), receipt.blockNumber(),
                List.of(deployment.aaveV3().pool()), List.of(liquidationTopic)));
        assertThat(events).hasSize(1);
        assertThat(Address.fromTail(dev.margincall.core.Hex.bytes(events.get(0).topics().get(3)))).isEqualTo(victim.address());
        UserAccountData afterLiquidation = reader(devnet).read(List.of(victim.address()), BlockTag.LATEST).get(0);
        assertThat(afterLiquidation.totalDebtBase()).isLessThan(data.get(victim.index()).totalDebtBase());
    }

    @Test
    @Order(5)
    void liquidatingAHealthyAccountRevertsWithAaveError45(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        List<UserAccountData> data = reader(devnet).read(devnet.borrowers().stream().map(SeededBorrower::address).toList(), BlockTag.LATEST);
        SeededBorrower healthy = devnet.borrowers().stream()
                .filter(b -> data.get(b.index()).healthFactor().compareTo(WAD.multiply(BigInteger.TWO)) > 0)
                .filter(b -> b.collateral().stream().anyMatch(h -> h.symbol().equals("WETH")))
                .filter(b -> b.debt().stream().anyMatch(h -> h.symbol().equals("USDC")))
                .findFirst().orElseThrow();
        Address liquidator = DevnetDeployer.derivedAddress("margin-call/test/liquidator");
        CallRequest call = new CallRequest(liquidator, deployment.aaveV3().pool(), liquidationCall(deployment, healthy.address()), null, null);
        assertThatThrownBy(() -> devnet.chain().call(call, BlockTag.LATEST))
                .isInstanceOfSatisfying(CallRevertedException.class, e -> assertThat(e.reason()).isEqualTo("45"));
    }

    @Test
    @Order(6)
    void aPriceWrittenIntoFeedStorageMovesTheOracleWithoutAnEvent(Devnet devnet) {
        MarketMover market = devnet.market();
        Address source = market.priceSource("WBTC");
        long block = devnet.chain().blockNumber();
        BigInteger moved = market.movePrice("WBTC", -1_000, PriceMoveMethod.STORAGE_WRITE);
        assertThat(market.price("WBTC")).isEqualTo(moved).isEqualTo(ReserveSpec.usd(36_000));
        assertThat(market.priceSource("WBTC")).isEqualTo(source);
        List<LogEntry> logs = devnet.chain().logs(new LogFilter(block + 1, devnet.chain().blockNumber(),
                List.of(devnet.deployment().aaveV3().oracle(), source), List.of()));
        assertThat(logs).isEmpty();
    }

    @Test
    @Order(7)
    void timeAloneRaisesDebtThroughInterest(Devnet devnet) {
        SeededBorrower borrower = devnet.borrowers().get(0);
        AccountDataReader reader = reader(devnet);
        UserAccountData before = reader.read(List.of(borrower.address()), BlockTag.LATEST).get(0);
        long timestamp = devnet.market().advanceTime(365L * 24 * 3600);
        assertThat(devnet.chain().block(BlockTag.LATEST).timestamp()).isEqualTo(timestamp);
        UserAccountData after = reader.read(List.of(borrower.address()), BlockTag.LATEST).get(0);
        assertThat(after.totalDebtBase()).isGreaterThan(before.totalDebtBase());
        assertThat(after.healthFactor()).isLessThan(before.healthFactor());
    }

    @Test
    @Order(8)
    void multicallReportsAFailingCallWithoutFailingTheOthers(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        List<UserAccountData> data = reader(devnet).read(devnet.borrowers().stream().map(SeededBorrower::address).toList(), BlockTag.LATEST);
        Address healthy = data.stream().filter(d -> d.healthFactor().compareTo(WAD.multiply(BigInteger.TWO)) > 0).findFirst().orElseThrow().account();
        List<dev.margincall.chain.Multicall3.Result> results = new dev.margincall.chain.Multicall3(devnet.chain(), deployment.multicall3())
                .aggregate3(List.of(
                        new dev.margincall.chain.Multicall3.Call(deployment.aaveV3().pool(), Abi.call("getReservesList()")),
                        new dev.margincall.chain.Multicall3.Call(deployment.aaveV3().pool(), liquidationCall(deployment, healthy))),
                        BlockTag.LATEST);
        assertThat(results.get(0).success()).isTrue();
        assertThat(Words.uint(results.get(0).returnData(), 1)).isEqualTo(4);
        assertThat(results.get(1).success()).isFalse();
        assertThat(dev.margincall.chain.abi.RevertReason.decode(results.get(1).returnData())).isEqualTo("45");
    }

    /** Every reserve of {@code market} has the risk parameters, eMode, flags and price of {@code spec}, as its V3.0 data provider and oracle report them. */
    static void assertConfiguredAsSpecified(Transactor tx, Deployment.AaveMarket market, MarketSpec spec) {
        assertReservesConfiguredAsSpecified(tx, market, spec);
        for (ReserveSpec reserve : spec.reserves()) {
            var asset = address(market.reserve(reserve.symbol()).asset());
            assertThat(Abi.decodeUint(tx.call(market.aaveV3().dataProvider(), Abi.call("getReserveEModeCategory(address)", asset))))
                    .as("%s eMode", reserve.symbol()).isEqualTo(reserve.eModeCategory());
        }
    }

    /**
     * The same but eMode, in calls both V3.0 and V3.6 answer: risk parameters, flags, protocol fee,
     * flash loans and price of every reserve, and the flash-loan premium.
     */
    static void assertReservesConfiguredAsSpecified(Transactor tx, Deployment.AaveMarket market, MarketSpec spec) {
        Address dataProvider = market.aaveV3().dataProvider();
        for (ReserveSpec reserve : spec.reserves()) {
            var asset = address(market.reserve(reserve.symbol()).asset());
            String config = tx.call(dataProvider, Abi.call("getReserveConfigurationData(address)", asset));
            assertThat(Words.uint(config, 0)).as("%s decimals", reserve.symbol()).isEqualTo(reserve.decimals());
            assertThat(Words.uint(config, 1)).as("%s LTV", reserve.symbol()).isEqualTo(reserve.ltvBps());
            assertThat(Words.uint(config, 2)).as("%s liquidation threshold", reserve.symbol()).isEqualTo(reserve.liquidationThresholdBps());
            assertThat(Words.uint(config, 3)).as("%s liquidation bonus", reserve.symbol()).isEqualTo(reserve.liquidationBonusBps());
            assertThat(Words.uint(config, 4)).as("%s reserve factor", reserve.symbol()).isEqualTo(reserve.reserveFactorBps());
            assertThat(Words.bool(config, 5)).as("%s usable as collateral", reserve.symbol()).isTrue();
            assertThat(Words.bool(config, 6)).as("%s borrowing enabled", reserve.symbol()).isTrue();
            assertThat(Words.bool(config, 8)).as("%s active", reserve.symbol()).isTrue();
            assertThat(Words.bool(config, 9)).as("%s frozen", reserve.symbol()).isFalse();
            assertThat(Abi.decodeUint(tx.call(dataProvider, Abi.call("getLiquidationProtocolFee(address)", asset))))
                    .as("%s liquidation protocol fee", reserve.symbol()).isEqualTo(reserve.liquidationProtocolFeeBps());
            assertThat(Abi.decodeUint(tx.call(dataProvider, Abi.call("getFlashLoanEnabled(address)", asset))))
                    .as("%s flash loans", reserve.symbol()).isEqualTo(1);
            assertThat(Abi.decodeUint(tx.call(market.aaveV3().oracle(), Abi.call("getAssetPrice(address)", asset))))
                    .as("%s price", reserve.symbol()).isEqualTo(reserve.priceBase());
        }
        assertThat(Abi.decodeUint(tx.call(market.aaveV3().pool(), Abi.call("FLASHLOAN_PREMIUM_TOTAL()"))))
                .isEqualTo(spec.flashLoanPremiumBps());
    }

    static String liquidationCall(Deployment deployment, Address user) {
        return Abi.call("liquidationCall(address,address,address,uint256,bool)", address(deployment.reserve("WETH").asset()),
                address(deployment.reserve("USDC").asset()), address(user), uint(BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)),
                Abi.bool(false));
    }

    /** {@code Pool.getReservesList()}. */
    static List<Address> listedReserves(Transactor tx, Address pool) {
        String list = tx.call(pool, Abi.call("getReservesList()"));
        List<Address> listed = new ArrayList<>();
        for (int i = 0; i < Words.uint(list, 1).intValueExact(); i++) {
            listed.add(Words.address(list, 2 + i));
        }
        return listed;
    }

    static AccountDataReader reader(Devnet devnet) {
        return reader(devnet, devnet.deployment().aaveV3().pool());
    }

    static AccountDataReader reader(Devnet devnet, Address pool) {
        return new AccountDataReader(devnet.chain(), devnet.deployment().multicall3(), pool);
    }

    /**
     * The planner computes 3.0's health factor; on 3.6 the chain's is at or just above it (no truncated average
     * threshold, {@link DevnetAave36IT#closeAbove}).
     */
    static boolean healthFactorAsPlanned(Devnet devnet, BigInteger actual, BigInteger planned) {
        return devnet.aaveVersion() == AaveVersion.V3_0 ? close(actual, planned) : DevnetAave36IT.closeAbove(actual, planned);
    }

    static boolean close(BigInteger actual, BigInteger expected) {
        if (expected.signum() == 0) {
            return actual.signum() == 0;
        }
        BigDecimal diff = new BigDecimal(actual.subtract(expected)).abs().divide(new BigDecimal(expected), MathContext.DECIMAL64);
        return diff.compareTo(TOLERANCE) <= 0;
    }

    static Set<Address> addresses(List<SeededBorrower> borrowers) {
        return borrowers.stream().map(SeededBorrower::address).collect(Collectors.toSet());
    }

    /** A liquidation by a freshly funded liquidator, and the account it liquidated. */
    record Liquidated(SeededBorrower victim, Address liquidator, TransactionReceipt receipt) {
    }

    /**
     * The liquidatable account with WETH collateral and the largest USDC debt, liquidated by a liquidator (derived from
     * {@code label}) that mints, approves and repays USDC.
     */
    static Liquidated liquidateLargestUsdcDebtor(Devnet devnet, List<UserAccountData> liquidatable, String label) {
        Deployment deployment = devnet.deployment();
        SeededBorrower victim = devnet.borrowers().stream()
                .filter(b -> liquidatable.stream().anyMatch(d -> d.account().equals(b.address())))
                .filter(b -> b.collateral().stream().anyMatch(h -> h.symbol().equals("WETH")))
                .filter(b -> b.debt().stream().anyMatch(h -> h.symbol().equals("USDC")))
                .max(Comparator.comparing(b -> b.debt().stream().filter(h -> h.symbol().equals("USDC")).findFirst().orElseThrow().amount()))
                .orElseThrow();
        Address liquidator = DevnetDeployer.derivedAddress(label);
        devnet.chain().setBalance(liquidator, WAD.multiply(BigInteger.TEN));
        Transactor tx = new Transactor(devnet.chain());
        Address usdc = deployment.reserve("USDC").asset();
        BigInteger funds = BigInteger.TEN.pow(6 + 9);
        tx.send("mint USDC", liquidator, usdc, Abi.call("mint(uint256)", uint(funds)));
        tx.send("approve pool", liquidator, usdc, Abi.call("approve(address,uint256)", address(deployment.aaveV3().pool()), uint(funds)));
        return new Liquidated(victim, liquidator, tx.send("liquidate", liquidator, deployment.aaveV3().pool(), liquidationCall(deployment, victim.address())));
    }
}
