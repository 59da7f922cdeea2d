package dev.margincall.devnet;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;
import static dev.margincall.chain.abi.Abi.uint8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.protocol.aavev3.UserAccountData;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The devnet on Aave V3.6 (compiled from {@code @aave-dao/aave-v3-origin@3.6.0}): the same reserves
 * and risk parameters as on V3.0, eMode as bitmaps, seeded borrowers, a crash written into the feed's
 * storage and a liquidation through the real Pool.
 */
@WithDevnet(borrowers = 200, seed = 36, aave = "3.6")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevnetAave36IT {

    private static final BigInteger WAD = BigInteger.TEN.pow(18);

    @Test
    @Order(1)
    void thePoolIsAave36(Devnet devnet) {
        assertThat(devnet.aaveVersion()).isEqualTo(AaveVersion.V3_6);
        Deployment.Aave aave = devnet.deployment().aaveV3();
        Transactor tx = new Transactor(devnet.chain());
        // PoolInstance.POOL_REVISION of v3.6.0; PoolConfiguratorInstance.CONFIGURATOR_REVISION likewise.
        assertThat(Abi.decodeUint(tx.call(aave.pool(), Abi.call("POOL_REVISION()")))).isEqualTo(10);
        assertThat(Abi.decodeUint(tx.call(aave.poolConfigurator(), Abi.call("CONFIGURATOR_REVISION()")))).isEqualTo(7);
        // One rate strategy for the whole Pool (since 3.4), no stable debt tokens (since 3.2).
        Address strategy = Abi.decodeAddress(tx.call(aave.pool(), Abi.call("RESERVE_INTEREST_RATE_STRATEGY()")));
        assertThat(strategy).isNotEqualTo(Address.ZERO);
        assertThat(devnet.deployment().reserves()).allSatisfy(reserve -> {
            assertThat(reserve.stableDebtToken()).isEqualTo(Address.ZERO);
            assertThat(reserve.aToken()).isNotEqualTo(Address.ZERO);
            assertThat(reserve.variableDebtToken()).isNotEqualTo(Address.ZERO);
        });
    }

    @Test
    @Order(2)
    void reservesAreListedWithTheStandardRiskParameters(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        Transactor tx = new Transactor(devnet.chain());
        assertThat(DevnetMarketIT.listedReserves(tx, deployment.aaveV3().pool()))
                .containsExactlyElementsOf(deployment.reserves().stream().map(Deployment.Reserve::asset).toList());
        DevnetMarketIT.assertReservesConfiguredAsSpecified(tx, deployment.aaveV3Markets().get(0), MarketSpec.standard());
    }

    @Test
    @Order(3)
    void eModeCategoryOneHasTheStablecoinsAsCollateralAndBorrowable(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        Transactor tx = new Transactor(devnet.chain());
        Address pool = deployment.aaveV3().pool();
        MarketSpec spec = MarketSpec.standard();
        MarketSpec.EModeSpec eMode = spec.stableEMode();

        String config = tx.call(pool, Abi.call("getEModeCategoryCollateralConfig(uint8)", uint8(eMode.id())));
        assertThat(List.of(Words.uint(config, 0), Words.uint(config, 1), Words.uint(config, 2))).containsExactly(
                BigInteger.valueOf(eMode.ltvBps()), BigInteger.valueOf(eMode.liquidationThresholdBps()), BigInteger.valueOf(eMode.liquidationBonusBps()));
        assertThat(Abi.decodeString(tx.call(pool, Abi.call("getEModeCategoryLabel(uint8)", uint8(eMode.id()))))).isEqualTo(eMode.label());

        // A reserve's bit is its id, its index in getReservesList on this fresh pool: USDC (1) and DAI (3).
        List<Address> listed = DevnetMarketIT.listedReserves(tx, pool);
        BigInteger stablecoins = BigInteger.ZERO;
        for (ReserveSpec reserve : spec.reserves()) {
            if (reserve.eModeCategory() == eMode.id()) {
                stablecoins = stablecoins.setBit(listed.indexOf(deployment.reserve(reserve.symbol()).asset()));
            }
        }
        assertThat(stablecoins).isEqualTo(0b1010);
        assertThat(Abi.decodeUint(tx.call(pool, Abi.call("getEModeCategoryCollateralBitmap(uint8)", uint8(eMode.id()))))).isEqualTo(stablecoins);
        assertThat(Abi.decodeUint(tx.call(pool, Abi.call("getEModeCategoryBorrowableBitmap(uint8)", uint8(eMode.id()))))).isEqualTo(stablecoins);
        assertThat(Abi.decodeUint(tx.call(pool, Abi.call("getEModeCategoryLtvzeroBitmap(uint8)", uint8(eMode.id()))))).isZero();
    }

    @Test
    @Order(4)
    void seededBorrowersHaveThePlannedDebtAndHealthFactor(Devnet devnet) {
        List<SeededBorrower> borrowers = devnet.borrowers();
        assertThat(borrowers).hasSize(200);
        List<UserAccountData> onChain = DevnetMarketIT.reader(devnet).read(borrowers.stream().map(SeededBorrower::address).toList(), BlockTag.LATEST);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < borrowers.size(); i++) {
            SeededBorrower expected = borrowers.get(i);
            UserAccountData actual = onChain.get(i);
            if (!DevnetMarketIT.close(actual.totalCollateralBase(), expected.expectedCollateralBase())
                    || !DevnetMarketIT.close(actual.totalDebtBase(), expected.expectedDebtBase())
                    || !closeAbove(actual.healthFactor(), expected.expectedHealthFactor())) {
                mismatches.add(expected.address() + " " + expected.profile() + ": expected collateral/debt/HF "
                        + expected.expectedCollateralBase() + "/" + expected.expectedDebtBase() + "/" + expected.expectedHealthFactor()
                        + ", chain " + actual.totalCollateralBase() + "/" + actual.totalDebtBase() + "/" + actual.healthFactor());
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(onChain).allSatisfy(data -> assertThat(data.healthFactor()).isGreaterThan(WAD));

        Transactor tx = new Transactor(devnet.chain());
        SeededBorrower inEMode = borrowers.stream().filter(b -> b.profile() == BorrowerProfile.STABLE_EMODE).findFirst().orElseThrow();
        assertThat(Abi.decodeUint(tx.call(devnet.deployment().aaveV3().pool(), Abi.call("getUserEMode(address)", address(inEMode.address())))))
                .isEqualTo(1);
    }

    /**
     * The planner's health factor follows V3.0's rounding: the average liquidation threshold is
     * truncated to whole bps before it multiplies the collateral. V3.6's GenericLogic divides
     * Σ(value × LT) by the debt without that truncation, so its HF is at or above the plan by less than
     * 1 bps of the threshold (under 1/7500 here); interest since seeding moves it by far less.
     */
    static boolean closeAbove(BigInteger actual, BigInteger planned) {
        BigDecimal ratio = new BigDecimal(actual).divide(new BigDecimal(planned), MathContext.DECIMAL64);
        return ratio.compareTo(new BigDecimal("0.999999")) >= 0 && ratio.compareTo(new BigDecimal("1.0002")) <= 0;
    }

    @Test
    @Order(5)
    void aCrashWrittenIntoFeedStorageMakesAccountsLiquidatableAndOneIsLiquidated(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        DevChain chain = devnet.chain();
        MarketMover market = devnet.market();
        BigInteger crashed = market.price("WETH").multiply(BigInteger.valueOf(7)).divide(BigInteger.TEN);
        market.setPrice("WETH", crashed, PriceMoveMethod.STORAGE_WRITE);
        assertThat(market.price("WETH")).isEqualTo(crashed);

        List<Address> accounts = devnet.borrowers().stream().map(SeededBorrower::address).toList();
        List<UserAccountData> data = DevnetMarketIT.reader(devnet).read(accounts, BlockTag.LATEST);
        List<UserAccountData> liquidatable = data.stream().filter(UserAccountData::liquidatable).toList();
        assertThat(liquidatable).as("accounts under HF 1 after a 30%% WETH crash").hasSizeGreaterThan(3);

        DevnetMarketIT.Liquidated liquidated = DevnetMarketIT.liquidateLargestUsdcDebtor(devnet, liquidatable, "margin-call/test/liquidator-3.6");
        SeededBorrower victim = liquidated.victim();
        Address liquidator = liquidated.liquidator();
        Address usdc = deployment.reserve("USDC").asset();
        TransactionReceipt receipt = liquidated.receipt();

        // IPool.LiquidationCall of v3.6.0 has the V3.0 signature.
        String liquidationTopic = Abi.topic("LiquidationCall(address,address,address,uint256,uint256,address,bool)");
        List<LogEntry> events = chain.logs(new LogFilter(receipt.blockNumber(), receipt.blockNumber(),
                List.of(deployment.aaveV3().pool()), List.of(liquidationTopic)));
        assertThat(events).hasSize(1);
        assertThat(Address.fromTail(Hex.bytes(events.get(0).topics().get(1)))).isEqualTo(deployment.reserve("WETH").asset());
        assertThat(Address.fromTail(Hex.bytes(events.get(0).topics().get(2)))).isEqualTo(usdc);
        assertThat(Address.fromTail(Hex.bytes(events.get(0).topics().get(3)))).isEqualTo(victim.address());
        assertThat(Words.address(events.get(0).data(), 2)).isEqualTo(liquidator);
        UserAccountData after = DevnetMarketIT.reader(devnet).read(List.of(victim.address()), BlockTag.LATEST).get(0);
        assertThat(after.totalDebtBase()).isLessThan(data.get(victim.index()).totalDebtBase());
    }
}
