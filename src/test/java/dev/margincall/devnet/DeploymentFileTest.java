package dev.margincall.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deployment.json with several markets, and a file written when the devnet had one. */
class DeploymentFileTest {

    private static final Deployment.Aave CORE = aave(1);
    private static final Deployment.Aave PRIME = aave(2);
    private static final List<Deployment.Reserve> CORE_RESERVES = List.of(reserve("WETH", 10), reserve("USDC", 20));
    private static final List<Deployment.Reserve> PRIME_RESERVES = List.of(reserve("WETH", 30));

    @Test
    void everyMarketIsWrittenAndReadBackTheFirstOneAlsoWhereItAlwaysWas(@TempDir Path dir) throws Exception {
        Deployment deployment = deployment(List.of(new Deployment.AaveMarket("core", CORE, CORE_RESERVES),
                new Deployment.AaveMarket("prime", PRIME, PRIME_RESERVES)));
        Path file = dir.resolve("deployment.json");
        DeploymentFile.write(deployment, file);

        assertThat(DeploymentFile.read(file)).isEqualTo(deployment);
        String json = Files.readString(file);
        assertThat(json).contains("\"aaveV3\" : {", "\"reserves\" : [", "\"aaveV3Markets\" : [", "\"name\" : \"prime\"",
                "\"pool\" : \"" + PRIME.pool().checksummed() + "\"");
        assertThat(deployment.market("prime").reserve("WETH").aToken()).isEqualTo(PRIME_RESERVES.get(0).aToken());
        assertThat(deployment.market("prime").lists("USDC")).isFalse();
        assertThat(deployment.reserve("USDC")).isEqualTo(CORE_RESERVES.get(1));
    }

    @Test
    void aFileWithoutTheMarketListDescribesOneMarket(@TempDir Path dir) throws Exception {
        Deployment single = deployment(null);
        assertThat(single.aaveV3Markets()).containsExactly(new Deployment.AaveMarket("core", CORE, CORE_RESERVES));

        String json = DeploymentFile.toJson(single).replaceAll("(?s),\\s*\"aaveV3Markets\" : \\[.*]", "");
        assertThat(json).doesNotContain("aaveV3Markets");
        Path file = dir.resolve("old.json");
        Files.writeString(file, json);
        assertThat(DeploymentFile.read(file)).isEqualTo(single);
    }

    @Test
    void theFirstMarketMustBeTheTopLevelOne() {
        assertThatThrownBy(() -> deployment(List.of(new Deployment.AaveMarket("prime", PRIME, PRIME_RESERVES))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the first of aaveV3Markets must be aaveV3");
    }

    private static Deployment deployment(List<Deployment.AaveMarket> markets) {
        return new Deployment(31337, "http://127.0.0.1:8545", 1, address(100), address(101), DevnetDeployer.MULTICALL3, CORE, CORE_RESERVES,
                new Deployment.UniswapV2(address(102), address(103), Map.of("WETH/USDC", address(104))), markets);
    }

    private static Deployment.Aave aave(int market) {
        int base = 1_000 * market;
        return new Deployment.Aave(address(base), address(base + 1), address(base + 2), address(base + 3), address(base + 4),
                address(base + 5), address(base + 6));
    }

    private static Deployment.Reserve reserve(String symbol, int base) {
        return new Deployment.Reserve(symbol, address(base), 18, BigInteger.valueOf(200_000_000_000L), address(base + 1),
                address(base + 2), address(base + 3), address(base + 4));
    }

    private static Address address(int n) {
        return Address.of(String.format("0x%040x", n));
    }
}
