package dev.margincall.devnet;

import static dev.margincall.chain.abi.Abi.address;
import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.datatypes.generated.Bytes32;

/** Morpho Blue beside the Aave market: real Morpho, its markets, oracles and pairs, seeded borrowers, prices that follow Aave's. */
@WithDevnet(borrowers = 40, seed = 3, protocols = "aave-v3,morpho-blue")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevnetMorphoIT {

    private static final BigInteger WAD = BigInteger.TEN.pow(18);

    @Test
    @Order(1)
    void morphoHasTheSpecsMarketsWithTheirParamsFeesAndOraclePrices(Devnet devnet) {
        Deployment.MorphoBlue morpho = devnet.deployment().morphoBlue();
        Transactor tx = new Transactor(devnet.chain());
        assertThat(morpho.markets()).extracting(Deployment.MorphoMarket::name).containsExactly("WETH/USDC", "WBTC/USDC", "WSTETH/WETH");
        assertThat(Abi.decodeAddress(tx.call(morpho.morpho(), Abi.call("owner()")))).isEqualTo(DevnetDeployer.DEPLOYER);
        assertThat(Abi.decodeAddress(tx.call(morpho.morpho(), Abi.call("feeRecipient()")))).isEqualTo(MorphoDeployer.FEE_RECIPIENT);
        for (BigInteger lltv : MorphoSpec.standard().lltvs()) {
            assertThat(Abi.decodeUint(tx.call(morpho.morpho(), Abi.call("isLltvEnabled(uint256)", Abi.uint(lltv))))).isEqualTo(BigInteger.ONE);
        }
        for (Deployment.MorphoMarket market : morpho.markets()) {
            String params = tx.call(morpho.morpho(), Abi.call("idToMarketParams(bytes32)", id(market)));
            assertThat(List.of(Words.address(params, 0), Words.address(params, 1), Words.address(params, 2), Words.address(params, 3)))
                    .containsExactly(market.loanToken(), market.collateralToken(), market.oracle(), market.irm());
            assertThat(Words.uint(params, 4)).isEqualTo(market.lltv());
            String state = tx.call(morpho.morpho(), Abi.call("market(bytes32)", id(market)));
            assertThat(Words.uint(state, 5)).as("fee of %s", market.name()).isEqualTo(market.fee());
            assertThat(Words.uint(state, 2)).as("borrowed in %s", market.name()).isPositive();
        }
        MorphoMover mover = devnet.market().morpho();
        // $2,000 WETH in USDC: 2000 × 1e36 × 1e6 / 1e18; $40,000 WBTC (8 decimals): 40000 × 1e36 × 1e6 / 1e8; wstETH at 1.17 WETH.
        assertThat(mover.oraclePrice(morpho.market("WETH/USDC"))).isEqualTo(new BigInteger("2000").multiply(BigInteger.TEN.pow(24)));
        assertThat(mover.oraclePrice(morpho.market("WBTC/USDC"))).isEqualTo(new BigInteger("40000").multiply(BigInteger.TEN.pow(34)));
        assertThat(mover.oraclePrice(morpho.market("WSTETH/WETH"))).isEqualTo(new BigInteger("117").multiply(BigInteger.TEN.pow(34)));
        Address pair = morpho.market("WSTETH/WETH").uniswapPair();
        assertThat(devnet.deployment().uniswapV2().pairs()).doesNotContainValue(pair);
        assertThat(Words.uint(tx.call(pair, Abi.call("getReserves()")), 0)).isPositive();
        assertThat(morpho.market("WETH/USDC").uniswapPair()).isEqualTo(devnet.deployment().uniswapV2().pairs().get("WETH/USDC"));
    }

    @Test
    @Order(2)
    void everyPlannedBorrowerHoldsItsCollateralAndDebtAcrossTheRiskBands(Devnet devnet) {
        Deployment.MorphoBlue morpho = devnet.deployment().morphoBlue();
        Transactor tx = new Transactor(devnet.chain());
        Map<String, List<MorphoBorrower>> borrowers = devnet.morphoBorrowers();
        assertThat(borrowers).hasSize(3);
        for (Deployment.MorphoMarket market : morpho.markets()) {
            List<MorphoBorrower> planned = borrowers.get(market.name());
            assertThat(planned).hasSize(40);
            assertThat(planned.stream().map(MorphoBorrower::band).distinct()).hasSize(RiskBand.values().length);
            for (MorphoBorrower borrower : planned) {
                String position = tx.call(morpho.morpho(), Abi.call("position(bytes32,address)", id(market), address(borrower.address())));
                assertThat(Words.uint(position, 2)).as("collateral of %s", borrower).isEqualTo(borrower.collateral());
                assertThat(Words.uint(position, 1)).as("borrow shares of %s", borrower).isPositive();
                assertThat(borrower.plannedHealthFactor()).isGreaterThan(WAD);
            }
        }
    }

    @Test
    @Order(3)
    void anAavePriceWriteMovesTheMorphoOraclesInTheSameBlock(Devnet devnet, @TempDir Path dir) {
        Deployment.MorphoBlue morpho = devnet.deployment().morphoBlue();
        MarketMover market = devnet.market();
        long before = devnet.chain().blockNumber();
        market.setPrice("WETH", ReserveSpec.usd(1_500), PriceMoveMethod.STORAGE_WRITE);
        assertThat(devnet.chain().blockNumber()).isEqualTo(before + 1);
        assertThat(market.price("WETH")).isEqualTo(ReserveSpec.usd(1_500));
        assertThat(market.morpho().oraclePrice(morpho.market("WETH/USDC"))).isEqualTo(new BigInteger("1500").multiply(BigInteger.TEN.pow(24)));
        assertThat(market.morpho().oraclePrice(morpho.market("WSTETH/WETH"))).as("the pegged token follows WETH")
                .isEqualTo(new BigInteger("117").multiply(BigInteger.TEN.pow(34)));
        assertThat(market.morpho().oraclePrice(morpho.market("WBTC/USDC"))).isEqualTo(new BigInteger("40000").multiply(BigInteger.TEN.pow(34)));
        assertThat(devnet.chain().block(BlockTag.LATEST).number()).isEqualTo(before + 1);

        // config/devnet-morpho.yaml points at this devnet: the addresses are the same on every run
        dev.margincall.app.config.KeeperConfig example = dev.margincall.app.config.ConfigLoader.load(Path.of("config", "devnet-morpho.yaml"),
                java.util.Map.<String, String>of()::get);
        assertThat(example.protocols().get(0).morphoBlue().orElseThrow().morpho()).isEqualTo(morpho.morpho());
        assertThat(example.protocols().get(0).morphoBlue().orElseThrow().aaveOracle()).contains(devnet.deployment().aaveV3().oracle());

        Path file = dir.resolve("deployment.json");
        DeploymentFile.write(devnet.deployment(), file);
        assertThat(DeploymentFile.read(file)).isEqualTo(devnet.deployment());
    }

    private static Bytes32 id(Deployment.MorphoMarket market) {
        return new Bytes32(dev.margincall.core.Hex.bytes(market.id()));
    }
}
