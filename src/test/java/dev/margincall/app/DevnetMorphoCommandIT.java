package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.app.config.ConfigLoader;
import dev.margincall.app.config.KeeperConfig;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.DeploymentFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code devnet --protocols aave-v3,morpho-blue}: Morpho's markets printed and written, at the addresses config/devnet-morpho.yaml names. */
class DevnetMorphoCommandIT {

    @Test
    void theDevnetWithMorphoPrintsAndWritesItsMarkets(@TempDir Path dir) throws Exception {
        Path deploymentFile = dir.resolve("deployment.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int[] exitCode = {-1};
        // The command keeps its chain until stopped: run it aside, read what it printed, then stop it as Ctrl-C would.
        Thread command = new Thread(() -> exitCode[0] = MarginCall.run(
                new String[] {"devnet", "--protocols", "aave-v3,morpho-blue", "--users", "5", "--seed", "3", "--port", "0", "--out",
                        deploymentFile.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true)), "devnet-morpho-command");
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

        Deployment.MorphoBlue morpho = DeploymentFile.read(deploymentFile).morphoBlue();
        assertThat(morpho.markets()).extracting(Deployment.MorphoMarket::name).containsExactly("WETH/USDC", "WBTC/USDC", "WSTETH/WETH");
        assertThat(out.toString()).contains("Morpho Blue " + morpho.morpho().checksummed());
        for (Deployment.MorphoMarket market : morpho.markets()) {
            assertThat(out.toString()).containsPattern(java.util.regex.Pattern.quote(market.name()) + " +LLTV [0-9.]+ +id "
                    + market.id() + " +5 borrowers");
        }
        KeeperConfig example = ConfigLoader.load(Path.of("config", "devnet-morpho.yaml"), Map.<String, String>of()::get);
        assertThat(example.protocols().get(0).morphoBlue().orElseThrow().morpho()).as("config/devnet-morpho.yaml").isEqualTo(morpho.morpho());
    }
}
