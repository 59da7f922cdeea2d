package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.DevChain;
import dev.margincall.core.Hex;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.MarketMover;
import dev.margincall.devnet.WithDevnet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code fork} against a chain of our own standing in for a real network (the devnet after a crash):
 * liquidations really happen on the fork, and the origin is never sent a transaction. And
 * {@code check-config} against the same chain: every problem at once, exit 2, nothing sent.
 */
@WithDevnet(borrowers = 100, seed = 4242)
class ForkAndCheckConfigIT {

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        MarginCall.environment = Map.of("MC_PRIVATE_KEY", KeeperIT.KEEPER_KEY)::get;
        try {
            int exit = MarginCall.run(args, new PrintWriter(out), new PrintWriter(err));
            return new Run(exit, out.toString(), err.toString());
        } finally {
            MarginCall.environment = System::getenv;
        }
    }

    static Path config(Deployment deployment, String execution) throws Exception {
        return config(deployment.rpcUrl(), deployment, execution);
    }

    /** The devnet market's config, reading the chain through {@code rpcUrl} (e.g. a fault proxy), with {@code execution} appended. */
    static Path config(String rpcUrl, Deployment deployment, String execution) throws java.io.IOException {
        Path file = Files.createTempFile("margin-call", ".yaml");
        Files.writeString(file, """
                chain:
                  id: 31337
                  rpc: [%s]
                  confirmations: 5
                protocols:
                  - type: aave-v3
                    poolAddressesProvider: "%s"
                %s
                """.formatted(rpcUrl, deployment.aaveV3().poolAddressesProvider(), execution));
        return file;
    }

    @Test
    void forkLiquidatesOnTheForkAndSendsNothingToTheOrigin(Devnet devnet) throws Exception {
        DevChain origin = devnet.chain();
        Deployment deployment = devnet.deployment();
        MarketMover market = devnet.market();
        origin.setStorageAt(market.priceSource("WETH"), BigInteger.ZERO, Hex.word(market.price("WETH").multiply(BigInteger.valueOf(70)).divide(BigInteger.valueOf(100))));
        origin.mine();
        long originBlock = origin.blockNumber();
        long originNonce = origin.transactionCount(KeeperIT.KEEPER, BlockTag.LATEST);
        BigInteger originBalance = origin.balance(KeeperIT.KEEPER, BlockTag.LATEST);
        Path file = config(deployment, """
                execution:
                  signer: { privateKeyEnv: MC_PRIVATE_KEY }
                  funding: flash-loan
                  uniswapV2Router: "%s"
                """.formatted(deployment.uniswapV2().router()));

        Run run = run("fork", "--config", file.toString(), "--max-seconds", "60");

        assertThat(run.exit()).as(run.err()).isZero();
        Matcher mined = Pattern.compile("liquidations mined\\s+(\\d+)").matcher(run.out());
        assertThat(mined.find()).as(run.out()).isTrue();
        assertThat(Integer.parseInt(mined.group(1))).as("liquidations executed on the fork").isPositive();
        assertThat(run.out()).containsPattern("reverted / cancelled / dropped\\s+0 / 0 / 0");
        // the origin: not a block more, not a transaction, not a wei moved
        assertThat(origin.blockNumber()).isEqualTo(originBlock);
        assertThat(origin.transactionCount(KeeperIT.KEEPER, BlockTag.LATEST)).isEqualTo(originNonce);
        assertThat(origin.balance(KeeperIT.KEEPER, BlockTag.LATEST)).isEqualTo(originBalance);
        assertThat(run.out() + run.err()).doesNotContain(KeeperIT.KEEPER_KEY.substring(2));
    }

    @Test
    void checkConfigReportsEveryChainProblemAtOnceAndSendsNothing(Devnet devnet) throws Exception {
        Deployment deployment = devnet.deployment();
        long nonce = devnet.chain().transactionCount(KeeperIT.KEEPER, BlockTag.LATEST);
        // the router's address given as the liquidator (not ours: owner() reverts) and an account as the router (no code)
        Path file = config(deployment, """
                execution:
                  signer: { privateKeyEnv: MC_PRIVATE_KEY }
                  funding: flash-loan
                  liquidatorContract: "%s"
                  uniswapV2Router: "%s"
                """.formatted(deployment.aaveV3().poolAddressesProvider(), "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f"));
        Run bad = run("check-config", "--config", file.toString());
        assertThat(bad.exit()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(bad.err()).contains("execution.uniswapV2Router: no contract at").contains("execution.liquidatorContract");
        assertThat(devnet.chain().transactionCount(KeeperIT.KEEPER, BlockTag.LATEST)).isEqualTo(nonce);

        Path good = config(deployment, """
                execution:
                  signer: { privateKeyEnv: MC_PRIVATE_KEY }
                  funding: wallet
                  uniswapV2Router: "%s"
                """.formatted(deployment.uniswapV2().router()));
        Run ok = run("check-config", "--config", good.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("all checks passed").contains("signer: " + KeeperIT.KEEPER)
                .contains("POOL_REVISION 10: applying the Aave 3.6 rules").contains("price oracle sentinel: none");

        // wallet funding batching through a contract that is not ours: checked as for flash loans
        Path walletBatches = Files.writeString(Files.createTempFile("margin-call", ".yaml"), Files.readString(good).replace("funding: wallet",
                "funding: wallet\n  liquidatorContract: \"" + deployment.aaveV3().poolAddressesProvider() + "\""));
        Run notOurs = run("check-config", "--config", walletBatches.toString());
        assertThat(notOurs.exit()).as(notOurs.out()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(notOurs.err()).contains("execution.liquidatorContract");

        Path wrongChain = Files.writeString(Files.createTempFile("margin-call", ".yaml"), Files.readString(good).replace("id: 31337", "id: 1"));
        assertThat(run("check-config", "--config", wrongChain.toString()).exit()).isEqualTo(MarginCall.CHAIN_MISMATCH);
    }

    @Test
    void deployLiquidatorRunsTheSameChecksAndSendsNothingWithoutMulticall3(Devnet devnet) throws Exception {
        Deployment deployment = devnet.deployment();
        long nonce = devnet.chain().transactionCount(KeeperIT.KEEPER, BlockTag.LATEST);
        Path file = config(deployment, """
                execution:
                  signer: { privateKeyEnv: MC_PRIVATE_KEY }
                  funding: flash-loan
                  uniswapV2Router: "%s"
                """.formatted(deployment.uniswapV2().router()));
        Files.writeString(file, Files.readString(file).replace("  confirmations: 5", "  confirmations: 5\n  multicall3: \"0x1111111111111111111111111111111111111111\""));
        Run run = run("deploy-liquidator", "--config", file.toString());
        assertThat(run.exit()).as(run.err()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(run.err()).contains("chain.multicall3: no contract at 0x1111111111111111111111111111111111111111").doesNotContain("\tat ");
        assertThat(devnet.chain().transactionCount(KeeperIT.KEEPER, BlockTag.LATEST)).as("nothing sent").isEqualTo(nonce);
    }

    @Test
    void runRefusesToStartWhenAConfiguredContractIsMissing(Devnet devnet) throws Exception {
        Deployment deployment = devnet.deployment();
        long nonce = devnet.chain().transactionCount(KeeperIT.KEEPER, BlockTag.LATEST);
        Path file = config(deployment, """
                execution:
                  signer: { privateKeyEnv: MC_PRIVATE_KEY }
                  funding: wallet
                  uniswapV2Router: "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f"
                """);
        Run run = run("run", "--config", file.toString(), "--state-dir", Files.createTempDirectory("state").toString());
        assertThat(run.exit()).isEqualTo(MarginCall.BAD_USAGE);
        assertThat(run.err()).contains("execution.uniswapV2Router: no contract at 0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f").doesNotContain("\tat ");
        assertThat(devnet.chain().transactionCount(KeeperIT.KEEPER, BlockTag.LATEST)).as("nothing sent").isEqualTo(nonce);
    }
}
