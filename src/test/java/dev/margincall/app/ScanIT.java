package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.PriceMoveMethod;
import dev.margincall.devnet.SeededBorrower;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.aavev3.AaveV3Contracts;
import dev.margincall.protocol.aavev3.AaveV3Reader;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.protocol.aavev3.UserAccountData;
import dev.margincall.protocol.aavev3.model.AccountEvaluator;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import dev.margincall.protocol.aavev3.model.SafetyMargin;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** {@code scan} against the devnet, given only the PoolAddressesProvider: what it prints is what the chain says. */
@WithDevnet(borrowers = 200, seed = 21)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScanIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BigInteger WAD = BigInteger.TEN.pow(18);

    static Path config(Path dir, Devnet devnet, long chainId) throws Exception {
        Path file = dir.resolve("scan.yaml");
        Files.writeString(file, """
                chain:
                  id: %d
                  rpc:
                    - %s
                protocols:
                  - type: aave-v3
                    poolAddressesProvider: "%s"
                    startBlock: 0
                """.formatted(chainId, devnet.node().rpcUrl(), devnet.deployment().aaveV3().poolAddressesProvider()));
        return file;
    }

    @Test
    @Order(1)
    void jsonLinesMatchTheChainForEveryAccountWithAPosition(Devnet devnet, @TempDir Path dir) throws Exception {
        devnet.market().movePrice("WETH", -2_500, PriceMoveMethod.SOURCE_SWAP);
        CommandLineIT.Run scan = CommandLineIT.run("scan", "--config", config(dir, devnet, 31337).toString(), "--json");
        assertThat(scan.exitCode()).as(scan.err()).isZero();
        List<JsonNode> lines = scan.out().lines().map(ScanIT::parse).toList();

        Set<Address> expected = devnet.borrowers().stream().map(SeededBorrower::address).collect(Collectors.toCollection(HashSet::new));
        expected.add(devnet.deployment().liquidityProvider());
        assertThat(lines.stream().map(l -> Address.parseChecked(l.get("account").asText())).collect(Collectors.toSet())).isEqualTo(expected);

        List<Address> accounts = lines.stream().map(l -> Address.of(l.get("account").asText())).toList();
        List<UserAccountData> chain = new AccountDataReader(devnet.chain(), devnet.deployment().multicall3(), devnet.deployment().aaveV3().pool())
                .read(accounts, BlockTag.LATEST);
        int liquidatable = 0;
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = lines.get(i);
            assertThat(line.get("protocol").asText()).isEqualTo("aave-v3");
            assertThat(line.get("market").asText()).as("no name configured: the PoolAddressesProvider, checksummed")
                    .isEqualTo(devnet.deployment().aaveV3().poolAddressesProvider().checksummed());
            assertThat(line.get("account").asText()).isEqualTo(accounts.get(i).checksummed());
            assertThat(new BigInteger(line.get("healthFactor").asText())).as("HF of %s", accounts.get(i)).isEqualTo(chain.get(i).healthFactor());
            assertThat(new BigInteger(line.get("totalCollateralBase").asText())).isEqualTo(chain.get(i).totalCollateralBase());
            assertThat(new BigInteger(line.get("totalDebtBase").asText())).isEqualTo(chain.get(i).totalDebtBase());
            assertThat(line.get("liquidatable").asBoolean()).isEqualTo(chain.get(i).healthFactor().compareTo(WAD) < 0);
            assertThat(line.get("safetyMarginPct").isNumber()).isTrue();
            if (line.get("liquidatable").asBoolean()) {
                liquidatable++;
                assertThat(line.get("safetyMarginPct").asDouble()).isZero();
            } else {
                assertThat(line.get("safetyMarginPct").asDouble()).isGreaterThan(0).isLessThanOrEqualTo(100);
            }
        }
        assertThat(liquidatable).isPositive();
        List<BigInteger> hfs = lines.stream().map(l -> new BigInteger(l.get("healthFactor").asText())).toList();
        assertThat(hfs).isSorted();
    }

    @Test
    @Order(2)
    void theTableIsSortedByHealthFactor(Devnet devnet, @TempDir Path dir) throws Exception {
        CommandLineIT.Run scan = CommandLineIT.run("scan", "--config", config(dir, devnet, 31337).toString());
        assertThat(scan.exitCode()).as(scan.err()).isZero();
        assertThat(scan.out()).contains("201 accounts with a position", "health factor", "safety margin");
    }

    @Test
    @Order(3)
    void aConfigForAnotherChainExitsWithThreeBeforeReadingAnything(Devnet devnet, @TempDir Path dir) throws Exception {
        CommandLineIT.Run scan = CommandLineIT.run("scan", "--config", config(dir, devnet, 1).toString(), "--json");
        assertThat(scan.exitCode()).isEqualTo(MarginCall.CHAIN_MISMATCH);
        assertThat(scan.err()).contains("serves chain id 31337", "chain.id 1");
        assertThat(scan.out()).isEmpty();
    }

    @Test
    @Order(4)
    void aBadConfigExitsWithTwoAndNamesEveryProblem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                chain:
                  id: 31337
                  rcp: [http://127.0.0.1:1]
                protocols:
                  - type: aave-v2
                    poolAddressesProvider: "0x5fbdb2315678afecb367f032d93f642f64180aa"
                """);
        CommandLineIT.Run scan = CommandLineIT.run("scan", "--config", file.toString());
        assertThat(scan.exitCode()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(scan.err()).contains("chain.rcp: unknown key (did you mean 'rpc'?)", "chain.rpc: missing (required)",
                "protocols[0].type: unknown protocol 'aave-v2'", "protocols[0].poolAddressesProvider: not an address").doesNotContain("\tat ");
        assertThat(CommandLineIT.run("scan", "--config", dir.resolve("missing.yaml").toString()).err()).contains("file not found");
    }

    @Test
    @Order(5)
    void theLiquidationPriceIsWhereTheChainSaysLiquidationStarts(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        AaveV3Reader reader = new AaveV3Reader(devnet.chain(), deployment.multicall3());
        AaveV3Contracts contracts = reader.discover(deployment.aaveV3().poolAddressesProvider(), BlockTag.LATEST);
        // A healthy borrower with WBTC as its only collateral and no WBTC debt.
        List<Address> candidates = devnet.borrowers().stream()
                .filter(b -> b.collateral().size() == 1 && b.collateral().get(0).symbol().equals("WBTC"))
                .map(SeededBorrower::address).toList();
        BlockHeader head = devnet.chain().block(BlockTag.LATEST);
        Market market = reader.loadMarket(contracts, BlockTag.LATEST);
        Map<Address, BigInteger> prices = reader.loadPrices(contracts, market, BlockTag.LATEST);
        List<Position> positions = reader.loadPositions(contracts, market, candidates, BlockTag.LATEST);
        Position position = positions.stream()
                .filter(p -> !AccountEvaluator.evaluate(market, prices, p, head.timestamp()).liquidatable()).findFirst().orElseThrow();
        SafetyMargin margin = SafetyMargin.of(AccountEvaluator.breakdown(market, prices, position, head.timestamp()));
        BigInteger liquidationPrice = margin.assets().get(0).liquidationPrice();
        assertThat(margin.assets().get(0).asset()).isEqualTo(deployment.reserve("WBTC").asset());

        AccountDataReader chain = new AccountDataReader(devnet.chain(), deployment.multicall3(), contracts.pool());
        devnet.market().setPrice("WBTC", scale(liquidationPrice, "1.001"), PriceMoveMethod.STORAGE_WRITE);
        assertThat(chain.read(List.of(position.account()), BlockTag.LATEST).get(0).liquidatable()).as("0.1%% above the liquidation price").isFalse();
        devnet.market().setPrice("WBTC", scale(liquidationPrice, "0.999"), PriceMoveMethod.STORAGE_WRITE);
        assertThat(chain.read(List.of(position.account()), BlockTag.LATEST).get(0).liquidatable()).as("0.1%% below the liquidation price").isTrue();
    }

    @Test
    @Order(6)
    void aChainWithoutMulticall3AtTheConfiguredAddressExitsWithTwoAndNamesIt(Devnet devnet, @TempDir Path dir) throws Exception {
        Address nothingThere = Address.of("0x1111111111111111111111111111111111111111");
        assertThat(devnet.chain().code(nothingThere, BlockTag.LATEST)).isEqualTo("0x");
        Path file = Files.writeString(dir.resolve("no-multicall.yaml"), Files.readString(config(dir, devnet, 31337))
                .replace("  rpc:", "  multicall3: \"" + nothingThere.hex() + "\"\n  rpc:"));
        CommandLineIT.Run scan = CommandLineIT.run("scan", "--config", file.toString(), "--json");
        assertThat(scan.exitCode()).as(scan.err()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(scan.err()).contains("chain.multicall3: no contract at " + nothingThere).doesNotContain("\tat ").doesNotContain("words");
        assertThat(scan.out()).isEmpty();
    }

    private static BigInteger scale(BigInteger price, String factor) {
        return new BigDecimal(price).multiply(new BigDecimal(factor)).toBigInteger();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }
}
