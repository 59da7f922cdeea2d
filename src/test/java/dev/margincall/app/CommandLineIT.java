package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.DeploymentFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user meets it: help, version, usage errors with exit code 2, and the demo. */
class CommandLineIT {

    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = MarginCall.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheCommands() {
        Run help = run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("demo", "devnet", "Usage: margin-call");
        assertThat(run("demo", "--help").out()).contains("--users", "--keep-running", "--seed");
    }

    @Test
    void versionNamesTheProgramAndTheJava() {
        Run version = run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("margin-call ").contains("Java ");
    }

    @Test
    void badUsageExitsWithTwoAndSaysWhatIsWrong() {
        Run unknownOption = run("demo", "--no-such-option");
        assertThat(unknownOption.exitCode()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(unknownOption.err()).contains("Unknown option: '--no-such-option'");

        Run badUsers = run("demo", "--users", "-5");
        assertThat(badUsers.exitCode()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(badUsers.err()).contains("--users must be between 0 and 100000, got -5");

        Run notANumber = run("demo", "--users", "many");
        assertThat(notANumber.exitCode()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(notANumber.err()).contains("many").doesNotContain("Exception");

        assertThat(run("no-such-command").exitCode()).isEqualTo(MarginCall.BAD_USAGE);

        Run tooManyMarkets = run("devnet", "--markets", "3", "--port", "0");
        assertThat(tooManyMarkets.exitCode()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(tooManyMarkets.err()).contains("--markets must be between 1 and 2, got 3");

        Run unknownAave = run("devnet", "--aave", "3.3", "--port", "0");
        assertThat(unknownAave.exitCode()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(unknownAave.err()).contains("Invalid value for option '--aave': the devnet deploys Aave 3.0 or 3.6, not 3.3");

        Run blockSeconds = run("bench", "--block-seconds", "0");
        assertThat(blockSeconds.exitCode()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(blockSeconds.err()).contains("--block-seconds must be between 1 and 12, got 0");

        Run morphoAlone = run("devnet", "--protocols", "morpho-blue", "--port", "0");
        assertThat(morphoAlone.exitCode()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(morphoAlone.err()).contains("--protocols: the devnet's protocols must include aave-v3");
    }

    @Test
    void theDevnetWithTwoMarketsPrintsAndWritesBoth(@TempDir Path dir) throws Exception {
        Path deploymentFile = dir.resolve("deployment.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int[] exitCode = {-1};
        // The command keeps its chain until stopped: run it aside, read what it printed, then stop it as Ctrl-C would.
        Thread command = new Thread(() -> exitCode[0] = MarginCall.run(
                new String[] {"devnet", "--markets", "2", "--users", "5", "--seed", "3", "--port", "0", "--out", deploymentFile.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true)), "devnet-command");
        command.start();
        try {
            long deadline = System.nanoTime() + 180_000_000_000L;
            while (!out.toString().contains("Ctrl-C stops the chain") && command.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(out.toString()).as(err.toString()).contains("Ctrl-C stops the chain");
        } finally {
            command.interrupt();
            command.join(30_000);
        }
        assertThat(command.isAlive()).isFalse();
        assertThat(exitCode[0]).as(err.toString()).isZero();

        Deployment deployment = DeploymentFile.read(deploymentFile);
        assertThat(deployment.aaveV3Markets()).extracting(Deployment.AaveMarket::name).containsExactly("core", "prime");
        assertThat(deployment.aaveV3Markets().get(0).aaveV3()).isEqualTo(deployment.aaveV3());
        assertThat(out.toString()).contains("2 markets, 5 borrowers each", "Aave V3 market core", "Aave V3 market prime",
                "5 borrowers in core at block", "5 borrowers in prime at block");
        for (Deployment.AaveMarket market : deployment.aaveV3Markets()) {
            assertThat(out.toString()).contains("Pool " + market.aaveV3().pool().checksummed(),
                    "PoolAddressesProvider " + market.aaveV3().poolAddressesProvider().checksummed(),
                    "AaveOracle " + market.aaveV3().oracle().checksummed());
        }
    }

    @Test
    void theDemoSetsUpTheMarketCrashesItAndTheKeeperLiquidates(@TempDir Path dir) {
        Path deploymentFile = dir.resolve("deployment.json");
        Run demo = run("demo", "--users", "60", "--seed", "5", "--out", deploymentFile.toString(), "--report-out", dir.resolve("report").toString());
        assertThat(demo.exitCode()).as(demo.err()).isZero();
        assertThat(demo.out()).contains("Aave V3 market", "WETH", "USDC", "WBTC", "DAI", "Riskiest", "Crash: WETH -30%", "Demo finished");

        List<Integer> liquidatable = liquidatableCounts(demo.out());
        assertThat(liquidatable).as("liquidatable before the crash").containsExactly(0);
        int became = summary(demo.out(), "accounts that became liquidatable");
        assertThat(became).as("the crash made accounts liquidatable").isPositive();
        assertThat(summary(demo.out(), "accounts liquidated")).as("the keeper liquidated them").isPositive().isLessThanOrEqualTo(became);
        assertThat(demo.out()).containsPattern("reverted / cancelled / dropped\\s+0 / 0 / 0");

        // it ends with the risk report of its market, and says where it is
        assertThat(demo.out()).contains("Risk report", "report: " + dir.resolve("report").resolve("report.html").toAbsolutePath());
        assertThat(dir.resolve("report").resolve("report.json")).isNotEmptyFile();

        Deployment deployment = DeploymentFile.read(deploymentFile);
        assertThat(deployment.chainId()).isEqualTo(31337);
        assertThat(demo.out()).contains("Pool " + deployment.aaveV3().pool().checksummed());
    }

    @Test
    void theDemoRunsOnMorphoBlueBesideAaveAndTheKeeperLiquidatesInBoth(@TempDir Path dir) {
        Run demo = run("demo", "--users", "40", "--seed", "5", "--protocols", "aave-v3,morpho-blue", "--out", dir.resolve("d.json").toString());
        assertThat(demo.exitCode()).as(demo.err()).isZero();
        assertThat(demo.out()).contains("MorphoLiquidator deployed at", "3 markets (WETH/USDC, WBTC/USDC, WSTETH/WETH), 120 borrowers",
                "Crash: WETH -30%", "Demo finished");
        assertThat(demo.out()).containsPattern("reverted / cancelled / dropped\\s+0 / 0 / 0");
        Matcher morphoRows = Pattern.compile("(?m)^\\s*morpho\\s+0x").matcher(demo.out());
        int morpho = 0;
        while (morphoRows.find()) {
            morpho++;
        }
        int all = summary(demo.out(), "liquidations mined");
        System.out.printf("demo on Aave + Morpho: %d liquidations mined, %d of them on Morpho%n", all, morpho);
        assertThat(morpho).as("liquidations on Morpho in the summary table").isPositive().isLessThan(all);
    }

    private static int summary(String output, String row) {
        Matcher matcher = Pattern.compile(Pattern.quote(row) + "\\s+(\\d+)").matcher(output);
        assertThat(matcher.find()).as("summary row '%s' in %s", row, output).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    private static List<Integer> liquidatableCounts(String output) {
        Matcher matcher = Pattern.compile("(\\d+) borrowers at block \\d+: (\\d+) liquidatable").matcher(output);
        List<Integer> counts = new java.util.ArrayList<>();
        while (matcher.find()) {
            counts.add(Integer.parseInt(matcher.group(2)));
        }
        return counts;
    }
}
