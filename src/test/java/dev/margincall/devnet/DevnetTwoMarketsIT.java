package dev.margincall.devnet;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.protocol.aavev3.UserAccountData;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Aave markets on one devnet, like Aave's Core and Prime on Ethereum: separate contracts and
 * borrowers, the same tokens and feeds, so one price write crashes both and each liquidates.
 */
@WithDevnet(borrowers = 60, seed = 5, markets = 2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevnetTwoMarketsIT {

    private static final BigInteger WAD = BigInteger.TEN.pow(18);
    private static final String LIQUIDATION_CALL = Abi.topic("LiquidationCall(address,address,address,uint256,uint256,address,bool)");

    @Test
    @Order(1)
    void primeIsAnAaveMarketOfItsOwnOnCoresTokensAndFeeds(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        List<Deployment.AaveMarket> markets = deployment.aaveV3Markets();
        assertThat(markets).extracting(Deployment.AaveMarket::name).containsExactly("core", "prime");
        assertThat(markets.get(0)).isEqualTo(new Deployment.AaveMarket("core", deployment.aaveV3(), deployment.reserves()));
        for (Function<Deployment.Aave, Address> contract : List.<Function<Deployment.Aave, Address>>of(Deployment.Aave::poolAddressesProvider,
                Deployment.Aave::pool, Deployment.Aave::poolConfigurator, Deployment.Aave::aclManager, Deployment.Aave::oracle,
                Deployment.Aave::dataProvider)) {
            assertThat(markets.stream().map(m -> contract.apply(m.aaveV3())).distinct()).hasSize(2);
        }

        Transactor tx = new Transactor(devnet.chain());
        Deployment.AaveMarket prime = deployment.market("prime");
        Deployment.Aave aave = prime.aaveV3();
        assertThat(Abi.decodeAddress(tx.call(aave.poolAddressesProvider(), Abi.call("getPool()")))).isEqualTo(aave.pool());
        assertThat(Abi.decodeAddress(tx.call(aave.poolAddressesProvider(), Abi.call("getPriceOracle()")))).isEqualTo(aave.oracle());
        assertThat(Abi.decodeAddress(tx.call(aave.poolAddressesProvider(), Abi.call("getPoolDataProvider()")))).isEqualTo(aave.dataProvider());
        assertThat(DevnetMarketIT.listedReserves(tx, aave.pool())).containsExactly(
                deployment.reserve("WETH").asset(), deployment.reserve("USDC").asset(), deployment.reserve("DAI").asset());
        for (Deployment.Reserve reserve : prime.reserves()) {
            Deployment.Reserve inCore = deployment.reserve(reserve.symbol());
            assertThat(reserve.asset()).isEqualTo(inCore.asset());
            assertThat(reserve.priceSource()).isEqualTo(inCore.priceSource())
                    .isEqualTo(devnet.market().priceSource(prime, reserve.symbol()));
            // (no stable debt tokens on 3.6: both are the zero address)
            assertThat(java.util.stream.Stream.of(reserve.aToken(), reserve.variableDebtToken(), reserve.stableDebtToken()).filter(a -> !a.isZero()))
                    .doesNotContainAnyElementsOf(Set.of(inCore.aToken(), inCore.variableDebtToken(), inCore.stableDebtToken()));
        }
        MarketSpec.EModeSpec spec = MarketSpec.prime().stableEMode();
        List<BigInteger> expected = List.of(BigInteger.valueOf(spec.ltvBps()), BigInteger.valueOf(spec.liquidationThresholdBps()),
                BigInteger.valueOf(spec.liquidationBonusBps()));
        if (devnet.aaveVersion() == AaveVersion.V3_0) {
            DevnetMarketIT.assertConfiguredAsSpecified(tx, prime, MarketSpec.prime());
            String eMode = tx.call(aave.pool(), Abi.call("getEModeCategoryData(uint8)", Abi.uint8(1)));
            // A struct with a string comes as an offset, then ltv, threshold, bonus.
            assertThat(List.of(Words.uint(eMode, 1), Words.uint(eMode, 2), Words.uint(eMode, 3))).containsExactlyElementsOf(expected);
        } else {
            DevnetMarketIT.assertReservesConfiguredAsSpecified(tx, prime, MarketSpec.prime());
            String eMode = tx.call(aave.pool(), Abi.call("getEModeCategoryCollateralConfig(uint8)", Abi.uint8(1)));
            assertThat(List.of(Words.uint(eMode, 0), Words.uint(eMode, 1), Words.uint(eMode, 2))).containsExactlyElementsOf(expected);
        }
    }

    @Test
    @Order(2)
    void eachMarketHasItsOwnSeededBorrowersWithTheDebtThePlanExpects(Devnet devnet) {
        List<DevnetMarket> markets = devnet.markets();
        assertThat(markets).allSatisfy(market -> assertThat(market.borrowers()).hasSize(60));
        assertThat(devnet.borrowers()).isEqualTo(markets.get(0).borrowers());
        Set<Address> core = DevnetMarketIT.addresses(markets.get(0).borrowers());
        assertThat(DevnetMarketIT.addresses(markets.get(1).borrowers())).doesNotContainAnyElementsOf(core);

        for (DevnetMarket market : markets) {
            List<SeededBorrower> borrowers = market.borrowers();
            List<UserAccountData> onChain = read(devnet, market.deployed(), borrowers);
            for (int i = 0; i < borrowers.size(); i++) {
                SeededBorrower expected = borrowers.get(i);
                UserAccountData actual = onChain.get(i);
                assertThat(actual.totalDebtBase()).as("%s debt of %s", market.name(), expected.address()).isPositive();
                assertThat(DevnetMarketIT.close(actual.totalDebtBase(), expected.expectedDebtBase())
                        && DevnetMarketIT.healthFactorAsPlanned(devnet, actual.healthFactor(), expected.expectedHealthFactor()))
                        .as("%s account %s: planned %s, on chain %s", market.name(), expected.address(), expected, actual).isTrue();
                assertThat(actual.healthFactor()).isGreaterThan(WAD);
            }
            DevnetMarket other = markets.get(1 - markets.indexOf(market));
            assertThat(read(devnet, other.deployed(), borrowers)).as("%s borrowers in %s", market.name(), other.name())
                    .allSatisfy(data -> assertThat(data.totalDebtBase()).isZero());
        }
        assertThat(markets.get(1).borrowers().stream().map(SeededBorrower::profile).collect(Collectors.toSet()))
                .doesNotContain(BorrowerProfile.MULTI_COLLATERAL_MULTI_DEBT);
    }

    @Test
    @Order(3)
    void oneWriteIntoTheWethFeedCrashesBothMarkets(Devnet devnet) {
        MarketMover mover = devnet.market();
        List<Deployment.AaveMarket> markets = devnet.deployment().aaveV3Markets();
        BigInteger before = mover.price("WETH");
        BigInteger after = mover.movePrice("WETH", -3_000, PriceMoveMethod.STORAGE_WRITE);
        assertThat(after).isEqualTo(before.multiply(BigInteger.valueOf(7)).divide(BigInteger.TEN));
        assertThat(markets).allSatisfy(market -> assertThat(mover.price(market, "WETH")).as(market.name()).isEqualTo(after));
        for (DevnetMarket market : devnet.markets()) {
            assertThat(read(devnet, market.deployed(), market.borrowers()).stream().filter(UserAccountData::liquidatable))
                    .as("liquidatable in %s after a 30%% WETH crash", market.name()).isNotEmpty();
        }
    }

    @Test
    @Order(4)
    void eachMarketLiquidatesItsOwnAccountAfterTheCrash(Devnet devnet) {
        Transactor tx = new Transactor(devnet.chain());
        Address liquidator = DevnetDeployer.derivedAddress("margin-call/test/two-markets-liquidator");
        devnet.chain().setBalance(liquidator, WAD.multiply(BigInteger.TEN));
        List<Address> pools = devnet.deployment().aaveV3Markets().stream().map(m -> m.aaveV3().pool()).toList();
        for (DevnetMarket market : devnet.markets()) {
            Deployment.AaveMarket deployed = market.deployed();
            List<UserAccountData> data = read(devnet, deployed, market.borrowers());
            // The liquidatable account with WETH collateral and the largest debt; it repays its largest debt.
            SeededBorrower victim = market.borrowers().stream()
                    .filter(b -> data.get(b.index()).liquidatable())
                    .filter(b -> b.collateral().stream().anyMatch(h -> h.symbol().equals("WETH")))
                    .max(Comparator.comparing(b -> data.get(b.index()).totalDebtBase()))
                    .orElseThrow(() -> new AssertionError("no liquidatable WETH-backed account in " + market.name()));
            Holding debt = victim.debt().stream().max(Comparator.comparing(h -> valueOf(market.spec(), h))).orElseThrow();
            Address debtAsset = deployed.reserve(debt.symbol()).asset();
            BigInteger funds = debt.amount().multiply(BigInteger.TWO);
            tx.send("mint " + debt.symbol(), liquidator, debtAsset, Abi.call("mint(uint256)", uint(funds)));
            tx.send("approve " + market.name(), liquidator, debtAsset, Abi.call("approve(address,uint256)", address(deployed.aaveV3().pool()), uint(funds)));
            TransactionReceipt receipt = tx.send("liquidate in " + market.name(), liquidator, deployed.aaveV3().pool(),
                    Abi.call("liquidationCall(address,address,address,uint256,bool)", address(deployed.reserve("WETH").asset()),
                            address(debtAsset), address(victim.address()), uint(BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)), Abi.bool(false)));

            List<LogEntry> events = devnet.chain().logs(new LogFilter(receipt.blockNumber(), receipt.blockNumber(), pools, List.of(LIQUIDATION_CALL)));
            assertThat(events).as("LiquidationCall in %s", market.name()).hasSize(1);
            assertThat(events.get(0).address()).isEqualTo(deployed.aaveV3().pool());
            assertThat(Address.fromTail(Hex.bytes(events.get(0).topics().get(3)))).isEqualTo(victim.address());
            UserAccountData after = read(devnet, deployed, List.of(victim)).get(0);
            assertThat(after.totalDebtBase()).isLessThan(data.get(victim.index()).totalDebtBase());
        }
    }

    @Test
    @Order(5)
    void aSourceSwapPointsEveryMarketsOracleAtTheNewFeed(Devnet devnet) {
        MarketMover mover = devnet.market();
        List<Deployment.AaveMarket> markets = devnet.deployment().aaveV3Markets();
        Address oldFeed = mover.priceSource("DAI");
        BigInteger moved = mover.movePrice("DAI", 100, PriceMoveMethod.SOURCE_SWAP);
        Address newFeed = mover.priceSource("DAI");
        assertThat(newFeed).isNotEqualTo(oldFeed);
        assertThat(markets).allSatisfy(market -> {
            assertThat(mover.priceSource(market, "DAI")).as(market.name()).isEqualTo(newFeed);
            assertThat(mover.price(market, "DAI")).as(market.name()).isEqualTo(moved);
        });
    }

    private static List<UserAccountData> read(Devnet devnet, Deployment.AaveMarket market, List<SeededBorrower> borrowers) {
        return DevnetMarketIT.reader(devnet, market.aaveV3().pool())
                .read(borrowers.stream().map(SeededBorrower::address).toList(), BlockTag.LATEST);
    }

    private static BigInteger valueOf(MarketSpec spec, Holding holding) {
        ReserveSpec reserve = spec.reserve(holding.symbol());
        return holding.amount().multiply(reserve.priceBase()).divide(reserve.unit());
    }
}
