package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.chain.BlockTag;
import dev.margincall.core.Address;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.SeededBorrower;
import dev.margincall.devnet.WithDevnet;
import dev.margincall.protocol.aavev3.AccountDataReader;
import dev.margincall.protocol.aavev3.UserAccountData;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * answers at the report's block timestamp (no interest in between).
 */
@WithDevnet(borrowers = 400, seed = 23)
class ReportDifferentialIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BigInteger WAD = BigInteger.TEN.pow(18);

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
